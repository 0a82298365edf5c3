/* COM1: arch_console_putc/getc over a polled 16550 UART. */
#include "arch/x86_64/uart.h"

#include <arch/arch.h>

#include "arch/x86_64/x86.h"

#define COM1 0x3f8
#define UART_DATA 0 /* with DLAB: divisor low byte */
#define UART_IER 1  /* with DLAB: divisor high byte */
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define FCR_ENABLE_CLEAR 0x07
#define MCR_DTR_RTS 0x03
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20
#define DIVISOR_115200 1 /* 115200 / 115200 */

/* 115200 baud (divisor 1), 8N1, FIFOs on and cleared, no interrupts:
 * the console is polled. */
void uart_init(void)
{
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, LCR_DLAB);
	outb(COM1 + UART_DATA, DIVISOR_115200 & 0xff);
	outb(COM1 + UART_IER, DIVISOR_115200 >> 8);
	outb(COM1 + UART_LCR, LCR_8N1);
	outb(COM1 + UART_FCR, FCR_ENABLE_CLEAR);
	outb(COM1 + UART_MCR, MCR_DTR_RTS);
}

/* Wait for room in the transmitter, then send c as is (kprintf adds the
 * carriage returns). */
void arch_console_putc(char c)
{
	while (!(inb(COM1 + UART_LSR) & LSR_THR_EMPTY))
		;
	outb(COM1 + UART_DATA, (uint8_t)c);
}

/* The next received byte, or -1 at once when none has arrived. */
int arch_console_getc(void)
{
	if (!(inb(COM1 + UART_LSR) & LSR_DATA_READY))
		return -1;
	return inb(COM1 + UART_DATA);
}
