/*
 * The console: a 16550A-compatible UART (QEMU virt's ns16550a), polled.
 * Registers are one byte apart.
 */
#include <arch/arch.h>

#include "arch/riscv/platform.h"

#define UART_RBR 0 /* receive buffer (read) */
#define UART_THR 0 /* transmit holding (write) */
#define UART_IER 1 /* interrupt enable */
#define UART_FCR 2 /* FIFO control (write) */
#define UART_LCR 3 /* line control */
#define UART_LSR 5 /* line status */

#define LCR_8N1 0x03
#define FCR_ENABLE_CLEAR 0x07 /* FIFOs on, both cleared */
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20

static volatile uint8_t *uart;

void uart_init(void *regs)
{
	uart = regs;
	uart[UART_IER] = 0; /* polled: no interrupts */
	uart[UART_LCR] = LCR_8N1;
	uart[UART_FCR] = FCR_ENABLE_CLEAR;
}

void uart_remap(void *regs)
{
	uart = regs;
}

void arch_console_putc(char c)
{
	while (!(uart[UART_LSR] & LSR_THR_EMPTY))
		;
	uart[UART_THR] = (uint8_t)c;
}

int arch_console_getc(void)
{
	if (!(uart[UART_LSR] & LSR_DATA_READY))
		return -1;
	return uart[UART_RBR];
}
