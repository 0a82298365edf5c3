/*
 * Per-CPU records, reached through arch_cpu() (gs on x86_64, tp on
 * RISC-V). struct cpu holds only what the support layer itself needs; the
 * layers above keep their per-CPU state in arrays of their own indexed by
 * cpu_id() (mm/vpmap.c: the page table loaded; kernel/proc.c: the process
 * running, the scheduler's context, the ticks).
 */
#ifndef SUPPORT_CPU_H
#define SUPPORT_CPU_H

#include <arch/arch.h>

#include "lib/types.h"

#define NCPU 8

struct ipi_call;

struct cpu {
	struct cpu *self; /* first: x86_64 reads it as %gs:0 */
	/* Second: words of the arch's own at fixed offsets 8, 16, 24, 32,
	 * for trap-entry code that has no free register (x86_64's syscall
	 * entry keeps the user rsp and the kernel stack top here; RISC-V's
	 * trap entry its overflow stack and two saved registers). */
	uintptr_t arch_words[4];
	int id;		  /* 0 for the boot CPU */
	int intr_depth;	  /* nesting of intr_push */
	bool intr_was_on; /* interrupts on before the outermost intr_push */
	/* Interrupts between CPUs (lib/ipi.c). Written by this CPU, read
	 * by the others, so through __atomic builtins. */
	bool online;   /* takes IPIs: set once, in kmain / kmain_ap */
	uint32_t idle; /* 1: waiting for an interrupt in proc_scheduler (a word:
			* compare-and-swap, ipi_kick_idle) */
	uint64_t tlb_gen;      /* the last shootdown this CPU has flushed for */
	uint64_t ipis;	       /* IPIs received */
	struct ipi_call *call; /* a function another CPU asks this one to run */
	/* The thread of control running here, as an opaque token (the
	 * process, named by the scheduler through wait_set_self); NULL in
	 * the scheduler and before the first process runs. */
	const void *thread;
};

extern struct cpu cpus[NCPU];

/* The calling CPU's record. Callers that may be preempted must hold
 * interrupts off (intr_push) while they use it. */
static inline struct cpu *mycpu(void)
{
	return arch_cpu();
}

/* The calling CPU's index in cpus[], for per-CPU arrays of other layers. */
static inline int cpu_id(void)
{
	return arch_cpu()->id;
}

/* Disable interrupts, counting nesting; intr_pop restores them only when
 * the outermost push had them on. */
void intr_push(void);
void intr_pop(void);

/* Set up the boot CPU's record (called first thing in kmain). */
void cpu_init_boot(void);

#endif
