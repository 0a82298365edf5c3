/* The system-call instruction inline: the wrappers in user/lib use it, and
 * so can code that picks call numbers at run time (the fuzzer). ABI:
 * lib/syscall-num.h. */
#ifndef LIB_TRAP_H
#define LIB_TRAP_H

/* Enter the kernel with call num and six arguments; return its result.
 * Every register but a0 comes back as it was. */
static inline long arch_syscall(long num, long a0, long a1, long a2, long a3,
				long a4, long a5)
{
	register long r_a0 __asm__("a0") = a0;
	register long r_a1 __asm__("a1") = a1;
	register long r_a2 __asm__("a2") = a2;
	register long r_a3 __asm__("a3") = a3;
	register long r_a4 __asm__("a4") = a4;
	register long r_a5 __asm__("a5") = a5;
	register long r_a7 __asm__("a7") = num;

	__asm__ volatile("ecall"
			 : "+r"(r_a0)
			 : "r"(r_a1), "r"(r_a2), "r"(r_a3), "r"(r_a4),
			   "r"(r_a5), "r"(r_a7)
			 : "memory");
	return r_a0;
}

#endif
