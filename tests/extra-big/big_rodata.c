/* A program with 1 MiB of read-only data: every word of it arrives intact
 * in the text-and-rodata image exec builds, in the program and in a forked
 * child, which shares the frames. */
#define BIG_SEED 1
#include "big_table.h"

static const uint64_t table[BIG_WORDS] = {BIG_TABLE};

int main(void)
{
	big_check(table, 0, BIG_WORDS, BIG_SEED, "big_rodata");
	big_check_in_child(table, BIG_SEED, "big_rodata child");
	pass("big_rodata: %u KiB of read-only data intact",
	     (unsigned)(sizeof(table) >> 10));
	return 0;
}
