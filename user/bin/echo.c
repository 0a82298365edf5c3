/* echo ARG...: print the arguments separated by spaces, then a newline.
 * Exits with status argc, which the spawn tests check. */
#include <lib/stdio.h>

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		printf("%s%s", argv[i], i + 1 < argc ? " " : "");
	printf("\n");
	return argc;
}
