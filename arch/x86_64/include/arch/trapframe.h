/*
 * The x86_64 trap frame and its accessors (the contract is in
 * arch/include/arch/arch.h, "Processes"). kernel/ sees the frame only through
 * the tf_* functions.
 *
 *   kstack_top (16-aligned)   ss, rsp, rflags, cs, rip    pushed by the CPU
 *                             error code (0 if none), vector
 *   kstack_top - TF_SIZE      rax ... r15                 pushed by the stub
 *
 * The offsets below are usable from assembly; trap.c checks them.
 */
#ifndef ARCH_TRAPFRAME_H
#define ARCH_TRAPFRAME_H

#include "arch/x86_64/layout.h"

#define TF_VECTOR 120 /* offset of vector */
#define TF_ERROR 128  /* offset of error */
#define TF_RIP 136    /* offset of rip */
#define TF_RFLAGS 152 /* offset of rflags */
#define TF_RSP 160    /* offset of rsp */
/* The error slot of a VEC_SYSCALL frame made by the syscall instruction
 * (0 for int $0x80): such a frame may leave by sysret. */
#define TF_ENTERED_BY_SYSCALL 1
#define TF_CS 144	       /* offset of cs */
#define TF_SIZE 176	       /* 22 quadwords: a multiple of 16 */
#define TF_RFLAGS_USER 0x202ul /* IF, plus bit 1 which is always set */

#ifndef __ASSEMBLY__
#include "lib/types.h"

/* Lowest address first: the general registers the entry stub pushed, the
 * vector and error code, then the CPU's own interrupt frame. */
struct trapframe {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

/* Syscall number: rax. */
static inline uint64_t tf_syscall_nr(const struct trapframe *tf)
{
	return tf->rax;
}

/* Syscall argument n (0..5): rdi rsi rdx r10 r8 r9; 0 for any other n. */
static inline uint64_t tf_syscall_arg(const struct trapframe *tf, int n)
{
	switch (n) {
	case 0:
		return tf->rdi;
	case 1:
		return tf->rsi;
	case 2:
		return tf->rdx;
	case 3:
		return tf->r10;
	case 4:
		return tf->r8;
	case 5:
		return tf->r9;
	}
	return 0;
}

/* Syscall result: rax. */
static inline void tf_set_return(struct trapframe *tf, uint64_t value)
{
	tf->rax = value;
}

/* The interrupted instruction (for a syscall: the one after int $0x80). */
static inline uintptr_t tf_pc(const struct trapframe *tf)
{
	return tf->rip;
}

/* A fresh user frame: ring 3 selectors, interrupts on, rip = pc, rsp = sp,
 * rdi = arg0, rsi = arg1, every other register 0. */
static inline void tf_init_user(struct trapframe *tf, uintptr_t pc,
				uintptr_t sp, uint64_t arg0, uint64_t arg1)
{
	*tf = (struct trapframe){
	    .rdi = arg0,
	    .rsi = arg1,
	    .rip = pc,
	    .cs = SEL_UCODE | 3,
	    .rflags = TF_RFLAGS_USER,
	    .rsp = sp,
	    .ss = SEL_UDATA | 3,
	};
}
#endif

#endif
