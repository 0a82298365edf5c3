/* The 16550 UART (lib/uart16550.h), after the National Semiconductor
 * PC16550D data sheet: eight byte registers, two of them the baud-rate
 * divisor while LCR.DLAB is set. */
#include "lib/uart16550.h"

#define UART_DATA 0 /* receive buffer / transmit holding; DLAB: divisor low */
#define UART_IER 1  /* interrupt enable; DLAB: divisor high */
#define UART_FCR 2  /* FIFO control (write) */
#define UART_LCR 3  /* line control */
#define UART_MCR 4  /* modem control */
#define UART_LSR 5  /* line status */

#define LCR_8N1 0x03
#define LCR_DLAB 0x80	      /* the first two registers are the divisor */
#define FCR_ENABLE_CLEAR 0x07 /* FIFOs on, both cleared */
#define MCR_DTR_RTS 0x03
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20

/* Read register reg (UART_*) of u. */
static uint8_t reg_read(const struct uart16550 *u, unsigned reg)
{
	return u->read(u->base + (reg << u->shift));
}

/* Write v to register reg (UART_*) of u. */
static void reg_write(const struct uart16550 *u, unsigned reg, uint8_t v)
{
	u->write(u->base + (reg << u->shift), v);
}

void uart16550_init(const struct uart16550 *u)
{
	reg_write(u, UART_IER, 0);
	if (u->divisor) {
		reg_write(u, UART_LCR, LCR_DLAB);
		reg_write(u, UART_DATA, u->divisor & 0xff);
		reg_write(u, UART_IER, u->divisor >> 8);
	}
	reg_write(u, UART_LCR, LCR_8N1);
	reg_write(u, UART_FCR, FCR_ENABLE_CLEAR);
	reg_write(u, UART_MCR, MCR_DTR_RTS);
}

void uart16550_putc(const struct uart16550 *u, char c)
{
	while (!(reg_read(u, UART_LSR) & LSR_THR_EMPTY))
		;
	reg_write(u, UART_DATA, (uint8_t)c);
}

int uart16550_getc(const struct uart16550 *u)
{
	if (!(reg_read(u, UART_LSR) & LSR_DATA_READY))
		return -1;
	return reg_read(u, UART_DATA);
}
