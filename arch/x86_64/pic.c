/* The 8259 PIC pair, programmed once so that it stays silent: remapped
 * away from the exception vectors (where a stray IRQ would look like a
 * fault) and every line masked. The local APIC timer ticks instead. */
#include "arch/x86_64/pic.h"

#include "arch/x86_64/layout.h"
#include "arch/x86_64/x86.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1
#define ICW1_INIT_ICW4 0x11 /* initialise, edge triggered, ICW4 follows */
#define ICW3_MASTER_SLAVE_ON_IRQ2 0x04
#define ICW3_SLAVE_ID 0x02
#define ICW4_8086 0x01
#define MASK_ALL 0xff

/* ICW1-4 to both chips: vectors VEC_IRQ0 and VEC_IRQ0 + 8, slave on
 * IRQ 2, 8086 mode; then mask every line. */
void pic_init(void)
{
	outb(PIC1_CMD, ICW1_INIT_ICW4);
	outb(PIC2_CMD, ICW1_INIT_ICW4);
	outb(PIC1_DATA, VEC_IRQ0);
	outb(PIC2_DATA, VEC_IRQ0 + 8);
	outb(PIC1_DATA, ICW3_MASTER_SLAVE_ON_IRQ2);
	outb(PIC2_DATA, ICW3_SLAVE_ID);
	outb(PIC1_DATA, ICW4_8086);
	outb(PIC2_DATA, ICW4_8086);
	outb(PIC1_DATA, MASK_ALL);
	outb(PIC2_DATA, MASK_ALL);
}
