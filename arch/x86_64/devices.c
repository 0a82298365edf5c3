/* Devices that need the kernel page table. COM1, the PIC and the PIT are
 * reached through I/O ports, so nothing needs mapping yet. */
#include "arch/x86_64/trap.h"
#include "kernel/arch.h"

/* Runs once the kernel page table exists: guard the double-fault stack. */
void arch_devices_init(void)
{
	gdt_guard_ist();
}
