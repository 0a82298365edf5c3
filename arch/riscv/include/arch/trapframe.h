/*
 * The RISC-V trap frame: every register trapentry.S saves when a trap
 * enters the kernel, and the accessors kernel/ uses instead of its fields
 * (arch/include/arch/arch.h, "Processes"). Offsets are usable from assembly;
 * trap.c checks them against the struct.
 *
 * A trap from user mode puts the frame at the very top of the process's
 * kernel stack (arch_trapframe); a trap from the kernel puts it below the
 * interrupted sp. Either way the frame sits TRAP_STACK_SIZE below:
 *
 *   sp + TRAP_STACK_SIZE    --- kernel stack top / the interrupted sp ---
 *                           sepc          } a frame record, so that
 *                           interrupted s0} backtraces cross the trap
 *                           (8 bytes of padding)
 *   sp + TRAPFRAME_SIZE     kernel_tp, stval, scause, sstatus, sepc
 *                           x31 ... x1 (x2 = the interrupted sp)
 *   sp                      x0 slot (unused)
 */
#ifndef ARCH_TRAPFRAME_H
#define ARCH_TRAPFRAME_H

#include "arch/riscv/csr.h"

#define TF_X(n) ((n)*8)
#define TF_SEPC 256
#define TF_SSTATUS 264
#define TF_SCAUSE 272
#define TF_STVAL 280
#define TF_KERNEL_TP 288
#define TRAPFRAME_SIZE 296
#define TRAP_STACK_SIZE 320 /* frame, padding, record: 16-byte aligned */

#ifndef __ASSEMBLY__
#include "lib/types.h"

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
	/* The CPU's struct cpu *: written on every return to user mode,
	 * loaded into tp by the next trap from user mode (user code owns tp).
	 */
	uint64_t kernel_tp;
};

/* The system call number: a7. */
static inline uint64_t tf_syscall_nr(const struct trapframe *tf)
{
	return tf->a7;
}

/* System call argument n (0..5): a0..a5. */
static inline uint64_t tf_syscall_arg(const struct trapframe *tf, int n)
{
	return tf->x[10 + n];
}

/* The system call's result goes back in a0. */
static inline void tf_set_return(struct trapframe *tf, uint64_t value)
{
	tf->a0 = value;
}

/* The user pc: the trapping instruction, or the one after an ecall. */
static inline uintptr_t tf_pc(const struct trapframe *tf)
{
	return tf->sepc;
}

/* A fresh user frame: U-mode (SPP = 0) with interrupts on after sret
 * (SPIE = 1) and no user-page access for the kernel (SUM = 0); pc, sp,
 * a0 = arg0, a1 = arg1, every other register 0. */
static inline void tf_init_user(struct trapframe *tf, uintptr_t pc,
				uintptr_t sp, uint64_t arg0, uint64_t arg1)
{
	*tf = (struct trapframe){0};
	tf->sstatus = SSTATUS_SPIE;
	tf->sepc = pc;
	tf->sp = sp;
	tf->a0 = arg0;
	tf->a1 = arg1;
}
#endif

#endif
