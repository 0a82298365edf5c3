/* The calling CPU: per-CPU pointer (gs base), interrupt flag, frames. */
#include <arch/arch.h>

#include "arch/x86_64/trap.h"
#include "arch/x86_64/x86.h"
#include "lib/cpu.h"
#include "lib/kprintf.h"

/* The kernel runs with gs base = its struct cpu, whose first field points
 * to itself, so %gs:0 is the record's address. User mode runs with gs base
 * 0: trapentry.S swaps the two with swapgs on every change of ring. */
void arch_cpu_set(struct cpu *c)
{
	wrmsr(MSR_GS_BASE, (uintptr_t)c);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
}

/* The interrupt flag: sti, cli and RFLAGS.IF. The "memory" clobbers keep
 * the compiler from moving memory accesses across them. */
void arch_intr_enable(void)
{
	__asm__ volatile("sti" : : : "memory");
}

void arch_intr_disable(void)
{
	__asm__ volatile("cli" : : : "memory");
}

bool arch_intr_enabled(void)
{
	return read_rflags() & RFLAGS_IF;
}

/* sti enables interrupts only after the next instruction, so an interrupt
 * arriving after the caller's checks wakes the hlt instead of being taken
 * before it and missed. Returns after the interrupt has been handled. */
void arch_wait_for_interrupt(void)
{
	__asm__ volatile("sti; hlt" : : : "memory");
}

/* Our own frame's saved rbp is the caller's frame pointer (this file is
 * compiled with frame pointers and the function is never inlined). */
__attribute__((noinline)) uintptr_t arch_frame_pointer(void)
{
	return *(uintptr_t *)__builtin_frame_address(0);
}

/* An x86_64 frame: [rbp] = caller's rbp, [rbp + 8] = return address. */
void arch_frame_unwind(uintptr_t *fp, uintptr_t *pc)
{
	const uintptr_t *frame = (const uintptr_t *)*fp;

	*pc = frame[1];
	*fp = frame[0];
}

/* Print the control registers and where this CPU is executing. */
void arch_dump_cpu(void)
{
	uintptr_t rip, rsp;

	__asm__ volatile("lea 0(%%rip), %0; mov %%rsp, %1"
			 : "=r"(rip), "=r"(rsp));
	kprintf("rip %016lx rsp %016lx rbp %016lx\n", rip, rsp,
		(uintptr_t)__builtin_frame_address(0));
	kprintf("cr0 %016lx cr2 %016lx cr3 %016lx\n", read_cr0(), read_cr2(),
		read_cr3());
	kprintf("cr4 %016lx efer %016lx rflags %016lx\n", read_cr4(),
		rdmsr(MSR_EFER), read_rflags());
}

/* Turn on SMEP and SMAP when the CPU has them (CPUID leaf 7, EBX bits 7 and
 * 20): the kernel then faults on executing or touching any user page. It
 * never needs to (copy-in/out goes through the direct map), so there is no
 * stac/clac anywhere. */
uint8_t x86_smap_on;

uint64_t cpu_protect_user(void)
{
	uint32_t r[4];
	uint64_t cr4 = read_cr4();

	cpuid(0, 0, r);
	if (r[0] < 7)
		return cr4;
	cpuid(7, 0, r);
	if (r[1] & (1u << 7))
		cr4 |= CR4_SMEP;
	if (r[1] & (1u << 20))
		cr4 |= CR4_SMAP;
	write_cr4(cr4);
	x86_smap_on = (cr4 & CR4_SMAP) != 0;
	return cr4;
}
