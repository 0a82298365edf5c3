/* Program entry. The kernel starts a program at _start with argc in rdi and
 * argv in rsi (already main's first two arguments) and a valid stack; we
 * align the stack, end the frame-pointer chain, and exit with main's value. */
	.text
	.globl _start
	.type _start, @function
_start:
	xorl %ebp, %ebp
	andq $-16, %rsp
	call main
	movl %eax, %edi
	call exit
	.size _start, . - _start

	.section .note.GNU-stack, "", @progbits
