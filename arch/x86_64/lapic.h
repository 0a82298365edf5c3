/* The local APIC (xAPIC, memory-mapped): each CPU reaches its own at the
 * same address. */
#ifndef X86_64_LAPIC_H
#define X86_64_LAPIC_H

#include "lib/types.h"

/* Map the local APIC registers at physical base (from the MADT). */
void lapic_map(paddr_t base);
/* Software-enable the calling CPU's local APIC with VEC_APIC_SPURIOUS as
 * its spurious vector and accept every priority. Harmless to repeat. */
void lapic_enable(void);
/* The calling CPU's APIC id. */
unsigned lapic_id(void);
/* Acknowledge the interrupt in service (never for the spurious vector). */
void lapic_eoi(void);

/* INIT, then STARTUP with the real-mode entry at page number page (the
 * physical address page << 12) to the CPU with APIC id apic. */
void lapic_send_init(unsigned apic);
void lapic_send_startup(unsigned apic, unsigned page);
/* Interrupt the CPU with APIC id apic with the given vector. */
void lapic_send_ipi(unsigned apic, unsigned vector);

/* Count down from the largest count, divided by 16, with the timer masked;
 * lapic_timer_elapsed says how far it got. */
void lapic_timer_start_count(void);
uint32_t lapic_timer_elapsed(void);
/* Interrupt on VEC_TIMER every count timer ticks (divided by 16). */
void lapic_timer_periodic(uint32_t count);

#endif
