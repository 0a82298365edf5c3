/* The system-call instruction inline: the wrappers in user/lib use it, and
 * so can code that picks call numbers at run time (the fuzzer). ABI:
 * lib/syscall-num.h. */
#ifndef LIB_TRAP_H
#define LIB_TRAP_H

/* Enter the kernel with call num and six arguments; return its result.
 * The CPU overwrites rcx and r11. */
static inline long arch_syscall(long num, long a0, long a1, long a2, long a3,
				long a4, long a5)
{
	register long r10 __asm__("r10") = a3;
	register long r8 __asm__("r8") = a4;
	register long r9 __asm__("r9") = a5;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(num), "D"(a0), "S"(a1), "d"(a2), "r"(r10),
			   "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

#endif
