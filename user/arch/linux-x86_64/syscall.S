/* long linux_clone_vfork(void (*fn)(void *), void *arg, void *stack_top)
 * clone(CLONE_VM | CLONE_VFORK | SIGCHLD) onto the stack ending at
 * stack_top (16-byte aligned): the child shares our memory and runs fn(arg),
 * which must not return (it execs or exits; if it returns, the child exits
 * with 127); we sleep until then. Return: the child's pid, or -errno. The
 * child finds fn and arg in r9 and r8, which clone leaves alone (r8 is the
 * TLS argument, unused without CLONE_SETTLS). */
	.text
	.globl linux_clone_vfork
	.type linux_clone_vfork, @function
linux_clone_vfork:
	movq %rdi, %r9
	movq %rsi, %r8
	movq %rdx, %rsi
	movl $0x4111, %edi	/* CLONE_VM 0x100 | CLONE_VFORK 0x4000 | SIGCHLD 17 */
	xorl %edx, %edx
	xorl %r10d, %r10d
	movl $56, %eax		/* clone */
	syscall
	testq %rax, %rax
	jnz 1f
	xorl %ebp, %ebp
	movq %r8, %rdi
	call *%r9
	movl $127, %edi
	movl $231, %eax		/* exit_group */
	syscall
1:	ret
	.size linux_clone_vfork, . - linux_clone_vfork

	.section .note.GNU-stack, "", @progbits
