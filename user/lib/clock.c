/* The conversion half of lib/clock.h; clock_now is per arch. */
#include <lib/clock.h>

#define NS_PER_S 1000000000ull

static uint64_t clock_hz; /* 0 until the first clock_ns */

uint64_t clock_ns(uint64_t ticks)
{
	struct sys_info si;

	if (clock_hz == 0 && info(&si) == ERR_OK)
		clock_hz = si.clock_hz;
	if (clock_hz == 0)
		return 0;
	/* Whole seconds apart, so that ticks * NS_PER_S cannot overflow. */
	return ticks / clock_hz * NS_PER_S +
	       ticks % clock_hz * NS_PER_S / clock_hz;
}
