/* The user clock (issue 8), for the Linux build until the course's own
 * lib/clock.h lands: raw ticks and their conversion to nanoseconds. */
#ifndef LIB_CLOCK_H
#define LIB_CLOCK_H

#include <lib/stddef.h>

/* Return: raw ticks of the user clock (rdtsc on x86_64). */
uint64_t clock_now(void);
/* Return: ticks converted to nanoseconds. */
uint64_t clock_ns(uint64_t ticks);

#endif
