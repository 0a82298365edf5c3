/* 1 MiB of initialized data across fork: the child sees the parent's
 * words, writes the first word of every eighth page (each write copies a
 * page: all of them would not fit beside the initrd at MEM=8M), sees its
 * own; the parent's words stay as the file gave them. */
#define BIG_SEED 3
#include "big_table.h"

#define CHILD_SEED 0x777
#define STRIDE (8 * BIG_PAGE_WORDS)

static volatile uint64_t table[BIG_WORDS] = {BIG_TABLE};

/* The child's part: check, write a word every STRIDE, check the writes. */
static void child(void)
{
	big_check(table, 0, BIG_WORDS, BIG_SEED, "big_fork child before");
	for (size_t i = 0; i < BIG_WORDS; i += STRIDE)
		table[i] = BIG_WORD(i, CHILD_SEED);
	for (size_t i = 0; i < BIG_WORDS; i += STRIDE) {
		big_check(table + i, i, 1, CHILD_SEED, "big_fork child write");
		big_check(table + i + 1, i + 1, STRIDE - 1, BIG_SEED,
			  "big_fork child rest");
	}
	exit(0);
}

int main(void)
{
	int pid, status = -1;

	big_check(table, 0, BIG_WORDS, BIG_SEED, "big_fork");
	pid = fork();
	if (pid < 0)
		error("big_fork: fork failed: %d", pid);
	if (pid == 0)
		child();
	if (wait(pid, &status) != pid || status != 0)
		error("big_fork: the child exited %d", status);
	big_check(table, 0, BIG_WORDS, BIG_SEED, "big_fork parent after");
	pass("big_fork: %u KiB shared by fork, the child's writes its own",
	     (unsigned)(sizeof(table) >> 10));
	return 0;
}
