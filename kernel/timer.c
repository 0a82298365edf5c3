/* The kernel's view of the periodic timer. */
#include "kernel/timer.h"

#include "kernel/cpu.h"

void timer_tick(void)
{
	mycpu()->ticks++;
}

uint64_t timer_ticks(void)
{
	return __atomic_load_n(&cpus[0].ticks, __ATOMIC_RELAXED);
}
