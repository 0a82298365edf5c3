/* long linux_syscall6(long num, long a0, long a1, long a2, long a3, long a4,
 *                     long a5)
 * A raw Linux system call with `syscall`: number in rax, arguments in rdi
 * rsi rdx r10 r8 r9, result (or -errno) in rax; rcx and r11 are clobbered.
 * The C calling convention passes num..a4 in rdi rsi rdx rcx r8 r9 and a5 on
 * the stack, so each moves down one slot. */
	.text
	.globl linux_syscall6
	.type linux_syscall6, @function
linux_syscall6:
	movq %rdi, %rax
	movq %rsi, %rdi
	movq %rdx, %rsi
	movq %rcx, %rdx
	movq %r8, %r10
	movq %r9, %r8
	movq 8(%rsp), %r9
	syscall
	ret
	.size linux_syscall6, . - linux_syscall6

/* long linux_clone_vfork(void (*fn)(void *), void *arg, void *stack_top)
 * clone(CLONE_VM | CLONE_VFORK | SIGCHLD) onto the stack ending at
 * stack_top (16-byte aligned): the child shares our memory and runs fn(arg),
 * which must not return (it execs or exits; if it returns, the child exits
 * with 127); we sleep until then. Return: the child's pid, or -errno. The
 * child finds fn and arg in r9 and r8, which clone leaves alone (r8 is the
 * TLS argument, unused without CLONE_SETTLS). */
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
