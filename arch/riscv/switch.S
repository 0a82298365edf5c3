/*
 * arch_context_switch(struct context **from, struct context *to): xv6's
 * swtch, with the context kept on the stack of the thread it belongs to.
 * Only ra, sp and s0..s11 need saving: the C calling convention lets the
 * caller lose every other register. tp stays: it belongs to the CPU, not
 * to the thread.
 */
#include "arch/riscv/context.h"

	.text
	.globl arch_context_switch
arch_context_switch:
	addi	sp, sp, -CONTEXT_SIZE
	sd	ra, CTX_RA(sp)
	addi	t0, sp, CONTEXT_SIZE
	sd	t0, CTX_SP(sp)
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11
	sd	s\n, CTX_S(\n)(sp)
	.endr
	sd	sp, 0(a0)		/* *from = the context just pushed */

	ld	ra, CTX_RA(a1)
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11
	ld	s\n, CTX_S(\n)(a1)
	.endr
	ld	sp, CTX_SP(a1)
	ret
