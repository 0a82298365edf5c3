/* Program entry. The kernel starts a program at _start with argc in a0 and
 * argv in a1 (already main's first two arguments) and a valid stack; we
 * align the stack, end the frame-pointer and return-address chains, and
 * exit with main's value. */
	.text
	.globl _start
	.type _start, @function
_start:
	andi sp, sp, -16
	li fp, 0
	li ra, 0
	call main
	call exit
	.size _start, . - _start
