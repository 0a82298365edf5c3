/*
 * The machine side of processes: where the trap frame and the first
 * context sit on a kernel stack, the kernel stack each CPU enters on a trap
 * from user mode, and the way into user mode.
 *
 *   kstack_top  +--------------------------+
 *               | frame record, trap frame |  TRAP_STACK_SIZE
 *               +--------------------------+  arch_trapframe(top)
 *               | first struct context     |  arch_context_init
 *               | kernel thread's stack... |
 */
#include <arch/arch.h>

#include "arch/riscv/context.h"
#include "arch/riscv/csr.h"
#include "arch/riscv/trapframe.h"
#include "lib/cpu.h"
#include "lib/kprintf.h"

_Static_assert(__builtin_offsetof(struct context, ra) == CTX_RA,
	       "context.h: ra");
_Static_assert(__builtin_offsetof(struct context, sp) == CTX_SP,
	       "context.h: sp");
_Static_assert(__builtin_offsetof(struct context, s[11]) == CTX_S(11),
	       "context.h: s0..s11");
_Static_assert(sizeof(struct context) == CONTEXT_SIZE, "context.h: size");
_Static_assert(CONTEXT_SIZE % 16 == 0, "context.h: stack alignment");

/* Per CPU (by struct cpu id): the kernel stack top for sscratch. */
static uintptr_t kstack_tops[NCPU];

struct trapframe *arch_trapframe(void *kstack_top)
{
	return (struct trapframe *)((char *)kstack_top - TRAP_STACK_SIZE);
}

/* The context sits right below the trap frame; popping it leaves sp at the
 * frame, so fn's stack grows down from there. s0 = 0 ends backtraces. */
struct context *arch_context_init(void *kstack_top, void (*fn)(void))
{
	struct trapframe *tf = arch_trapframe(kstack_top);
	struct context *c = (struct context *)tf - 1;

	*c = (struct context){0};
	c->ra = (uintptr_t)fn;
	c->sp = (uintptr_t)tf;
	return c;
}

void arch_set_kernel_stack(void *kstack_top)
{
	kstack_tops[mycpu()->id] = (uintptr_t)kstack_top;
}

/* sstatus for sret to U-mode: SPP = 0 (user), SPIE = 1 (interrupts on
 * there), SUM = 0 (the kernel never touches user pages), FS = 0 (no
 * floating point: arch_context_switch does not save its registers). */
static uint64_t user_sstatus(uint64_t sstatus)
{
	sstatus &= ~(SSTATUS_SPP | SSTATUS_SUM | SSTATUS_FS);
	return sstatus | SSTATUS_SPIE;
}

/* Interrupts go off first: from here the CPU must not change, and a trap
 * after sscratch is set would be mistaken for one from user mode. The
 * frame's kernel_tp tells the next trap from user mode which CPU it is. */
noreturn void arch_return_to_user(struct trapframe *tf)
{
	arch_intr_disable();
	uintptr_t top = kstack_tops[mycpu()->id];

	if (top == 0 || tf != arch_trapframe((void *)top))
		panic("arch_return_to_user: frame %p is not at the top of the "
		      "kernel stack given to arch_set_kernel_stack (%p)",
		      tf, (void *)top);
	tf->kernel_tp = (uintptr_t)arch_cpu();
	csr_write(sstatus, user_sstatus(csr_read(sstatus)));
	riscv_user_return(tf, top);
}
