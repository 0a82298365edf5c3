/*
 * The 8254 PIT's channel 2 as a stopwatch: mode 0 (interrupt on terminal
 * count) raises the channel's output when the count runs out, and port
 * 0x61 (the PC speaker's control) both gates the channel and reads that
 * output back. Channel 0 and IRQ 0 are not used: the local APIC ticks.
 */
#include "arch/x86_64/pit.h"

#include "arch/x86_64/x86.h"
#include "lib/types.h"

#define PIT_HZ 1193182 /* the PIT's input clock */
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PIT_CH2_LOHI_MODE0 0xb0 /* channel 2, low then high byte, mode 0 */
#define PORT_B 0x61
#define PORT_B_GATE2 0x01   /* channel 2 counts while set */
#define PORT_B_SPEAKER 0x02 /* channel 2 drives the speaker: kept off */
#define PORT_B_OUT2 0x20    /* channel 2's output (read only) */
#define CHUNK_US 50000	    /* fits in the 16-bit count */

/* Wait count PIT clocks (1..65535). */
static void pit_wait_count(uint16_t count)
{
	uint8_t b = inb(PORT_B);

	outb(PORT_B, (b & ~PORT_B_SPEAKER) | PORT_B_GATE2);
	outb(PIT_CMD, PIT_CH2_LOHI_MODE0);
	outb(PIT_CH2, count & 0xff);
	outb(PIT_CH2, count >> 8);
	while (!(inb(PORT_B) & PORT_B_OUT2))
		;
}

void pit_delay_us(unsigned us)
{
	while (us) {
		unsigned n = MIN(us, CHUNK_US);
		uint64_t count = (uint64_t)n * PIT_HZ / 1000000 + 1;

		pit_wait_count(count);
		us -= n;
	}
}
