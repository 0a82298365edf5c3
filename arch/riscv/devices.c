/*
 * The devices arch/riscv drives: the UART and the test finisher. Until
 * kmap_init they are reached through the boot page table's direct map;
 * afterwards the kernel page table maps only what kmap_mmio asked for.
 */
#include <arch/arch.h>

#include "arch/riscv/platform.h"
#include "arch/riscv/trapframe.h"
#include "lib/cpu.h"
#include "mm/kmap.h"

void arch_devices_init(void)
{
	riscv_overflow_stack_init(mycpu());
	uart_remap();
	power_init(kmap_mmio(SIFIVE_TEST_PA, PAGE_SIZE));
}
