/* SBI calls (see sbi.h and the RISC-V SBI specification). */
#include "arch/riscv/sbi.h"

struct sbiret {
	long error;
	long value;
};

/* ecall into the firmware. The SBI preserves every register but a0/a1. */
static struct sbiret sbi_call(long ext, long fid, unsigned long arg0,
			      unsigned long arg1)
{
	register unsigned long a0 asm("a0") = arg0;
	register unsigned long a1 asm("a1") = arg1;
	register long a6 asm("a6") = fid;
	register long a7 asm("a7") = ext;

	asm volatile("ecall"
		     : "+r"(a0), "+r"(a1)
		     : "r"(a6), "r"(a7)
		     : "memory");
	return (struct sbiret){.error = (long)a0, .value = (long)a1};
}

long sbi_set_timer(uint64_t stime_value)
{
	return sbi_call(SBI_EXT_TIME, 0, stime_value, 0).error;
}

long sbi_system_reset(uint32_t type, uint32_t reason)
{
	return sbi_call(SBI_EXT_SRST, 0, type, reason).error;
}
