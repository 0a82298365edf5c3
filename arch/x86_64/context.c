/*
 * Kernel threads: where a kernel stack's trap frame lives, and the first
 * context of a new thread. arch_context_switch (switch.S) does the rest;
 * docs/syscall-x86_64.md has the pictures.
 */
#include <arch/trapframe.h>

#include <arch/arch.h>

/* What switch.S pushes, lowest address first, and what a context pointer
 * points at: the callee-saved registers, then the address ret resumes at. */
struct context {
	uint64_t r15, r14, r13, r12, rbx, rbp;
	uint64_t rip;
};

/* The frame sits exactly at the top: on a trap from ring 3 the CPU starts
 * at TSS.rsp0 = kstack_top (16-aligned) and the stub pushes the rest. */
struct trapframe *arch_trapframe(void *kstack_top)
{
	return (struct trapframe *)((char *)kstack_top - TF_SIZE);
}

/* Below the trap frame: a zero return address for fn, as if it had been
 * called (so rsp % 16 == 8 on entry), then a context whose ret enters fn
 * with rbp = 0, where backtraces stop. Interrupts stay as the switching
 * thread had them: off, since the scheduler switches with them off. */
struct context *arch_context_init(void *kstack_top, void (*fn)(void))
{
	uint64_t *ret = (uint64_t *)arch_trapframe(kstack_top) - 1;
	struct context *c = (struct context *)ret - 1;

	*ret = 0;
	*c = (struct context){.rip = (uintptr_t)fn};
	return c;
}

/* x86 keeps instruction fetches coherent with stores on its own (even for
 * code modified in place); the CR3 write or iretq into the new program
 * is serializing anyway. */
void arch_sync_icache(void)
{
}
