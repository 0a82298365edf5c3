/* long syscall6(long num, long a0, long a1, long a2, long a3, long a4,
 *               long a5)
 * Trap into the kernel with `ecall`: number in a7, arguments in a0..a5,
 * result in a0. The C calling convention passes num..a5 in a0..a6, so each
 * moves down one register. */
	.text
	.globl syscall6
	.type syscall6, @function
syscall6:
	mv a7, a0
	mv a0, a1
	mv a1, a2
	mv a2, a3
	mv a3, a4
	mv a4, a5
	mv a5, a6
	ecall
	ret
	.size syscall6, . - syscall6
