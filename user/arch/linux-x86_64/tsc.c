/* The rate of the user clock under Linux. lib/clock.h's clock_now is the
 * course's own rdtsc (user/arch/x86_64/clock.S) and clock_ns the course's
 * conversion (user/lib/clock.c), which takes the rate from info()'s
 * clock_hz; here is that rate. init (tests/bench/linux/init.c) measures the
 * TSC once per boot against CLOCK_MONOTONIC and hands the rate down in the
 * environment as TSC_HZ=; a program started otherwise measures it itself,
 * once. */
#include <lib/clock.h>
#include <lib/string.h>

#include "linux.h"

#define NS_PER_S 1000000000ull
#define CALIBRATE_MS 100
#define PAIR_TRIES 5
#define TSC_ENV "TSC_HZ="

struct clock_pair {
	uint64_t ns;	/* CLOCK_MONOTONIC */
	uint64_t ticks; /* the TSC at the same moment */
};

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

uint64_t linux_tsc_hz(void)
{
	static uint64_t hz; /* 0 until known */

	if (hz == 0)
		hz = tsc_hz_from_env();
	if (hz == 0)
		hz = linux_tsc_calibrate();
	return hz;
}
