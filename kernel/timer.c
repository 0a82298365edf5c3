/* The kernel's view of the periodic timer. */
#include "kernel/timer.h"

#include "kernel/proc.h"
#include "lib/cpu.h"

const char timer_ticks_chan;

/* Count the tick, end the running process's time slice, and wake the
 * sleepers waiting for time to pass. */
void timer_tick(void)
{
	struct sched_cpu *c = mysched();

	c->ticks++;
	c->resched = true;
	if (cpu_id() == 0)
		proc_wakeup(&timer_ticks_chan);
}

uint64_t timer_ticks(void)
{
	return __atomic_load_n(&sched_cpus[0].ticks, __ATOMIC_RELAXED);
}
