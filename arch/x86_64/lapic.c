/*
 * The local APIC in xAPIC mode: 32-bit registers every 16 bytes of one
 * 4 KiB page, the same physical page on every CPU, each CPU seeing its own
 * (Intel SDM vol. 3, chapter "Advanced Programmable Interrupt Controller").
 */
#include "arch/x86_64/lapic.h"

#include "arch/x86_64/layout.h"
#include "lib/cpu.h"
#include "lib/kprintf.h"
#include "mm/kmap.h"

#define LAPIC_ID 0x020	/* bits 31-24 */
#define LAPIC_TPR 0x080 /* task priority: 0 accepts everything */
#define LAPIC_EOI 0x0b0
#define LAPIC_SVR 0x0f0	     /* spurious vector, software enable */
#define LAPIC_ICR_LOW 0x300  /* writing it sends the IPI */
#define LAPIC_ICR_HIGH 0x310 /* destination APIC id in bits 31-24 */
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_TIMER_INIT 0x380 /* initial count */
#define LAPIC_TIMER_CUR 0x390  /* current count */
#define LAPIC_TIMER_DIV 0x3e0

#define SVR_ENABLE (1u << 8)
#define ICR_FIXED (0u << 8)   /* delivery mode fixed: the vector given */
#define ICR_INIT (5u << 8)    /* delivery mode INIT */
#define ICR_STARTUP (6u << 8) /* delivery mode STARTUP, vector = page */
#define ICR_PENDING (1u << 12)
#define ICR_ASSERT (1u << 14)
#define LVT_MASKED (1u << 16)
#define LVT_PERIODIC (1u << 17)
#define TIMER_DIV_16 0x3
#define IPI_SPINS 1000000 /* an IPI is gone long before this */

static volatile uint32_t *regs;

void lapic_map(paddr_t base)
{
	regs = kmap_mmio(base, PAGE_SIZE);
}

static uint32_t lapic_read(unsigned reg)
{
	return regs[reg / 4];
}

static void lapic_write(unsigned reg, uint32_t v)
{
	regs[reg / 4] = v;
}

void lapic_enable(void)
{
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_SVR, SVR_ENABLE | VEC_APIC_SPURIOUS);
}

unsigned lapic_id(void)
{
	return lapic_read(LAPIC_ID) >> 24;
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

/* Send the IPI described by icr (the low word) to APIC id apic, and wait
 * until this APIC has handed it on. Interrupts off meanwhile: an interrupt
 * handler that sent an IPI between the two writes would change the
 * destination under us. */
static void send_ipi(unsigned apic, uint32_t icr)
{
	intr_push();
	lapic_write(LAPIC_ICR_HIGH, apic << 24);
	lapic_write(LAPIC_ICR_LOW, icr);
	for (int i = 0; lapic_read(LAPIC_ICR_LOW) & ICR_PENDING; i++)
		if (i == IPI_SPINS)
			panic("lapic: IPI 0x%x to apic %u stays pending", icr,
			      apic);
	intr_pop();
}

void lapic_send_init(unsigned apic)
{
	send_ipi(apic, ICR_INIT | ICR_ASSERT);
}

void lapic_send_startup(unsigned apic, unsigned page)
{
	send_ipi(apic, ICR_STARTUP | ICR_ASSERT | (page & 0xff));
}

void lapic_send_ipi(unsigned apic, unsigned vector)
{
	send_ipi(apic, ICR_FIXED | ICR_ASSERT | (vector & 0xff));
}

void lapic_timer_start_count(void)
{
	lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
	lapic_write(LAPIC_TIMER_INIT, UINT32_MAX);
}

uint32_t lapic_timer_elapsed(void)
{
	return UINT32_MAX - lapic_read(LAPIC_TIMER_CUR);
}

void lapic_timer_periodic(uint32_t count)
{
	lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_PERIODIC | VEC_TIMER);
	lapic_write(LAPIC_TIMER_INIT, count);
}
