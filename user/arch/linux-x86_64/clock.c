/* lib/clock.h under Linux: ticks are the TSC's, read with rdtsc; their rate
 * is measured once per boot by init (tests/bench/linux/init.c) against
 * CLOCK_MONOTONIC and handed down in the environment as TSC_HZ=, or
 * measured here at the first conversion when the environment lacks it. */
#include "linux.h"
#include <lib/clock.h>
#include <lib/string.h>

#define NS_PER_S 1000000000ull
#define CALIBRATE_MS 100
#define PAIR_TRIES 5
#define TSC_ENV "TSC_HZ="

struct clock_pair {
	uint64_t ns;	/* CLOCK_MONOTONIC */
	uint64_t ticks; /* the TSC at the same moment */
};

static uint64_t tsc_hz; /* 0 until known */

uint64_t clock_now(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* Return: CLOCK_MONOTONIC in nanoseconds, by the raw system call (not the
 * vDSO, which these static programs do not look up). */
static uint64_t monotonic_ns(void)
{
	struct linux_timespec t = {0, 0};

	linux_sys2(LINUX_clock_gettime, LINUX_CLOCK_MONOTONIC, (long)&t);
	return (uint64_t)t.tv_sec * NS_PER_S + (uint64_t)t.tv_nsec;
}

/* A reading of CLOCK_MONOTONIC and of the TSC at the same moment: of
 * PAIR_TRIES tries, the clock read that took the fewest ticks, paired with
 * the TSC halfway through it (an interrupt or a vCPU switch in the middle
 * of a read makes that try lose). */
static struct clock_pair clock_pair(void)
{
	struct clock_pair best = {0, 0};
	uint64_t best_width = ~0ull;

	for (int i = 0; i < PAIR_TRIES; i++) {
		uint64_t before = clock_now(), ns = monotonic_ns();
		uint64_t width = clock_now() - before;

		if (width < best_width) {
			best_width = width;
			best = (struct clock_pair){ns, before + width / 2};
		}
	}
	return best;
}

/* Measure the TSC against CLOCK_MONOTONIC across a CALIBRATE_MS sleep.
 * Return: TSC ticks per second. */
uint64_t linux_tsc_calibrate(void)
{
	struct linux_timespec nap = {0, CALIBRATE_MS * 1000000l};
	struct clock_pair a = clock_pair(), b;

	linux_sys2(LINUX_nanosleep, (long)&nap, 0);
	b = clock_pair();
	return (b.ticks - a.ticks) * NS_PER_S / (b.ns - a.ns);
}

/* Return: TSC_HZ from the environment, or 0. */
static uint64_t tsc_hz_from_env(void)
{
	size_t len = strlen(TSC_ENV);

	for (char **e = linux_envp; e != NULL && *e != NULL; e++)
		if (strncmp(*e, TSC_ENV, len) == 0)
			return (uint64_t)strtol(*e + len, NULL, 10);
	return 0;
}

/* Exact in 64 bits for any rate below 18 GHz: whole seconds, then the
 * remainder, which stays under tsc_hz * 10^9. */
uint64_t clock_ns(uint64_t ticks)
{
	if (tsc_hz == 0)
		tsc_hz = tsc_hz_from_env();
	if (tsc_hz == 0)
		tsc_hz = linux_tsc_calibrate();
	return ticks / tsc_hz * NS_PER_S + ticks % tsc_hz * NS_PER_S / tsc_hz;
}
