/* uint64_t clock_now(void)
 * The user clock (lib/clock.h): the time CSR, which the kernel lets U-mode
 * read (scounteren.TM) and which counts at the device tree's
 * timebase-frequency. */
	.text
	.globl clock_now
	.type clock_now, @function
clock_now:
	rdtime a0
	ret
	.size clock_now, . - clock_now
