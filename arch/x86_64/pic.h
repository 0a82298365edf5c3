/* The legacy 8259 PIC pair, remapped to vectors VEC_IRQ0..VEC_IRQ0 + 15. */
#ifndef X86_64_PIC_H
#define X86_64_PIC_H

/* Remap both PICs to VEC_IRQ0 and mask every line. */
void pic_init(void);
/* Let IRQ irq (0-7, the master's lines) through. */
void pic_unmask(unsigned irq);
/* Acknowledge IRQ irq, so the PIC delivers the next one. */
void pic_eoi(unsigned irq);

#endif
