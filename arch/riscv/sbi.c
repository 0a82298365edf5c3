/* SBI calls (see sbi.h and the RISC-V SBI specification). */
#include "arch/riscv/sbi.h"

#define SBI_EXT_BASE 0x10
#define SBI_BASE_PROBE_EXTENSION 3
#define SBI_HSM_HART_START 0
#define SBI_RFENCE_REMOTE_FENCE_I 0

struct sbiret {
	long error;
	long value;
};

/* ecall into the firmware. The SBI preserves every register but a0/a1. */
static struct sbiret sbi_call(long ext, long fid, unsigned long arg0,
			      unsigned long arg1, unsigned long arg2)
{
	register unsigned long a0 asm("a0") = arg0;
	register unsigned long a1 asm("a1") = arg1;
	register unsigned long a2 asm("a2") = arg2;
	register long a6 asm("a6") = fid;
	register long a7 asm("a7") = ext;

	asm volatile("ecall"
		     : "+r"(a0), "+r"(a1)
		     : "r"(a2), "r"(a6), "r"(a7)
		     : "memory");
	return (struct sbiret){.error = (long)a0, .value = (long)a1};
}

bool sbi_has_extension(long ext)
{
	struct sbiret r =
	    sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, ext, 0, 0);

	return r.error == 0 && r.value != 0;
}

long sbi_set_timer(uint64_t stime_value)
{
	return sbi_call(SBI_EXT_TIME, 0, stime_value, 0, 0).error;
}

long sbi_hart_start(unsigned long hartid, paddr_t start, unsigned long opaque)
{
	return sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, hartid, start, opaque)
	    .error;
}

long sbi_remote_fence_i(unsigned long hart_mask, unsigned long hart_mask_base)
{
	return sbi_call(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_FENCE_I, hart_mask,
			hart_mask_base, 0)
	    .error;
}

long sbi_send_ipi(unsigned long hart_mask, unsigned long hart_mask_base)
{
	return sbi_call(SBI_EXT_IPI, 0, hart_mask, hart_mask_base, 0).error;
}

long sbi_system_reset(uint32_t type, uint32_t reason)
{
	return sbi_call(SBI_EXT_SRST, 0, type, reason, 0).error;
}
