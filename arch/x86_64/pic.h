/* The legacy 8259 PIC pair, remapped to vectors VEC_IRQ0..VEC_IRQ0 + 15 and
 * silenced: every CPU's interrupts come from its local APIC. */
#ifndef X86_64_PIC_H
#define X86_64_PIC_H

/* Remap both PICs to VEC_IRQ0 and mask every line. */
void pic_init(void);

#endif
