/*
 * arch_cpu for x86_64, inline (arch/include/arch/arch.h includes it): the
 * kernel runs with gs base = its struct cpu, whose first field points to
 * itself, so %gs:0 is the record's address. One instruction, read on
 * every lock, fault and system call: a call and return each would cost
 * more under QEMU's TCG than the read.
 */
#ifndef ARCH_PERCPU_H
#define ARCH_PERCPU_H

struct cpu;

/* The calling CPU's record, as given to arch_cpu_set. */
static inline struct cpu *arch_cpu(void)
{
	struct cpu *c;

	__asm__ volatile("mov %%gs:0, %0" : "=r"(c));
	return c;
}

#endif
