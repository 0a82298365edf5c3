/* The ACPI tables, read for one thing: the MADT's list of CPUs. */
#ifndef X86_64_ACPI_H
#define X86_64_ACPI_H

#include "lib/types.h"

/* Physical address of the RSDP, from the PVH start info (0: none given). */
extern paddr_t acpi_rsdp;

#define MADT_MAX_CPUS 256 /* xAPIC ids have 8 bits */

/* What the MADT ("APIC") says about the CPUs. */
struct madt_cpus {
	paddr_t lapic_base; /* every CPU's local APIC, at its own copy */
	int ncpus;	    /* enabled local APICs, in table order */
	uint8_t apic_id[MADT_MAX_CPUS];
};

/* Find the MADT through the RSDP and the XSDT (or the RSDT of ACPI 1.0),
 * mapping each table with kmap_mmio, and fill *m. Returns false, with a
 * message, when a table is missing or has a bad checksum. */
bool acpi_read_madt(struct madt_cpus *m);

#endif
