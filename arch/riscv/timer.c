/*
 * The periodic timer: the time CSR counts at the device tree's
 * timebase-frequency, and the SBI TIME extension raises a supervisor timer
 * interrupt when it reaches the deadline we set. Each interrupt sets the
 * next deadline one period later. Every hart has its own deadline (the
 * firmware keeps one per hart), so each CPU starts its own timer. The time
 * CSR is also the user clock: scounteren lets U-mode read it with rdtime.
 */
#include <arch/arch.h>

#include "arch/riscv/csr.h"
#include "arch/riscv/platform.h"
#include "arch/riscv/sbi.h"
#include "kernel/timer.h"
#include "lib/cpu.h"
#include "lib/kprintf.h"

static uint64_t tick_period; /* in time-CSR units, the same on every hart */

/* Ask the firmware for an interrupt on this hart one period from now. */
static void schedule_next_tick(void)
{
	long err = sbi_set_timer(csr_read(time) + tick_period);

	if (err)
		panic("schedule_next_tick: SBI set_timer failed (%ld)", err);
}

void arch_timer_init(unsigned hz)
{
	if (riscv_timebase_hz == 0)
		panic("arch_timer_init: no /cpus/timebase-frequency in the "
		      "device tree");
	csr_write(scounteren, SCOUNTEREN_TM);
	tick_period = riscv_timebase_hz / hz;
	schedule_next_tick();
	csr_set(sie, SIE_STIE);
}

uint64_t arch_clock_hz(void)
{
	return riscv_timebase_hz;
}

void riscv_timer_interrupt(void)
{
	schedule_next_tick();
	timer_tick();
}
