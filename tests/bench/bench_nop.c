/* bench_nop: a program that exits at once with status 0, for the spawn and
 * exec measurements of bench.c. */
int main(void)
{
	return 0;
}
