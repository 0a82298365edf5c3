/* Program entry under Linux. Linux starts a static program at _start with
 * argc at (%rsp) and argv right above it; we end the frame-pointer chain,
 * align the stack, let linux_start (usyscall.c) set up the shim, then call
 * main(argc, argv) and exit with its value, as the course's crt0 does. */
	.text
	.globl _start
	.type _start, @function
_start:
	xorl %ebp, %ebp
	movq (%rsp), %r12
	leaq 8(%rsp), %r13
	andq $-16, %rsp
	movq %r12, %rdi
	movq %r13, %rsi
	call linux_start
	movq %r12, %rdi
	movq %r13, %rsi
	call main
	movl %eax, %edi
	call exit
	.size _start, . - _start

	.section .note.GNU-stack, "", @progbits
