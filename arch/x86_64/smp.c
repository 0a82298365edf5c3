/*
 * The other CPUs: found in the ACPI MADT, started one at a time with
 * INIT-SIPI-SIPI through the real-mode trampoline (trampoline.S), each
 * arriving in smp_cpu_entry (kernel/smp.c) on a kernel stack of its own
 * (Intel SDM vol. 3, "Multiple-Processor (MP) Initialization").
 * docs/smp.md has the picture.
 */
#include "arch/x86_64/smp.h"

#include <arch/arch.h>

#include "arch/x86_64/acpi.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/layout.h"
#include "arch/x86_64/pit.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/x86.h"
#include "lib/cpu.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "mm/kmap.h"
#include "mm/kstack.h"
#include "mm/vpmap.h"

/* The words at trampoline_params in the copy (trampoline.S). */
struct trampoline_params {
	uint64_t cr3;	/* the trampoline's page table, below 4 GiB */
	uint64_t rsp;	/* the CPU's kernel stack top */
	uint64_t entry; /* smp_cpu_entry */
	uint64_t arg;	/* the CPU's id */
};
extern const char trampoline_start[], trampoline_end[];
extern const struct trampoline_params trampoline_params;

/* The waits of the MP initialization protocol. */
#define INIT_DELAY_US 10000
#define STARTUP_DELAY_US 200

static struct madt_cpus madt;
static int madt_next;		 /* the MADT entry arch_start_cpu tries next */
static char cpu_names[NCPU][16]; /* "apic <id>" */
static unsigned cpu_apic[NCPU];	 /* APIC id by cpu id */
static void *ap_ist[NCPU];	 /* each CPU's double-fault stack top */

/* Remember CPU id's APIC id and name. */
static void cpu_name(int id, unsigned apic)
{
	ksnprintf(cpu_names[id], sizeof(cpu_names[id]), "apic %u", apic);
	cpu_apic[id] = apic;
}

/* The local APIC is reached through the boot page table's direct map
 * until the kernel's is live, so the boot CPU's own id is read here. */
void smp_find_cpus(void)
{
	if (!acpi_read_madt(&madt)) {
		kprintf("x86_64: no CPUs listed: the boot CPU runs alone\n");
		madt.lapic_base = rdmsr(MSR_APIC_BASE) & MSR_APIC_BASE_ADDR;
		madt.ncpus = 0;
	}
	lapic_map(madt.lapic_base);
	cpu_name(0, lapic_id());
}

/* On CPU id, from smp_cpu_entry, still in the trampoline's page table:
 * its GDT and TSS, the shared IDT, syscall MSRs, SMEP/SMAP, the local
 * APIC. */
void arch_init_cpu(int id)
{
	gdt_init(id, ap_ist[id]);
	idt_load();
	syscall_init();
	cpu_protect_user();
	lapic_enable();
}

/* The trampoline's page table: the shared kernel half plus its page,
 * identity-mapped. */
static struct pmap trampoline_pmap;

/* Copy the trampoline to its page and give it trampoline_pmap; points
 * *params at the copy's parameters. */
static void trampoline_install(struct trampoline_params **params)
{
	size_t size = trampoline_end - trampoline_start;
	size_t params_off = (const char *)&trampoline_params - trampoline_start;
	char *page = kmap_mmio(LAYOUT_TRAMPOLINE_PA, PAGE_SIZE);
	struct pmap *pm = &trampoline_pmap;

	if (size > PAGE_SIZE)
		panic("trampoline_install: %lu bytes", (unsigned long)size);
	if (vpmap_create(pm) < 0 || pm->root >> 32 ||
	    vpmap_map(pm, LAYOUT_TRAMPOLINE_PA, LAYOUT_TRAMPOLINE_PA, PERM_RX) <
		0)
		panic("trampoline_install: no page table below 4 GiB");
	memcpy(page, trampoline_start, size);
	*params = (struct trampoline_params *)(page + params_off);
	(*params)->cr3 = pm->root;
}

/* Free the trampoline's page table (the page itself is not pmem's). A CPU
 * that checked in has left it for the kernel's; one given up on was sent
 * INIT. */
static void trampoline_remove(void)
{
	vpmap_unmap(&trampoline_pmap, LAYOUT_TRAMPOLINE_PA, 1, VPMAP_KEEP);
	vpmap_destroy(&trampoline_pmap);
}

/* The APIC id of the next MADT CPU not tried yet, the boot CPU skipped;
 * false when none is left. */
static bool next_apic(unsigned *apic)
{
	while (madt_next < madt.ncpus) {
		*apic = madt.apic_id[madt_next++];
		if (*apic != cpu_apic[0])
			return true;
	}
	return false;
}

/* Send CPU apic INIT, then STARTUP twice (a CPU already running ignores
 * the second) at the trampoline's page. */
static void send_init_startup(unsigned apic)
{
	lapic_send_init(apic);
	pit_delay_us(INIT_DELAY_US);
	for (int i = 0; i < 2; i++) {
		lapic_send_startup(apic, LAYOUT_TRAMPOLINE_PA >> 12);
		pit_delay_us(STARTUP_DELAY_US);
	}
}

/* The MADT's CPUs in table order: a double-fault stack, the trampoline
 * with this CPU's parameters, INIT-SIPI-SIPI, the check-in. A CPU given
 * up on is sent INIT again, which stops it wherever it is (before the
 * trampoline's page table goes); its stacks stay allocated. */
bool arch_start_cpu(int id, void *stack_top)
{
	struct trampoline_params *p;
	unsigned apic;
	bool running;

	if (!next_apic(&apic))
		return false;
	cpu_name(id, apic);
	ap_ist[id] = kstack_alloc();
	if (!ap_ist[id]) {
		kprintf("x86_64: no kernel stacks for apic %u\n", apic);
		return false;
	}
	trampoline_install(&p);
	*p = (struct trampoline_params){p->cr3, (uintptr_t)stack_top,
					(uintptr_t)smp_cpu_entry, id};
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	send_init_startup(apic);
	running = smp_wait_check_in(id);
	if (!running)
		lapic_send_init(apic);
	trampoline_remove();
	return running;
}

const char *arch_cpu_name(int id)
{
	if (id < 0 || id >= NCPU || !cpu_names[id][0])
		return "?";
	return cpu_names[id];
}

void arch_send_ipi(int id)
{
	lapic_send_ipi(cpu_apic[id], VEC_IPI);
}
