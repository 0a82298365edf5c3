/*
 * The other harts: found in the device tree's /cpus, started one at a time
 * through the SBI HSM extension, and kept coherent for instruction fetches
 * with SBI remote fence.i. docs/smp.md draws the whole sequence; the
 * check-in is kernel/smp.c's.
 *
 *   boot hart: arch_start_cpu(id, stack)   hart h (stopped in the firmware)
 *     overflow stack for cpus[id]
 *     record = {kernel satp, stack, id}
 *     sbi_hart_start(h, _ap_entry, &record) ---> _ap_entry (entry.S)
 *     smp_wait_check_in(id)                        boot table, high half,
 *                                                  kernel root, sp = stack
 *                                                smp_cpu_entry(id)
 *       <---------------------------------------   checks in
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

/* What one hart needs to start; _ap_entry reads the first three fields
 * (boot_layout.h). Each hart has its own record: one given up on may
 * still read it later. */
struct hart_boot {
	uint64_t satp;	     /* the kernel root, as a satp value */
	uintptr_t stack_top; /* its kernel stack, from smp_start_cpus */
	uint64_t id;	     /* its cpu id, smp_cpu_entry's argument */
	unsigned long hartid;
};

_Static_assert(__builtin_offsetof(struct hart_boot, satp) == HART_BOOT_SATP,
	       "boot_layout.h: hart_boot satp");
_Static_assert(__builtin_offsetof(struct hart_boot, stack_top) ==
		   HART_BOOT_STACK_TOP,
	       "boot_layout.h: hart_boot stack_top");
_Static_assert(__builtin_offsetof(struct hart_boot, id) == HART_BOOT_ID,
	       "boot_layout.h: hart_boot id");

extern char _ap_entry[];

static struct hart_boot harts[MAX_HARTS]; /* the other enabled harts */
static int nharts;
static int harts_next;		       /* the one arch_start_cpu tries next */
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

/* Remember hart id for arch_start_cpu, unless it is the boot hart. */
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

/* The next hart not tried yet, or NULL when none is left; the first call
 * also asks the firmware whether it can start any. */
static struct hart_boot *next_hart(void)
{
	if (harts_next == 0 && nharts > 0 && !firmware_can_smp())
		harts_next = nharts;
	if (harts_next == nharts)
		return NULL;
	return &harts[harts_next++];
}

/* Give CPU id its overflow stack (as riscv_overflow_stack_init does, but
 * false instead of a panic when there is none). */
static bool overflow_stack(int id, unsigned long hartid)
{
	void *top = kstack_alloc();

	if (!top) {
		kprintf("smp: no overflow stack for hart %lu\n", hartid);
		return false;
	}
	cpus[id].arch_words[0] = (uintptr_t)top;
	return true;
}

/* Ask the firmware to start h at _ap_entry; false (the overflow stack of
 * CPU id freed) when it refuses. */
static bool hart_start(struct hart_boot *h, int id)
{
	long err =
	    sbi_hart_start(h->hartid, kimage_v2p(_ap_entry), (uintptr_t)h);

	if (!err)
		return true;
	kstack_free((void *)cpus[id].arch_words[0]);
	kprintf("smp: hart %lu: SBI hart_start error %ld\n", h->hartid, err);
	return false;
}

/* The device tree's harts in /cpus order. One that does not check in has
 * nothing to stop: when it arrives, smp_cpu_entry keeps it waiting. */
bool arch_start_cpu(int id, void *stack_top)
{
	struct hart_boot *h = next_hart();

	if (!h)
		return false;
	cpu_hartid[id] = h->hartid;
	ksnprintf(cpu_names[id], sizeof(cpu_names[id]), "hart %lu", h->hartid);
	if (!overflow_stack(id, h->hartid))
		return false;
	h->satp = riscv_satp(vpmap_kernel()->root);
	h->stack_top = (uintptr_t)stack_top;
	h->id = id;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!hart_start(h, id) || !smp_wait_check_in(id))
		return false;
	__atomic_store_n(&ncpus, id + 1, __ATOMIC_RELEASE);
	return true;
}

/* On CPU id, from smp_cpu_entry, already in the kernel root: the trap
 * vector (trap_entry relies on tp, which smp_cpu_entry set). */
void arch_init_cpu(int id)
{
	(void)id;
	arch_trap_init();
}

const char *arch_cpu_name(int id)
{
	if (id < 0 || id >= NCPU || !cpu_names[id][0])
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
