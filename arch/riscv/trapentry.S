/*
 * trap_entry: where stvec points. Saves every register in a struct
 * trapframe on the kernel stack, calls riscv_trap(tf), restores them and
 * returns with sret.
 *
 * sscratch convention: 0 while the hart runs kernel code; the top of the
 * current kernel stack while it runs user code. The first instruction swaps
 * it with sp, so a trap from user mode lands on the kernel stack and one
 * from the kernel keeps the stack it interrupted. The return to user mode
 * (future) must put the kernel stack top back into sscratch, and reload tp
 * with the per-CPU record, since user code owns tp.
 */
#include "arch/riscv/trapframe.h"

	.text
	.balign 4
	.globl trap_entry
trap_entry:
	csrrw	sp, sscratch, sp
	bnez	sp, 1f			/* from user mode: sp = kernel stack */
	csrr	sp, sscratch		/* from the kernel: its own stack */
1:	addi	sp, sp, -TRAP_STACK_SIZE
	.irp	n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	sd	x\n, TF_X(\n)(sp)
	.endr
	csrr	t0, sscratch		/* the interrupted sp */
	sd	t0, TF_X(2)(sp)
	csrw	sscratch, zero		/* now in the kernel */
	csrr	t0, sepc
	csrr	t1, sstatus
	csrr	t2, scause
	csrr	t3, stval
	sd	t0, TF_SEPC(sp)
	sd	t1, TF_SSTATUS(sp)
	sd	t2, TF_SCAUSE(sp)
	sd	t3, TF_STVAL(sp)

	sd	t0, TRAP_STACK_SIZE - 8(sp)	/* frame record: "called" from sepc */
	sd	s0, TRAP_STACK_SIZE - 16(sp)
	addi	s0, sp, TRAP_STACK_SIZE
	mv	a0, sp
	call	riscv_trap

	ld	t0, TF_SEPC(sp)
	ld	t1, TF_SSTATUS(sp)
	csrw	sepc, t0
	csrw	sstatus, t1
	.irp	n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ld	x\n, TF_X(\n)(sp)
	.endr
	ld	sp, TF_X(2)(sp)
	sret
