/*
 * One driver for the 16550 UART, the console on both machines (the PC's
 * COM1, QEMU virt's ns16550a), polled: no interrupts. The arch says how its
 * registers are reached (I/O ports on x86_64, memory on RISC-V) and where.
 */
#ifndef LIB_UART16550_H
#define LIB_UART16550_H

#include "lib/types.h"

struct uart16550 {
	/* Read or write the byte register at addr: base + (number << shift). */
	uint8_t (*read)(uintptr_t addr);
	void (*write)(uintptr_t addr, uint8_t value);
	uintptr_t base;	  /* an I/O port, or a kernel virtual address */
	unsigned shift;	  /* log2 of the distance between registers */
	uint16_t divisor; /* of the baud rate; 0 keeps the firmware's */
};

/* Program u: 8 data bits, no parity, one stop bit; the divisor unless 0;
 * FIFOs on and cleared; no interrupts; DTR and RTS asserted. */
void uart16550_init(const struct uart16550 *u);
/* Wait for room in the transmitter, then send c as is (kprintf adds the
 * carriage returns). */
void uart16550_putc(const struct uart16550 *u, char c);
/* The next received byte, or -1 at once when none has arrived. */
int uart16550_getc(const struct uart16550 *u);

#endif
