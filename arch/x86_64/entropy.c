/*
 * arch_boot_entropy on x86_64: the TSC (cycles since reset, which differ
 * with every boot's timing), the CMOS real-time clock's date and time, and
 * RDRAND when CPUID leaf 1 has it (ECX bit 30; QEMU's qemu64 has not).
 */
#include <arch/arch.h>

#include "arch/x86_64/x86.h"
#include "lib/stackguard.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define CPUID1_ECX_RDRAND (1u << 30)
#define RDRAND_TRIES 10 /* it may fail for a moment; Intel says retry 10 */

/* The CMOS clock's seconds, minutes, hours, day, month and year registers
 * (0, 2, 4, 7, 8, 9), a byte each. Read while it may tick: fine here. */
static STACK_GUARD_EXEMPT uint64_t cmos_time(void)
{
	static const uint8_t regs[] = {0, 2, 4, 7, 8, 9};
	uint64_t t = 0;

	for (size_t i = 0; i < ARRAY_SIZE(regs); i++) {
		outb(CMOS_INDEX, regs[i]);
		t = t << 8 | inb(CMOS_DATA);
	}
	return t;
}

/* A random word from RDRAND, or 0 when the CPU has none or it fails. */
static STACK_GUARD_EXEMPT uint64_t rdrand(void)
{
	uint32_t r[4];
	uint64_t v;
	bool ok;

	cpuid(1, 0, r);
	if (!(r[2] & CPUID1_ECX_RDRAND))
		return 0;
	for (int i = 0; i < RDRAND_TRIES; i++) {
		__asm__ volatile("rdrand %0" : "=r"(v), "=@ccc"(ok));
		if (ok)
			return v;
	}
	return 0;
}

STACK_GUARD_EXEMPT uint64_t arch_boot_entropy(void)
{
	return rdtsc() ^ cmos_time() << 16 ^ rdrand();
}
