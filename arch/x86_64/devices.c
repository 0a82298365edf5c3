/* Devices that need the kernel page table. COM1, the PIC and the PIT are
 * reached through I/O ports; the local APIC and the ACPI tables are
 * memory-mapped. */
#include <arch/arch.h>

#include "arch/x86_64/smp.h"
#include "arch/x86_64/trap.h"

/* Runs once the kernel page table exists (the boot one still live): guard
 * the boot CPU's double-fault stack, read the MADT and map the local APIC
 * and the other CPUs' trampoline page. */
void arch_devices_init(void)
{
	gdt_guard_ist();
	smp_find_cpus();
}
