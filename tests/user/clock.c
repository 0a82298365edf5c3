/* The user clock (lib/clock.h): info() reports its rate, clock_now never
 * goes backwards and moves on, clock_ns converts exactly, and sleep(100)
 * lasts between 90 ms and 1 s by it (the upper bound is loose: an emulator
 * on a busy machine may be slow to wake us). */
#include <lib/clock.h>
#include <lib/test.h>

#define READS 10000
#define SLEEP_MS 100
#define SLEEP_MIN_MS 90
#define SLEEP_MAX_MS 1000
#define NS_PER_MS 1000000ull

/* Read the clock READS times; each read must be at least the one before,
 * and the last later than the first. */
static void check_monotonic(void)
{
	uint64_t first = clock_now(), prev = first;

	for (int i = 0; i < READS; i++) {
		uint64_t now = clock_now();
		if (now < prev)
			error("clock went back from %llu to %llu",
			      (unsigned long long)prev,
			      (unsigned long long)now);
		prev = now;
	}
	if (prev == first)
		error("clock stood still over %d reads", READS);
}

int main(void)
{
	struct sys_info si;
	uint64_t t0, ms;

	assert(info(&si) == ERR_OK);
	if (si.clock_hz < 1000000)
		error("clock_hz is %zu, want at least 1 MHz", si.clock_hz);
	assert(clock_ns(si.clock_hz) == 1000 * NS_PER_MS);
	assert(clock_ns(3 * si.clock_hz / 2) == 1500 * NS_PER_MS);
	check_monotonic();
	t0 = clock_now();
	assert(sleep(SLEEP_MS) == ERR_OK);
	ms = clock_ns(clock_now() - t0) / NS_PER_MS;
	if (ms < SLEEP_MIN_MS || ms > SLEEP_MAX_MS)
		error("sleep(%d) took %llu ms by the clock, want %d to %d",
		      SLEEP_MS, (unsigned long long)ms, SLEEP_MIN_MS,
		      SLEEP_MAX_MS);
	pass("clock: %zu Hz, sleep(%d) took %llu ms", si.clock_hz, SLEEP_MS,
	     (unsigned long long)ms);
	return 0;
}
