/* COM1, the x86_64 console: a 16550 UART at I/O port 0x3f8, polled. */
#ifndef X86_64_UART_H
#define X86_64_UART_H

/* Program COM1 for 115200 baud, 8N1, FIFOs on, no interrupts. */
void uart_init(void);

#endif
