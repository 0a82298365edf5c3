/* The other CPUs (smp.c): found in arch_devices_init, started by
 * arch_start_cpus (arch/include/arch/arch.h). */
#ifndef X86_64_SMP_H
#define X86_64_SMP_H

/* Read the MADT (the CPUs' APIC ids and the local APIC's address) and map
 * the local APIC, every CPU's timer. Without a usable MADT the boot CPU runs
 * alone, its local APIC found through the IA32_APIC_BASE MSR. Called once,
 * on the boot CPU, from arch_devices_init. */
void smp_find_cpus(void);

#endif
