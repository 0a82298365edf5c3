/* Leaving QEMU: ACPI S5 for success, isa-debug-exit for failure. */
#include <arch/arch.h>

#include "arch/x86_64/x86.h"

#define ACPI_PM1A_CNT 0x604  /* q35 (ICH9) PM base 0x600 + 4 */
#define PM1_SLP_EN_S5 0x2000 /* SLP_EN with SLP_TYP 0, QEMU's S5 */
#define DEBUG_EXIT_PORT 0xf4 /* -device isa-debug-exit,iobase=0xf4 */

/* Status 0 powers off (QEMU exits 0); any other status is written to
 * isa-debug-exit (QEMU exits (status << 1) | 1). Halts if neither works. */
noreturn void arch_poweroff(int status)
{
	__asm__ volatile("cli");
	if (status == 0)
		outw(ACPI_PM1A_CNT, PM1_SLP_EN_S5);
	else
		outl(DEBUG_EXIT_PORT, (uint32_t)status);
	halt_forever();
}
