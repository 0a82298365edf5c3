/*
 * The QEMU virt machine as arch/riscv sees it: device addresses and the
 * boot facts the other files of arch/riscv share. Private to arch/riscv.
 */
#ifndef ARCH_RISCV_PLATFORM_H
#define ARCH_RISCV_PLATFORM_H

#include "lib/types.h"

#define UART0_PA 0x10000000ul	  /* ns16550a, when the device tree says none */
#define SIFIVE_TEST_PA 0x100000ul /* SiFive test finisher: leaves QEMU */

/* The hart (RISC-V CPU) id OpenSBI booted us on; not necessarily 0. */
extern unsigned long riscv_boot_hartid;
/* Frequency of the time CSR, from /cpus/timebase-frequency (0: unknown). */
extern uint64_t riscv_timebase_hz;

struct boot_info;
/* Fill bi->ram from the device tree at fdt (physical address fdt_pa): every
 * /memory range minus /reserved-memory, the reservation block and the blob
 * itself. */
void boot_ram_from_fdt(struct boot_info *bi, const void *fdt, paddr_t fdt_pa);

/* Find the console UART in the device tree fdt (NULL: none is valid; then
 * UART0_PA) and start it, reached through the boot page table's direct
 * map. */
void uart_init(const void *fdt);
/* Map the UART's registers in the kernel page table (arch_devices_init). */
void uart_remap(void);

/* Where the SiFive test finisher's register is mapped. */
void power_init(void *regs);

/* Remember the enabled harts of the device tree's /cpus for
 * arch_start_cpu (after riscv_boot_hartid is known). */
void smp_harts_from_fdt(const void *fdt);
/* The hart id of CPU id (0: the boot hart), once that CPU runs. */
unsigned long riscv_cpu_hartid(int id);

/* The satp value that makes root the current page table (Sv39 or Sv48). */
uint64_t riscv_satp(paddr_t root);

/* The supervisor timer interrupt: program the next tick, count this one. */
void riscv_timer_interrupt(void);

#endif
