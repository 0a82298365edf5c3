/* A clock for measuring short intervals: a counter user mode reads without
 * a system call (rdtsc on x86_64, rdtime on RISC-V), at a constant rate the
 * kernel reports in struct sys_info's clock_hz, the same on every CPU. The
 * reads: user/arch/<arch>/clock.S; the conversion: user/lib/clock.c. */
#ifndef LIB_CLOCK_H
#define LIB_CLOCK_H

#include <lib/stddef.h>

/* Return: the user clock's raw ticks now. */
uint64_t clock_now(void);
/* Return: ticks (a difference of clock_now values) in nanoseconds; the
 * rate comes from info() on the first call, then is remembered. 0 if the
 * kernel reports no rate. */
uint64_t clock_ns(uint64_t ticks);

#endif
