/* The smallest test: a program starts, prints, and exits 0. */
#include <lib/stddef.h>
#include <lib/test.h>

int main(void)
{
	printf("hello from pid %d\n", getpid());
	pass("hello");
	return 0;
}
