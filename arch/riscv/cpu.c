/*
 * The running hart: per-CPU record in tp, the interrupt-enable bit, waiting
 * for interrupts, frame-pointer walking and the register dump for panic.
 *
 * A frame built with -fno-omit-frame-pointer: s0 (fp) points just above it,
 * the return address is at fp - 8 and the caller's fp at fp - 16.
 */
#include <arch/arch.h>

#include "arch/riscv/csr.h"
#include "arch/riscv/platform.h"
#include "lib/cpu.h"
#include "lib/kprintf.h"

void arch_cpu_set(struct cpu *c)
{
	asm volatile("mv tp, %0" : : "r"(c));
}

void arch_intr_enable(void)
{
	csr_set(sstatus, SSTATUS_SIE);
}

void arch_intr_disable(void)
{
	csr_clear(sstatus, SSTATUS_SIE);
}

bool arch_intr_enabled(void)
{
	return csr_read(sstatus) & SSTATUS_SIE;
}

/* wfi wakes for an enabled pending interrupt even while sstatus.SIE is
 * off, so nothing arriving before the wfi is missed; enabling SIE after it
 * takes the interrupt. */
void arch_wait_for_interrupt(void)
{
	asm volatile("wfi" : : : "memory");
	csr_set(sstatus, SSTATUS_SIE);
}

/* Naked, so that s0 is still the caller's frame pointer. */
__attribute__((naked)) uintptr_t arch_frame_pointer(void)
{
	asm("mv a0, s0\n\tret");
}

void arch_frame_unwind(uintptr_t *fp, uintptr_t *pc)
{
	const uintptr_t *frame = (const uintptr_t *)*fp;

	*pc = frame[-1];
	*fp = frame[-2];
}

void arch_dump_cpu(void)
{
	uintptr_t sp, fp, ra;

	asm volatile("mv %0, sp\n\tmv %1, s0\n\tmv %2, ra"
		     : "=r"(sp), "=r"(fp), "=r"(ra));
	kprintf("hart %lu: sstatus %016lx sepc %016lx scause %016lx\n"
		"  stval %016lx satp %016lx\n"
		"  sp %016lx fp %016lx ra %016lx\n",
		riscv_cpu_hartid(arch_cpu()->id), csr_read(sstatus),
		csr_read(sepc), csr_read(scause), csr_read(stval),
		csr_read(satp), sp, fp, ra);
}
