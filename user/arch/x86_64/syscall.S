/* long syscall6(long num, long a0, long a1, long a2, long a3, long a4,
 *               long a5)
 * Enter the kernel with the syscall instruction: number in rax, arguments in
 * rdi rsi rdx r10 r8 r9, result in rax; rcx and r11 are lost (the CPU keeps
 * the return address and rflags there), which the C calling convention
 * allows. The kernel takes `int $0x80` the same way, registers and all,
 * and that keeps rcx and r11. The C convention passes num..a4 in rdi rsi
 * rdx rcx r8 r9 and a5 on the stack, so each moves down one slot. */
	.text
	.globl syscall6
	.type syscall6, @function
syscall6:
	movq %rdi, %rax
	movq %rsi, %rdi
	movq %rdx, %rsi
	movq %rcx, %rdx
	movq %r8, %r10
	movq %r9, %r8
	movq 8(%rsp), %r9
	syscall
	ret
	.size syscall6, . - syscall6

	.section .note.GNU-stack, "", @progbits
