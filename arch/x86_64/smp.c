/*
 * The other CPUs: found in the ACPI MADT, started one at a time with
 * INIT-SIPI-SIPI through the real-mode trampoline (trampoline.S), each
 * arriving in ap_main on a kernel stack of its own (Intel SDM vol. 3,
 * "Multiple-Processor (MP) Initialization"). docs/smp-x86_64.md has the
 * picture.
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
	uint64_t entry; /* ap_main */
	uint64_t arg;	/* the CPU's id */
};
extern const char trampoline_start[], trampoline_end[];
extern const struct trampoline_params trampoline_params;

/* The waits of the MP initialization protocol, and how long a CPU may
 * take from INIT to kmain_ap. */
#define INIT_DELAY_US 10000
#define STARTUP_DELAY_US 200
#define CHECKIN_POLL_US 100
#define CHECKIN_TIMEOUT_US 1000000

static struct madt_cpus madt;
static char cpu_names[NCPU][16]; /* "apic <id>" */
static unsigned cpu_apic[NCPU];	 /* APIC id by cpu id */
static void *ap_ist[NCPU];	 /* each CPU's double-fault stack top */
static int ap_state[NCPU];	 /* see start_cpu */

enum { AP_STARTING = 1, AP_RUNNING, AP_ABANDONED };

/* Move ap_state[id] from AP_STARTING to to; false if it had moved already. */
static bool ap_state_move(int id, int to)
{
	int from = AP_STARTING;

	return __atomic_compare_exchange_n(&ap_state[id], &from, to, false,
					   __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

void smp_find_cpus(void)
{
	if (!acpi_read_madt(&madt)) {
		kprintf("x86_64: no CPUs listed: the boot CPU runs alone\n");
		madt.lapic_base = rdmsr(MSR_APIC_BASE) & MSR_APIC_BASE_ADDR;
		madt.ncpus = 0;
	}
	lapic_map(madt.lapic_base);
}

/* The trampoline's target: CPU id, on its kernel stack, in the
 * trampoline's page table, interrupts off. Sets up what is per CPU (taking
 * no lock, so that it can be abandoned anywhere before checking in), loads
 * the kernel's page table, checks in and enters the kernel; halts if the
 * boot CPU gave up waiting. */
static noreturn void ap_main(uint64_t id)
{
	arch_cpu_set(&cpus[id]);
	gdt_init(id, ap_ist[id]);
	idt_load();
	syscall_init();
	vpmap_activate(vpmap_kernel());
	cpu_protect_user();
	lapic_enable();
	if (!ap_state_move(id, AP_RUNNING))
		halt_forever();
	kmain_ap(id);
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

/* Free the trampoline's page table (the page itself is not pmem's). The
 * CPUs that loaded it on the way in have left it for the kernel's. */
static void trampoline_remove(void)
{
	vpmap_unmap(&trampoline_pmap, LAYOUT_TRAMPOLINE_PA, 1, VPMAP_KEEP);
	vpmap_destroy(&trampoline_pmap);
}

/* Wait until CPU id checks in; after the timeout, abandon it unless it
 * checks in at that very moment. Returns whether it runs. */
static bool wait_checkin(int id)
{
	for (int us = 0; us < CHECKIN_TIMEOUT_US; us += CHECKIN_POLL_US) {
		if (__atomic_load_n(&ap_state[id], __ATOMIC_ACQUIRE) ==
		    AP_RUNNING)
			return true;
		pit_delay_us(CHECKIN_POLL_US);
	}
	return !ap_state_move(id, AP_ABANDONED);
}

/* Start the CPU with APIC id apic as CPU id: its stacks, its parameters in
 * the trampoline, INIT, STARTUP twice (a CPU already running ignores the
 * second), then wait for it in ap_main. Returns false when it does not
 * check in within the timeout: it is then abandoned (ap_main halts if it
 * arrives later) and sent INIT again, which stops it wherever it is; its
 * stacks and its id stay taken. Without both stacks it is not started and
 * neither stays allocated. */
static bool start_cpu(struct trampoline_params *p, int id, unsigned apic)
{
	void *stack = kstack_alloc(), *ist = kstack_alloc();

	if (!stack || !ist) {
		if (stack)
			kstack_free(stack);
		if (ist)
			kstack_free(ist);
		kprintf("x86_64: no kernel stacks for apic %u\n", apic);
		return false;
	}
	cpus[id].self = &cpus[id];
	cpus[id].id = id;
	ap_ist[id] = ist;
	ap_state[id] = AP_STARTING;
	ksnprintf(cpu_names[id], sizeof(cpu_names[id]), "apic %u", apic);
	cpu_apic[id] = apic;
	*p = (struct trampoline_params){p->cr3, (uintptr_t)stack,
					(uintptr_t)ap_main, id};
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	lapic_send_init(apic);
	pit_delay_us(INIT_DELAY_US);
	for (int i = 0; i < 2; i++) {
		lapic_send_startup(apic, LAYOUT_TRAMPOLINE_PA >> 12);
		pit_delay_us(STARTUP_DELAY_US);
	}
	if (wait_checkin(id))
		return true;
	lapic_send_init(apic);
	kprintf("x86_64: apic %u did not start\n", apic);
	return false;
}

/* Start the MADT's CPUs other than this one, in table order, while fewer
 * than max run; stop at the first that fails to arrive (its id is not
 * free for another). */
int arch_start_cpus(int max)
{
	unsigned self = lapic_id();
	struct trampoline_params *p;
	int n = 1;

	lapic_enable(); /* to send the IPIs */
	ksnprintf(cpu_names[0], sizeof(cpu_names[0]), "apic %u", self);
	cpu_apic[0] = self;
	max = MIN(max, NCPU);
	if (madt.ncpus < 2 || max < 2)
		return n;
	trampoline_install(&p);
	for (int i = 0; i < madt.ncpus && n < max; i++) {
		if (madt.apic_id[i] == self)
			continue;
		if (!start_cpu(p, n, madt.apic_id[i]))
			break;
		n++;
	}
	trampoline_remove();
	return n;
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
