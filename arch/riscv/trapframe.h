/*
 * The trap frame: what trapentry.S saves on the kernel stack for every
 * trap, and what riscv_trap (trap.c) reads. Offsets are usable from
 * assembly; trap.c checks them against the struct. Private to arch/riscv.
 *
 *   sp + TRAP_STACK_SIZE    --- the interrupted stack --------------
 *                           sepc          } a frame record, so that
 *                           interrupted s0} backtraces cross the trap
 *   sp + TRAPFRAME_SIZE     stval, scause, sstatus, sepc
 *                           x31 ... x1 (x2 = the interrupted sp)
 *   sp                      x0 slot (unused)
 */
#ifndef ARCH_RISCV_TRAPFRAME_H
#define ARCH_RISCV_TRAPFRAME_H

#define TF_X(n) ((n)*8)
#define TF_SEPC 256
#define TF_SSTATUS 264
#define TF_SCAUSE 272
#define TF_STVAL 280
#define TRAPFRAME_SIZE 288
#define TRAP_STACK_SIZE (TRAPFRAME_SIZE + 16)

#ifndef __ASSEMBLY__
#include "kernel/types.h"

struct trapframe {
	union {
		uint64_t x[32]; /* by register number; x[0] is unused */
		struct {
			uint64_t zero, ra, sp, gp, tp, t0, t1, t2, s0, s1;
			uint64_t a0, a1, a2, a3, a4, a5, a6, a7;
			uint64_t s2, s3, s4, s5, s6, s7, s8, s9, s10, s11;
			uint64_t t3, t4, t5, t6;
		};
	};
	uint64_t sepc;	  /* the interrupted instruction */
	uint64_t sstatus; /* SPP: trapped from S-mode; SPIE: SIE before */
	uint64_t scause;  /* interrupt bit 63, then the cause code */
	uint64_t stval;	  /* the faulting address, for memory faults */
};

/* The C side of every trap, called by trapentry.S with interrupts off. */
void riscv_trap(struct trapframe *tf);
#endif

#endif
