/* Two tables of 512 KiB in one program, one read-only and one writable,
 * each with its own seed: both segments come from the right places of the
 * file, whole; the writable one takes writes, the read-only one does not
 * change. */
#include "big_table.h"

#define HALF (BIG_WORDS / 2)
#define LOW_SEED 5
#define HIGH_SEED 6
#define WRITE_SEED 0x4242

#define BIG_SEED LOW_SEED
static const uint64_t low[HALF] = {BIG_HALF}; /* words 0 .. HALF-1 */
#undef BIG_SEED
#define BIG_SEED HIGH_SEED
static uint64_t high[HALF] = {BIG_HALF}; /* words HALF .. BIG_WORDS-1 */

int main(void)
{
	big_check(low, 0, HALF, LOW_SEED, "big_halves read-only");
	big_check(high, HALF, HALF, HIGH_SEED, "big_halves writable");
	for (size_t k = 0; k < HALF; k++)
		high[k] = BIG_WORD(HALF + k, WRITE_SEED);
	big_check(high, HALF, HALF, WRITE_SEED, "big_halves rewritten");
	big_check(low, 0, HALF, LOW_SEED, "big_halves read-only after");
	pass("big_halves: %u KiB read-only and %u KiB writable, intact",
	     (unsigned)(sizeof(low) >> 10), (unsigned)(sizeof(high) >> 10));
	return 0;
}
