/*
 * The console: a 16550 (lib/uart16550.c) whose registers are bytes of
 * memory, QEMU virt's ns16550a. The device tree's /chosen stdout-path says
 * where; without one that names a 16550, the virt machine's UART0_PA.
 */
#include <arch/arch.h>

#include "arch/riscv/fdt.h"
#include "arch/riscv/platform.h"
#include "lib/string.h"
#include "lib/uart16550.h"
#include "mm/kmap.h"
#include "mm/pmem.h"

/* Register access by a byte load or store at kernel address addr. */
static uint8_t mmio_read(uintptr_t addr)
{
	return *(volatile uint8_t *)addr;
}

static void mmio_write(uintptr_t addr, uint8_t v)
{
	*(volatile uint8_t *)addr = v;
}

/* The divisor stays the firmware's: OpenSBI set it from the device tree's
 * clock-frequency. */
static struct uart16550 uart = {.read = mmio_read, .write = mmio_write};
static paddr_t uart_pa;

/* Copy the path of the console's node to path: /chosen's stdout-path up
 * to any ':' (options), an alias resolved through /aliases. False when
 * there is none or it does not fit. */
static bool stdout_path(const void *fdt, char *path, size_t size)
{
	const char *p =
	    fdt_prop(fdt, fdt_path(fdt, "/chosen"), "stdout-path", NULL);
	char *options;

	if (!p || strlcpy(path, p, size) >= size)
		return false;
	options = strchr(path, ':');
	if (options)
		*options = '\0';
	if (path[0] == '/')
		return true;
	p = fdt_prop(fdt, fdt_path(fdt, "/aliases"), path, NULL);
	return p && p[0] == '/' && strlcpy(path, p, size) < size;
}

/* The #address-cells that node path's reg is written in: its parent's.
 * Cuts path down to the parent's. */
static uint32_t reg_address_cells(const void *fdt, char *path)
{
	char *slash = path;

	for (char *p = path; *p; p++)
		if (*p == '/')
			slash = p;
	if (slash == path)
		slash[1] = '\0'; /* the parent of "/soc" is "/" */
	else
		*slash = '\0';
	return fdt_prop_u32(fdt, fdt_path(fdt, path), "#address-cells", 2);
}

/* Where the device tree's console is, if it is a 16550: the physical
 * address of its registers and the log2 of their spacing (reg-shift). */
static bool uart_from_fdt(const void *fdt, paddr_t *pa, unsigned *shift)
{
	char path[128];
	int node, len;
	const void *reg;
	uint32_t ac;

	if (!stdout_path(fdt, path, sizeof(path)))
		return false;
	node = fdt_path(fdt, path);
	if (!fdt_compatible(fdt, node, "ns16550a") &&
	    !fdt_compatible(fdt, node, "ns16550"))
		return false;
	reg = fdt_prop(fdt, node, "reg", &len);
	ac = reg_address_cells(fdt, path);
	if (!reg || ac < 1 || ac > 2 || len < (int)(4 * ac))
		return false;
	*pa = fdt_cells(reg, ac);
	*shift = fdt_prop_u32(fdt, node, "reg-shift", 0);
	return true;
}

void uart_init(const void *fdt)
{
	if (!fdt || !uart_from_fdt(fdt, &uart_pa, &uart.shift)) {
		uart_pa = UART0_PA;
		uart.shift = 0;
	}
	uart.base = (uintptr_t)P2V(uart_pa);
	uart16550_init(&uart);
}

void uart_remap(void)
{
	uart.base = (uintptr_t)kmap_mmio(uart_pa, 8u << uart.shift);
}

void arch_console_putc(char c)
{
	uart16550_putc(&uart, c);
}

int arch_console_getc(void)
{
	return uart16550_getc(&uart);
}
