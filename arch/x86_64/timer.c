/*
 * The periodic timer: every CPU's own local APIC timer, in periodic mode on
 * VEC_TIMER. Its input clock (the bus or core crystal clock) is not
 * architectural, so the boot CPU measures it once against the PIT, whose
 * 1.193182 MHz is; every CPU then uses the same count. The TSC, the user
 * clock, is measured over the same PIT delay.
 */
#include <arch/arch.h>

#include "arch/x86_64/lapic.h"
#include "arch/x86_64/pit.h"
#include "arch/x86_64/x86.h"
#include "lib/kprintf.h"

#define CALIBRATE_US 10000 /* each run: 10 ms of the PIT */
#define CALIBRATE_RUNS 5

static uint64_t lapic_timer_hz; /* timer ticks per second, divided by 16 */
static uint64_t tsc_hz;		/* TSC ticks per second */

/* Count the TSC's and the local APIC timer's ticks over a PIT delay of
 * CALIBRATE_US into *tsc and *lapic. */
static void measure(uint64_t *tsc, uint64_t *lapic)
{
	uint64_t tsc0;

	lapic_timer_start_count();
	tsc0 = rdtsc();
	pit_delay_us(CALIBRATE_US);
	*tsc = rdtsc() - tsc0;
	*lapic = lapic_timer_elapsed();
}

/* Measure the local APIC timer's and the TSC's rates against the PIT.
 * Anything that delays the CPU around the delay (under an emulator: the
 * first run translating this code, the host running something else) only
 * adds ticks, so the run with the fewest is the best estimate. */
static void calibrate(void)
{
	uint64_t tsc, lapic, best_tsc = UINT64_MAX, best_lapic = 0;

	for (int run = 0; run < CALIBRATE_RUNS; run++) {
		measure(&tsc, &lapic);
		if (tsc < best_tsc) {
			best_tsc = tsc;
			best_lapic = lapic;
		}
	}
	tsc_hz = best_tsc * (1000000 / CALIBRATE_US);
	lapic_timer_hz = best_lapic * (1000000 / CALIBRATE_US);
	kprintf("x86_64: local APIC timer at %lu kHz, TSC at %lu kHz "
		"(measured against the PIT)\n",
		(unsigned long)(lapic_timer_hz / 1000),
		(unsigned long)(tsc_hz / 1000));
}

/* The first call (the boot CPU, before it starts the others) calibrates;
 * every call starts the calling CPU's timer at hz interrupts per second. */
void arch_timer_init(unsigned hz)
{
	uint64_t count;

	lapic_enable();
	if (!lapic_timer_hz)
		calibrate();
	count = hz ? lapic_timer_hz / hz : 0;
	if (!count || count > UINT32_MAX)
		panic("arch_timer_init: %u Hz is out of the local APIC "
		      "timer's range",
		      hz);
	lapic_timer_periodic(count);
}

uint64_t arch_clock_hz(void)
{
	return tsc_hz;
}
