/*
 * The periodic timer: every CPU's own local APIC timer, in periodic mode on
 * VEC_TIMER. Its input clock (the bus or core crystal clock) is not
 * architectural, so the boot CPU measures it once against the PIT, whose
 * 1.193182 MHz is; every CPU then uses the same count.
 */
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/pit.h"
#include "kernel/arch.h"
#include "kernel/kprintf.h"

#define CALIBRATE_US 20000 /* 20 ms against the PIT */

static uint64_t lapic_timer_hz; /* timer ticks per second, divided by 16 */

/* Measure the local APIC timer's rate against the PIT. */
static uint64_t calibrate(void)
{
	uint64_t hz;

	lapic_timer_start_count();
	pit_delay_us(CALIBRATE_US);
	hz = (uint64_t)lapic_timer_elapsed() * (1000000 / CALIBRATE_US);
	kprintf("x86_64: local APIC timer at %lu kHz (measured against the "
		"PIT)\n",
		(unsigned long)(hz / 1000));
	return hz;
}

/* The first call (the boot CPU, before it starts the others) calibrates;
 * every call starts the calling CPU's timer at hz interrupts per second. */
void arch_timer_init(unsigned hz)
{
	uint64_t count;

	lapic_enable();
	if (!lapic_timer_hz)
		lapic_timer_hz = calibrate();
	count = hz ? lapic_timer_hz / hz : 0;
	if (!count || count > UINT32_MAX)
		panic("arch_timer_init: %u Hz is out of the local APIC "
		      "timer's range",
		      hz);
	lapic_timer_periodic(count);
}
