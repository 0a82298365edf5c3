/*
 * The QEMU virt machine as arch/riscv sees it: device addresses and the
 * boot facts the other files of arch/riscv share. Private to arch/riscv.
 */
#ifndef ARCH_RISCV_PLATFORM_H
#define ARCH_RISCV_PLATFORM_H

#include "kernel/types.h"

#define UART0_PA 0x10000000ul	  /* ns16550a, registers one byte apart */
#define SIFIVE_TEST_PA 0x100000ul /* SiFive test finisher: leaves QEMU */

/* The hart (RISC-V CPU) id OpenSBI booted us on; not necessarily 0. */
extern unsigned long riscv_boot_hartid;
/* Frequency of the time CSR, from /cpus/timebase-frequency (0: unknown). */
extern uint64_t riscv_timebase_hz;

struct boot_info;
/* Fill bi->ram from the device tree at fdt (physical address fdt_pa): every
 * /memory range minus /reserved-memory, the reservation block, the blob
 * itself and the initrd already recorded in bi. */
void boot_ram_from_fdt(struct boot_info *bi, const void *fdt, paddr_t fdt_pa);

/* Start the ns16550a whose registers are at regs (a kernel virtual address). */
void uart_init(void *regs);
/* Reach the already started UART at a new address. */
void uart_remap(void *regs);

/* Where the SiFive test finisher's register is mapped. */
void power_init(void *regs);

/* The supervisor timer interrupt: program the next tick, count this one. */
void riscv_timer_interrupt(void);

#endif
