/*
 * Trap entry: one small stub per vector pushes a uniform frame (struct
 * trapframe, <arch/trapframe.h>) and calls trap_dispatch; trap_exit pops
 * it and irets. Traps from user mode swap in the kernel's gs base (struct
 * cpu) on entry and the user's (0) on exit; docs/syscall-x86_64.md has
 * the picture.
 */
#include <arch/trapframe.h>

/* Where cs is while rsp points at the vector slot (before the general
 * registers are pushed and after they are popped). */
#define TF_CS_FROM_VECTOR (TF_CS - TF_VECTOR)

/* stub vec: entry point for vector vec, listed in trap_stubs. Vectors
 * whose exceptions push an error code skip the dummy one. */
.macro stub vec
	.text
	.balign 16
trap_vector_\vec:
	.if (\vec == 8) || (\vec >= 10 && \vec <= 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
	.else
	pushq $0
	.endif
	pushq $\vec
	jmp trap_common
	.section .rodata
	.quad \vec, trap_vector_\vec
.endm

	.section .rodata
	.balign 8
	.globl trap_stubs
trap_stubs:
	.irp vec, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	stub \vec
	.endr
	stub VEC_PIC_SPURIOUS
	stub VEC_TIMER
	stub VEC_SYSCALL
	stub VEC_IPI
	stub VEC_APIC_SPURIOUS
	.section .rodata
	.globl trap_stubs_end
trap_stubs_end:

	.text
trap_common:
	testb $3, TF_CS_FROM_VECTOR(%rsp)
	jz 1f
	swapgs
1:	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	cld
	mov %rsp, %rdi          /* the frame; rsp is 16-byte aligned here */
	call trap_dispatch
/* Interrupts stay off from here to iretq: an interrupt after the exit
 * swapgs would run the kernel with the user's gs base. */
trap_exit:
	cli
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	testb $3, TF_CS_FROM_VECTOR(%rsp)
	jz 2f
	swapgs
2:	add $16, %rsp           /* vector and error code */
	iretq

/* arch_return_to_user(tf): enter user mode with the registers in tf, the
 * frame at the top of the current kernel stack (see kernel/arch.h). */
	.globl arch_return_to_user
arch_return_to_user:
	cli
	mov %rdi, %rsp
	jmp trap_exit

	.section .note.GNU-stack, "", @progbits
