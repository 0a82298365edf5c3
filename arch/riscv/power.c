/*
 * Power off: the SiFive test finisher leaves QEMU with a status of our
 * choosing; the SBI system-reset extension is the fallback (it can only
 * say "shut down", so QEMU would exit 0 even on failure).
 */
#include <arch/arch.h>

#include "arch/riscv/platform.h"
#include "arch/riscv/sbi.h"

#define FINISHER_PASS 0x5555 /* QEMU exits 0 */
#define FINISHER_FAIL 0x3333 /* QEMU exits with the code in bits 16.. */

static volatile uint32_t *finisher;

void power_init(void *regs)
{
	finisher = regs;
}

noreturn void arch_poweroff(int status)
{
	/* A shell sees exit codes modulo 256: keep failures non-zero. */
	uint32_t code = (uint32_t)status & 0xff;

	if (code == 0)
		code = 1;
	arch_intr_disable();
	*finisher = status == 0 ? FINISHER_PASS : code << 16 | FINISHER_FAIL;
	sbi_system_reset(SBI_SRST_TYPE_SHUTDOWN, status == 0
						     ? SBI_SRST_REASON_NONE
						     : SBI_SRST_REASON_FAILURE);
	for (;;)
		asm volatile("wfi");
}
