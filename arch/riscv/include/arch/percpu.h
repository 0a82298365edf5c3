/*
 * arch_cpu for RISC-V, inline (arch/include/arch/arch.h includes it): the
 * kernel keeps its struct cpu's address in tp. One instruction, read on
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

	__asm__ volatile("mv %0, tp" : "=r"(c));
	return c;
}

#endif
