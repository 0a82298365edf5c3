/* The periodic timer, as the kernel sees it. */
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H

#include "lib/types.h"

#define TIMER_HZ 100

/* Called by the arch on every timer interrupt, interrupts off. */
void timer_tick(void);
/* The wait channel woken on every tick of the boot CPU (proc_sleep_ms). */
extern const char timer_ticks_chan;

/* Timer interrupts taken so far by the boot CPU. */
uint64_t timer_ticks(void);

#endif
