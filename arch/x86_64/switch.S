/*
 * arch_context_switch(from, to): save the callee-saved registers of the
 * running kernel thread on its stack, store that stack pointer (its struct
 * context, see context.c) in *from, load to and pop its registers; ret
 * resumes to where it called arch_context_switch (or enters the fn of
 * arch_context_init). The caller-saved registers are the C caller's job.
 */
	.text
	.globl arch_context_switch
arch_context_switch:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	mov %rsp, (%rdi)
	mov %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret

	.section .note.GNU-stack, "", @progbits
