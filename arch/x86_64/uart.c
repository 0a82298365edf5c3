/* COM1: arch_console_putc/getc over the 16550 driver (lib/uart16550.c),
 * its registers reached with in and out. */
#include "arch/x86_64/uart.h"

#include <arch/arch.h>

#include "arch/x86_64/x86.h"
#include "lib/uart16550.h"

#define COM1 0x3f8
#define DIVISOR_115200 1 /* the PC's 1.8432 MHz clock / 16 / 115200 */

/* Register access through the I/O port port. */
static uint8_t port_read(uintptr_t port)
{
	return inb((uint16_t)port);
}

static void port_write(uintptr_t port, uint8_t v)
{
	outb((uint16_t)port, v);
}

static const struct uart16550 com1 = {
    .read = port_read,
    .write = port_write,
    .base = COM1,
    .divisor = DIVISOR_115200,
};

void uart_init(void)
{
	uart16550_init(&com1);
}

void arch_console_putc(char c)
{
	uart16550_putc(&com1, c);
}

int arch_console_getc(void)
{
	return uart16550_getc(&com1);
}
