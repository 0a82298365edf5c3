/* The periodic timer: PIT channel 0 as a rate generator on IRQ 0. */
#include "arch/x86_64/pic.h"
#include "arch/x86_64/x86.h"
#include "kernel/arch.h"
#include "kernel/kprintf.h"

#define PIT_HZ 1193182 /* the PIT's input clock */
#define PIT_CH0 0x40
#define PIT_CMD 0x43
#define PIT_CH0_LOHI_RATE 0x34 /* channel 0, low then high byte, mode 2 */
#define IRQ_PIT 0

/* Program the PIT for hz interrupts per second (19..PIT_HZ, since the
 * divisor has 16 bits) and unmask IRQ 0. */
void arch_timer_init(unsigned hz)
{
	unsigned divisor;

	if (hz < 19 || hz > PIT_HZ)
		panic("arch_timer_init: %u Hz is out of the PIT's range", hz);
	divisor = (PIT_HZ + hz / 2) / hz;
	outb(PIT_CMD, PIT_CH0_LOHI_RATE);
	outb(PIT_CH0, divisor & 0xff);
	outb(PIT_CH0, divisor >> 8);
	pic_unmask(IRQ_PIT);
}
