/* uint64_t clock_now(void)
 * The user clock (lib/clock.h): the time-stamp counter, which the kernel
 * lets user mode read (CR4.TSD clear) and measures at boot. rdtsc returns
 * it in edx:eax. */
	.text
	.globl clock_now
	.type clock_now, @function
clock_now:
	rdtsc
	shlq $32, %rdx
	orq %rdx, %rax
	ret
	.size clock_now, . - clock_now

	.section .note.GNU-stack, "", @progbits
