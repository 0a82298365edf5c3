/*
 * What arch/riscv shares about traps beyond the public trap frame
 * (<arch/trapframe.h>): the C entry points trapentry.S calls and the
 * assembly exit to user mode. Private to arch/riscv.
 */
#ifndef ARCH_RISCV_TRAPFRAME_H
#define ARCH_RISCV_TRAPFRAME_H

#include <arch/trapframe.h>

#include "mm/kstack.h" /* KSTACK_OVERFLOW_REACH */

/* struct cpu's arch_words (lib/cpu.h), reached through tp: the top of
 * this hart's overflow stack, and two words to park t0 and t1 while the
 * trap entry decides which stack the frame goes on. */
#define CPU_OVERFLOW_STACK 8
#define CPU_PARK_T0 16
#define CPU_PARK_T1 24
/* scause of a store page fault (privileged spec, "supervisor cause
 * register values after trap"); trap.c has the others. */
#define EXC_STORE_PAGE_FAULT 15

#ifndef __ASSEMBLY__
#include "lib/types.h"

/* A trap taken in S-mode (sscratch was 0): handle it and return to
 * trapentry.S, which resumes the interrupted kernel code. */
void riscv_kernel_trap(struct trapframe *tf);

/* A kernel stack ran into its guard page: tf (on this hart's overflow
 * stack) holds the registers of the store that faulted. Panics. */
noreturn void riscv_stack_overflow(struct trapframe *tf);

/* Allocate c's overflow stack (before c takes any trap that could need
 * it: the boot hart in arch_devices_init, the others before they start). */
struct cpu;
void riscv_overflow_stack_init(struct cpu *c);

/* A trap taken in U-mode, tf at the top of the kernel stack, tp already the
 * CPU's record: handle it, then trap_user_return, then back to user mode. */
noreturn void riscv_user_trap(struct trapframe *tf);

/* trapentry.S: sscratch = kstack_top, sepc and every register from tf,
 * sret. The caller has turned interrupts off and set sstatus for U-mode. */
noreturn void riscv_user_return(struct trapframe *tf, uintptr_t kstack_top);
#endif

#endif
