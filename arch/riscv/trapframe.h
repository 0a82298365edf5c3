/*
 * What arch/riscv shares about traps beyond the public trap frame
 * (<arch/trapframe.h>): the C entry points trapentry.S calls and the
 * assembly exit to user mode. Private to arch/riscv.
 */
#ifndef ARCH_RISCV_TRAPFRAME_H
#define ARCH_RISCV_TRAPFRAME_H

#include <arch/trapframe.h>

#ifndef __ASSEMBLY__
#include "kernel/types.h"

/* A trap taken in S-mode (sscratch was 0): handle it and return to
 * trapentry.S, which resumes the interrupted kernel code. */
void riscv_kernel_trap(struct trapframe *tf);

/* A trap taken in U-mode, tf at the top of the kernel stack, tp already the
 * CPU's record: handle it, then trap_user_return, then back to user mode. */
noreturn void riscv_user_trap(struct trapframe *tf);

/* trapentry.S: sscratch = kstack_top, sepc and every register from tf,
 * sret. The caller has turned interrupts off and set sstatus for U-mode. */
noreturn void riscv_user_return(struct trapframe *tf, uintptr_t kstack_top);
#endif

#endif
