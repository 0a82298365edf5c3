/*
 * trap_entry: where stvec points. Saves every register in a struct
 * trapframe (<arch/trapframe.h>) and calls the C side; riscv_user_return
 * is the one way into user mode.
 *
 * sscratch convention: 0 while the hart runs kernel code; the top of the
 * current kernel stack while it runs user code. The first instruction swaps
 * it with sp, so a trap from user mode lands on the kernel stack and one
 * from the kernel keeps the stack it interrupted. A trap from user mode
 * then reloads tp (user code owns it) from the frame's kernel_tp slot,
 * which riscv_user_return's caller filled with this CPU's record.
 * docs/syscall-riscv.md draws both paths.
 */
#include "arch/riscv/trapframe.h"

/* Store x1 and x3..x31 into the frame at sp (x2, sp, is saved apart). */
.macro	save_gprs
	.irp	n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	sd	x\n, TF_X(\n)(sp)
	.endr
.endm

/* The interrupted sp (now in sscratch) and the trap CSRs into the frame;
 * sscratch = 0 (in the kernel from here on); t0 = sepc. */
.macro	save_csrs
	csrr	t0, sscratch
	sd	t0, TF_X(2)(sp)
	csrw	sscratch, zero
	csrr	t0, sepc
	csrr	t1, sstatus
	csrr	t2, scause
	csrr	t3, stval
	sd	t0, TF_SEPC(sp)
	sd	t1, TF_SSTATUS(sp)
	sd	t2, TF_SCAUSE(sp)
	sd	t3, TF_STVAL(sp)
.endm

	.text
	.balign 4
	.globl trap_entry
trap_entry:
	csrrw	sp, sscratch, sp
	bnez	sp, from_user		/* sp = kernel stack top */
	csrr	sp, sscratch		/* from the kernel: its own stack */
	/* A store fault near sp is the stack running into its guard page:
	 * a frame below sp would fault again, forever. Then the frame goes
	 * on this hart's overflow stack instead (t0, t1 parked in struct
	 * cpu meanwhile; tp is the CPU's record in the kernel). */
	sd	t0, CPU_PARK_T0(tp)
	sd	t1, CPU_PARK_T1(tp)
	csrr	t0, scause
	li	t1, EXC_STORE_PAGE_FAULT
	bne	t0, t1, 1f
	csrr	t0, stval
	sub	t0, t0, sp
	li	t1, KSTACK_OVERFLOW_REACH
	add	t0, t0, t1		/* stval - sp + reach, unsigned */
	slli	t1, t1, 1
	bltu	t0, t1, stack_overflow
1:	ld	t0, CPU_PARK_T0(tp)
	ld	t1, CPU_PARK_T1(tp)
	addi	sp, sp, -TRAP_STACK_SIZE
	save_gprs
	save_csrs
	sd	t0, TRAP_STACK_SIZE - 8(sp)	/* frame record: "called" from sepc */
	sd	s0, TRAP_STACK_SIZE - 16(sp)
	addi	s0, sp, TRAP_STACK_SIZE
	mv	a0, sp
	call	riscv_kernel_trap

	ld	t0, TF_SEPC(sp)
	ld	t1, TF_SSTATUS(sp)
	csrw	sepc, t0
	csrw	sstatus, t1
	.irp	n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ld	x\n, TF_X(\n)(sp)
	.endr
	ld	sp, TF_X(2)(sp)
	sret

/* The kernel stack overflowed: the frame on the overflow stack, and a
 * panic that names it (sscratch still holds the interrupted sp). */
stack_overflow:
	ld	sp, CPU_OVERFLOW_STACK(tp)
	ld	t0, CPU_PARK_T0(tp)
	ld	t1, CPU_PARK_T1(tp)
	addi	sp, sp, -TRAP_STACK_SIZE
	save_gprs
	save_csrs
	mv	a0, sp
	call	riscv_stack_overflow

/* From user mode: the frame goes at the very top of the kernel stack
 * (arch_trapframe), and the backtrace stops at the record (fp 0). */
from_user:
	addi	sp, sp, -TRAP_STACK_SIZE
	save_gprs
	save_csrs
	ld	tp, TF_KERNEL_TP(sp)
	sd	t0, TRAP_STACK_SIZE - 8(sp)
	sd	zero, TRAP_STACK_SIZE - 16(sp)
	addi	s0, sp, TRAP_STACK_SIZE
	mv	a0, sp
	call	riscv_user_trap		/* does not return */
1:	j	1b

/* riscv_user_return(tf, kstack_top): see trapframe.h. From here to sret
 * nothing may trap: sscratch already says "user mode". */
	.globl riscv_user_return
riscv_user_return:
	ld	t0, TF_SEPC(a0)
	csrw	sepc, t0
	csrw	sscratch, a1
	.irp	n, 1,2,3,4,5,6,7,8,9,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ld	x\n, TF_X(\n)(a0)
	.endr
	ld	a0, TF_X(10)(a0)
	sret
