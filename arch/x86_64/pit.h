/* The 8254 PIT, channel 2, polled: a delay that needs no interrupt. */
#ifndef X86_64_PIT_H
#define X86_64_PIT_H

/* Busy-wait at least us microseconds. */
void pit_delay_us(unsigned us);

#endif
