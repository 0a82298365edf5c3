/*
 * The other harts: found in the device tree's /cpus, started one at a time
 * through the SBI HSM extension, and kept coherent for instruction fetches
 * with SBI remote fence.i. docs/smp-riscv.md draws the whole sequence.
 *
 *   boot hart: arch_start_cpus             hart h (stopped in the firmware)
 *     stack = kstack_alloc()
 *     cpus[id] = {.self, .id}
 *     record = {kernel satp, stack, &cpus[id]}
 *     sbi_hart_start(h, _ap_entry, &record) ---> _ap_entry (entry.S)
 *     wait <= 1 s for RUNNING                      boot table, high half,
 *                                                  kernel root, sp = stack
 *                                                riscv_ap_boot
 *                                                  stvec, tp = &cpus[id]
 *       <---------------------------------------  state = RUNNING
 *     next hart                                    kmain_ap(id)
 */
#include <arch/arch.h>

#include "arch/riscv/boot_layout.h"
#include "arch/riscv/csr.h"
#include "arch/riscv/fdt.h"
#include "arch/riscv/platform.h"
#include "arch/riscv/sbi.h"
#include "arch/riscv/trapframe.h"
#include "lib/cpu.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "mm/kmap.h"
#include "mm/kstack.h"
#include "mm/vpmap.h"

#define MAX_HARTS 64 /* enabled /cpus entries remembered, boot hart aside */

enum hart_state {
	HART_STOPPED,	/* not started (or the firmware refused) */
	HART_STARTING,	/* hart_start sent, not checked in yet */
	HART_RUNNING,	/* checked in: on its way into kmain_ap */
	HART_ABANDONED, /* too late: stops itself if it ever arrives */
};

/* What one hart needs to start. _ap_entry reads the first two fields, so
 * each hart has its own record: one given up on may still read it later. */
struct hart_boot {
	uint64_t satp;	     /* the kernel root, as a satp value */
	uintptr_t stack_top; /* its kernel stack, from kstack_alloc */
	struct cpu *cpu;     /* its per-CPU record */
	unsigned long hartid;
	uint32_t state; /* enum hart_state, changed atomically */
};

_Static_assert(__builtin_offsetof(struct hart_boot, satp) == HART_BOOT_SATP,
	       "boot_layout.h: hart_boot satp");
_Static_assert(__builtin_offsetof(struct hart_boot, stack_top) ==
		   HART_BOOT_STACK_TOP,
	       "boot_layout.h: hart_boot stack_top");

extern char _ap_entry[];

static struct hart_boot harts[MAX_HARTS]; /* the other enabled harts */
static int nharts;
static unsigned long cpu_hartid[NCPU]; /* by cpu id, but 0 */
static char cpu_names[NCPU][24];       /* by cpu id: "hart 3" */
static int ncpus = 1;		       /* running, the boot hart included */

/* Is this child of /cpus an enabled hart? (/cpus/cpu-map is a child too;
 * the firmware disables harts S-mode may not use.) */
static bool is_enabled_hart(const void *fdt, int node)
{
	const char *type = fdt_prop(fdt, node, "device_type", NULL);
	const char *status = fdt_prop(fdt, node, "status", NULL);

	if (!type || strcmp(type, "cpu") != 0)
		return false;
	return !status || strcmp(status, "okay") == 0 ||
	       strcmp(status, "ok") == 0;
}

/* Remember hart id for arch_start_cpus, unless it is the boot hart. */
static void hart_add(unsigned long hartid)
{
	if (hartid == riscv_boot_hartid)
		return;
	if (nharts == MAX_HARTS) {
		kprintf("smp: more than %d harts, hart %lu ignored\n",
			MAX_HARTS, hartid);
		return;
	}
	harts[nharts++].hartid = hartid;
}

void smp_harts_from_fdt(const void *fdt)
{
	int cpus_node = fdt_path(fdt, "/cpus");
	int ac = fdt_prop_u32(fdt, cpus_node, "#address-cells", 1);

	ksnprintf(cpu_names[0], sizeof(cpu_names[0]), "hart %lu",
		  riscv_boot_hartid);
	if (cpus_node < 0 || ac < 1 || ac > 2)
		return;
	for (int n = fdt_first_child(fdt, cpus_node); n >= 0;
	     n = fdt_next_sibling(fdt, n)) {
		int len;
		const void *reg = fdt_prop(fdt, n, "reg", &len);

		if (is_enabled_hart(fdt, n) && reg && len >= 4 * ac)
			hart_add(fdt_cells(reg, ac));
	}
}

/* Wait up to a second for h to check in; true when it did. On time-out it
 * is marked abandoned, unless it checks in at that very moment. */
static bool wait_check_in(struct hart_boot *h)
{
	uint64_t deadline = csr_read(time) + riscv_timebase_hz;
	uint32_t starting = HART_STARTING;

	while (csr_read(time) < deadline)
		if (__atomic_load_n(&h->state, __ATOMIC_ACQUIRE) ==
		    HART_RUNNING)
			return true;
	return !__atomic_compare_exchange_n(&h->state, &starting,
					    HART_ABANDONED, false,
					    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

/* Start h as CPU id on a fresh kernel stack and wait for it to check in.
 * False when there is no stack, the firmware refuses, or the hart does not
 * arrive in time (its stack is then left to it: it may be running on it). */
static bool hart_boot(struct hart_boot *h, int id)
{
	void *top = kstack_alloc();
	long err;

	if (!top) {
		kprintf("smp: no kernel stack for hart %lu\n", h->hartid);
		return false;
	}
	cpus[id].self = &cpus[id];
	cpus[id].id = id;
	riscv_overflow_stack_init(&cpus[id]);
	h->satp = riscv_satp(vpmap_kernel()->root);
	h->stack_top = (uintptr_t)top;
	h->cpu = &cpus[id];
	__atomic_store_n(&h->state, HART_STARTING, __ATOMIC_RELEASE);
	err = sbi_hart_start(h->hartid, kimage_v2p(_ap_entry), (uintptr_t)h);
	if (err) {
		h->state = HART_STOPPED;
		kstack_free(top);
		kstack_free((void *)cpus[id].arch_words[0]);
		kprintf("smp: hart %lu: SBI hart_start error %ld\n", h->hartid,
			err);
		return false;
	}
	if (!wait_check_in(h)) {
		kprintf("smp: hart %lu did not check in within 1 s\n",
			h->hartid);
		return false;
	}
	return true;
}

/* Can the firmware start harts, fence their instruction fetches and
 * interrupt them? */
static bool firmware_can_smp(void)
{
	if (sbi_has_extension(SBI_EXT_HSM) &&
	    sbi_has_extension(SBI_EXT_RFENCE) && sbi_has_extension(SBI_EXT_IPI))
		return true;
	kprintf("smp: SBI firmware without HSM, RFENCE or IPI: one hart "
		"only\n");
	return false;
}

int arch_start_cpus(int max)
{
	max = MIN(max, NCPU);
	if (nharts == 0 || max < 2 || !firmware_can_smp())
		return 1;
	for (int i = 0; i < nharts && ncpus < max; i++) {
		/* A hart that did not arrive may still run later with the id
		 * it was given: no other hart may have that id, so stop (as
		 * x86_64 does). */
		if (!hart_boot(&harts[i], ncpus))
			break;
		cpu_hartid[ncpus] = harts[i].hartid;
		ksnprintf(cpu_names[ncpus], sizeof(cpu_names[ncpus]),
			  "hart %lu", harts[i].hartid);
		__atomic_store_n(&ncpus, ncpus + 1, __ATOMIC_RELEASE);
	}
	return ncpus;
}

/* The C side of _ap_entry, on the hart's own stack in the kernel root:
 * trap vector and per-CPU record, then check in and enter the kernel with
 * interrupts off. A hart arch_start_cpus gave up on stops instead, having
 * touched nothing but its own registers. */
noreturn void riscv_ap_boot(struct hart_boot *h)
{
	uint32_t starting = HART_STARTING;

	arch_cpu_set(h->cpu); /* before stvec: trap_entry relies on tp */
	arch_trap_init();
	if (!__atomic_compare_exchange_n(&h->state, &starting, HART_RUNNING,
					 false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE))
		sbi_hart_stop();
	vpmap_activate(vpmap_kernel());
	kmain_ap(h->cpu->id);
}

const char *arch_cpu_name(int id)
{
	if (id < 0 || id >= __atomic_load_n(&ncpus, __ATOMIC_ACQUIRE))
		return "no such cpu";
	return cpu_names[id];
}

unsigned long riscv_cpu_hartid(int id)
{
	return id == 0 ? riscv_boot_hartid : cpu_hartid[id];
}

/* fence.i orders only the calling hart's fetches after its own stores, and
 * the process may run on any hart next (or move later), so every running
 * hart fences. The data fence first makes the stores visible to the others
 * (Zifencei: a FENCE before asking remote harts for FENCE.I). */
void arch_sync_icache(void)
{
	int n = __atomic_load_n(&ncpus, __ATOMIC_ACQUIRE);

	if (n == 1) {
		asm volatile("fence.i" : : : "memory");
		return;
	}
	asm volatile("fence rw, rw" : : : "memory");
	/* hart_mask_base -1: every hart the firmware knows, this one too. */
	long err = sbi_remote_fence_i(0, -1ul);
	if (err)
		panic("arch_sync_icache: SBI remote fence.i: error %ld", err);
}

void arch_send_ipi(int id)
{
	unsigned long hartid = riscv_cpu_hartid(id);
	long err = sbi_send_ipi(1, hartid);

	if (err)
		panic("arch_send_ipi: SBI send_ipi to hart %lu: error %ld",
		      hartid, err);
}
