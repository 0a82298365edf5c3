/* The 1 MiB tables of the big tests: BIG_WORDS 64-bit words, word i of the
 * table with seed s being BIG_WORD(i, s), every word spelled out at compile
 * time (each __COUNTER__ is the next index), so that the whole table is
 * initialized data in the program file: in the initrd, then copied by exec.
 * A wrong word means the loader or the initrd lost or moved a byte. */
#ifndef BIG_TABLE_H
#define BIG_TABLE_H

#include <lib/stddef.h>
#include <lib/test.h>

#define BIG_WORDS 131072ul /* 1 MiB */
#define BIG_PAGE_WORDS 512ul
#define BIG_MUL 0x9e3779b97f4a7c15ull /* odd: distinct words for distinct i */
#define BIG_WORD(i, seed) (((uint64_t)(i) + (seed)) * BIG_MUL)

/* Initializers of seed BIG_SEED (which the including file defines as it
 * goes): BIG_TABLE is BIG_WORDS words, BIG_HALF half as many, word i the
 * i-th spelled since this header (no other __COUNTER__ in between). */
enum { BIG_COUNTER_BASE = __COUNTER__ + 1 };
#define BIG_NEXT BIG_WORD(__COUNTER__ - BIG_COUNTER_BASE, BIG_SEED)
#define BIG_W2 BIG_NEXT, BIG_NEXT
#define BIG_W8 BIG_W2, BIG_W2, BIG_W2, BIG_W2
#define BIG_W32 BIG_W8, BIG_W8, BIG_W8, BIG_W8
#define BIG_W128 BIG_W32, BIG_W32, BIG_W32, BIG_W32
#define BIG_W512 BIG_W128, BIG_W128, BIG_W128, BIG_W128
#define BIG_W2K BIG_W512, BIG_W512, BIG_W512, BIG_W512
#define BIG_W8K BIG_W2K, BIG_W2K, BIG_W2K, BIG_W2K
#define BIG_W32K BIG_W8K, BIG_W8K, BIG_W8K, BIG_W8K
#define BIG_HALF BIG_W32K, BIG_W32K
#define BIG_TABLE BIG_HALF, BIG_HALF

/* Check the n words at t, which should be words first.. of seed, else fail
 * the test with the first wrong word (what names the table). */
static inline void big_check(const volatile uint64_t *t, size_t first, size_t n,
			     uint64_t seed, const char *what)
{
	for (size_t k = 0; k < n; k++)
		if (t[k] != BIG_WORD(first + k, seed))
			error("%s: word %u is 0x%lx, want 0x%lx", what,
			      (unsigned)(first + k), (unsigned long)t[k],
			      (unsigned long)BIG_WORD(first + k, seed));
}

/* Fork a child that checks the whole table and exits 0; fail unless it
 * did. */
static inline void big_check_in_child(const volatile uint64_t *t, uint64_t seed,
				      const char *what)
{
	int pid = fork(), status = -1;

	if (pid < 0)
		error("%s: fork failed: %d", what, pid);
	if (pid == 0) {
		big_check(t, 0, BIG_WORDS, seed, what);
		exit(0);
	}
	if (wait(pid, &status) != pid || status != 0)
		error("%s: the child's check exited %d", what, status);
}

#endif
