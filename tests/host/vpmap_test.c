/*
 * The page-table walker and every vpmap operation, in this arch's PTE
 * format over simulated RAM: the kernel half shared by every root, the edges
 * of user space and of every table level, permissions, copy-on-write
 * sharing, reference counts, TLB flushes, CPU sets and shootdowns, table
 * accounting, and a long random run checked against a plain model.
 */
#include <string.h>

#include "lib/cpu.h"
#include "lib/ipi.h"
#include "mm/pmem.h"
#include "mm/vpmap.h"
#include "tests/host/host.h"

/* Pages one entry of a level-`level` table spans (1 at the last level). */
#define LEVEL_PAGES(level) ((vaddr_t)1 << (PT_INDEX_BITS * (level)))
#define VA(vpn) ((vaddr_t)(vpn)*PAGE_SIZE)
#define USER_PAGES (USER_TOP / PAGE_SIZE)
/* Bytes one top-level slot spans. */
#define SLOT_SIZE (PAGE_SIZE * LEVEL_PAGES(PT_LEVELS - 1))

static struct pmap *kpm; /* the kernel's own pmap (vpmap_kernel_half) */
static struct hoard hoard;

static pte_t *table(paddr_t pa)
{
	return P2V(pa);
}

/* Map a fresh zeroed frame at va; its reference goes to the table. */
static void map_new(struct pmap *pm, vaddr_t va, unsigned perm, paddr_t *pa)
{
	*pa = pmem_alloc(PMEM_ZERO);
	CHECK(*pa);
	CHECK_EQ(vpmap_map(pm, va, *pa, perm), 0);
}

/* va is mapped in pm to pa with perm, whichever pointers lookup gets. */
static void expect_mapped(struct pmap *pm, vaddr_t va, paddr_t pa,
			  unsigned perm)
{
	paddr_t got_pa = 0;
	unsigned got_perm = 0;

	CHECK(vpmap_lookup(pm, va, &got_pa, &got_perm));
	CHECK_EQ(got_pa, pa);
	CHECK_EQ(got_perm, perm);
	CHECK(vpmap_lookup(pm, va, NULL, NULL));
}

/* va is not mapped in pm, and lookup stores nothing. */
static void expect_unmapped(struct pmap *pm, vaddr_t va)
{
	paddr_t pa = 0x1234;
	unsigned perm = 0x5678;

	CHECK(!vpmap_lookup(pm, va, &pa, &perm));
	CHECK_EQ(pa, 0x1234);
	CHECK_EQ(perm, 0x5678);
}

/* The direct-map address of the i-th frame of simulated RAM. */
static vaddr_t kmap_va(size_t i)
{
	return KMAP_BASE + SIM_PHYS_BASE + i * PAGE_SIZE;
}

static void do_create_kernel(void *unused)
{
	(void)unused;
	vpmap_create_kernel();
}

/* The kernel's pmap starts empty, on every CPU; it gets direct-map and
 * image pages and the kernel-stack area's tables in three top-level slots,
 * as kmap_init would, before any vpmap_create. */
static void test_vpmap_kernel_half(void)
{
	CHECK(!vpmap_kernel());
	kpm = vpmap_create_kernel();
	CHECK(kpm && kpm->root);
	CHECK(vpmap_kernel() == kpm);
	CHECK_EQ(kpm->cpus, ~0ull);
	for (size_t i = 0; i < PT_ENTRIES; i++)
		CHECK_EQ(table(kpm->root)[i], 0);
	CHECK_EQ(vpmap_table_pages(kpm), 1);
	for (size_t i = 0; i < 4; i++)
		CHECK_EQ(vpmap_map(kpm, kmap_va(i),
				   SIM_PHYS_BASE + i * PAGE_SIZE, PERM_RW),
			 0);
	CHECK_EQ(vpmap_map(kpm, KIMAGE_BASE, sim.kimage_base, PERM_RX), 0);
	CHECK_EQ(vpmap_prepare(kpm, KSTACK_AREA), 0);
	CALL(expect_unmapped(kpm, KSTACK_AREA));
	CALL(expect_mapped(kpm, kmap_va(3), SIM_PHYS_BASE + 3 * PAGE_SIZE,
			   PERM_RW));
	CALL(expect_mapped(kpm, KIMAGE_BASE, sim.kimage_base, PERM_RX));
	CALL(expect_unmapped(kpm, kmap_va(4)));
	/* Kernel-half tables are not the user half's. */
	CHECK_EQ(vpmap_table_pages(kpm), 1);
	CHECK_PANICS(do_create_kernel, NULL, "called twice");
}

static void do_map_new_kernel_slot(void *pm)
{
	vpmap_map(pm, KMAP_BASE + 44 * SLOT_SIZE, 0x1000, PERM_RW);
}

/* Two new pmaps, in use by no CPU, whose user halves are empty and whose
 * kernel halves are the kernel's own top-level entries. */
static void create_two(struct pmap *p1, struct pmap *p2)
{
	CHECK_EQ(vpmap_create(p1), 0);
	CHECK_EQ(vpmap_create(p2), 0);
	CHECK(p1->root && p2->root && p1->root != p2->root);
	CHECK_EQ(p1->cpus, 0);
	CHECK_EQ(p1->asid, 0);
	for (size_t i = 0; i < PT_KERNEL_SLOT_FIRST; i++) {
		CHECK_EQ(table(p1->root)[i], 0);
		CHECK_EQ(table(p2->root)[i], 0);
	}
	for (size_t i = PT_KERNEL_SLOT_FIRST; i < PT_ENTRIES; i++) {
		CHECK_EQ(table(p1->root)[i], table(kpm->root)[i]);
		CHECK_EQ(table(p2->root)[i], table(kpm->root)[i]);
	}
}

/* Every pmap shares the kernel's top-level kernel entries, hence every
 * kernel mapping, even one made later in an existing slot; a new kernel
 * slot after vpmap_create would not be shared, so it panics. */
static void test_vpmap_create_shares_kernel_half(void)
{
	size_t free0 = pmem_free_count();
	struct pmap r1, r2;
	size_t kernel_slots = 0;
	vaddr_t later = kmap_va(8);

	CALL(create_two(&r1, &r2));
	CHECK_EQ(free0 - pmem_free_count(), 2);
	for (size_t i = PT_KERNEL_SLOT_FIRST; i < PT_ENTRIES; i++)
		kernel_slots += pte_valid(table(kpm->root)[i]);
	CHECK(kernel_slots >= 3);
	CHECK_EQ(vpmap_table_pages(&r1), 1);
	CALL(expect_mapped(&r1, kmap_va(0), SIM_PHYS_BASE, PERM_RW));
	CALL(expect_mapped(&r2, KIMAGE_BASE, sim.kimage_base, PERM_RX));

	vpmap_activate(kpm);
	CHECK(vpmap_current() == kpm);
	arch_calls.flush_page = 0;
	CHECK_EQ(vpmap_map(kpm, later, SIM_PHYS_BASE, PERM_R), 0);
	/* with the kernel's table live, a new kernel mapping is flushed on
	 * this CPU, for a kernel fault would panic */
	CHECK_EQ(arch_calls.flush_page, 1);
	CHECK_EQ(arch_calls.flush_page_va, later);
	CALL(expect_mapped(&r1, later, SIM_PHYS_BASE, PERM_R));
	CALL(expect_mapped(&r2, later, SIM_PHYS_BASE, PERM_R));
	arch_calls.flush_page = 0;
	/* The kernel half changes through the kernel's pmap, which every
	 * CPU holds: flushed here, though this CPU has another table. */
	vpmap_activate(&r2);
	CHECK_EQ(vpmap_unmap(kpm, later, 1, VPMAP_KEEP), 1);
	CHECK_EQ(arch_calls.flush_page, 1); /* kernel va: flushed anyway */
	CHECK_EQ(arch_calls.flush_page_va, later);
	CALL(expect_unmapped(&r1, later));
	CALL(expect_unmapped(kpm, later));
	vpmap_activate(kpm);

	CHECK_EQ(free0 - pmem_free_count(), 2);
	/* A prepared slot takes mappings later, for every pmap. */
	CHECK_EQ(
	    vpmap_map(kpm, KSTACK_AREA + PAGE_SIZE, SIM_PHYS_BASE, PERM_RW), 0);
	CALL(expect_mapped(&r1, KSTACK_AREA + PAGE_SIZE, SIM_PHYS_BASE,
			   PERM_RW));
	CHECK_EQ(vpmap_unmap(kpm, KSTACK_AREA + PAGE_SIZE, 1, VPMAP_KEEP), 1);
	CHECK_EQ(free0 - pmem_free_count(), 2);
	CHECK_PANICS(do_map_new_kernel_slot, &r1, "new kernel slot");
	CHECK_PANICS(do_map_new_kernel_slot, kpm, "new kernel slot");
	CHECK_EQ(free0 - pmem_free_count(), 2);
	vpmap_destroy(&r1);
	vpmap_destroy(&r2);
	CHECK_EQ(r1.root, 0);
	CHECK_EQ(pmem_free_count(), free0);
	CALL(expect_mapped(kpm, kmap_va(0), SIM_PHYS_BASE, PERM_RW));
}

/* Map, look up, map again, protect and unmap one page at va, alone in a
 * fresh pmap. */
static void one_page(vaddr_t va)
{
	size_t free0 = pmem_free_count();
	struct pmap pm;
	paddr_t pa, other = pmem_alloc(0);

	CHECK_EQ(vpmap_create(&pm), 0);
	CHECK(other);
	CALL(expect_unmapped(&pm, va));
	CALL(map_new(&pm, va, PERM_RW | PERM_U, &pa));
	CALL(expect_mapped(&pm, va, pa, PERM_RW | PERM_U));
	if (va >= PAGE_SIZE)
		CALL(expect_unmapped(&pm, va - PAGE_SIZE));
	if (va + PAGE_SIZE < USER_TOP)
		CALL(expect_unmapped(&pm, va + PAGE_SIZE));
	CHECK_EQ(vpmap_table_pages(&pm), PT_LEVELS);

	CHECK_EQ(vpmap_map(&pm, va, other, PERM_R), -1);
	CALL(expect_mapped(&pm, va, pa, PERM_RW | PERM_U));
	CHECK_EQ(pmem_refcount(other), 1);
	CHECK_EQ(vpmap_table_pages(&pm), PT_LEVELS);

	CHECK_EQ(vpmap_protect(&pm, va, 1, PERM_R | PERM_U), 1);
	CALL(expect_mapped(&pm, va, pa, PERM_R | PERM_U));
	CHECK_EQ(vpmap_unmap(&pm, va, 1, VPMAP_UNREF), 1);
	CALL(expect_unmapped(&pm, va));
	CHECK_EQ(pmem_refcount(pa), 0);
	CHECK_EQ(vpmap_unmap(&pm, va, 1, VPMAP_UNREF), 0);
	CHECK_EQ(vpmap_protect(&pm, va, 1, PERM_R), 0);
	CALL(expect_unmapped(&pm, va));
	/* Tables stay until vpmap_destroy. */
	CHECK_EQ(vpmap_table_pages(&pm), PT_LEVELS);
	vpmap_destroy(&pm);
	pmem_unref(other);
	CHECK_EQ(pmem_free_count(), free0);
}

/* Page 0, page 1, the user stack's top page and the last user page. */
static void test_vpmap_user_edges(void)
{
	CALL(one_page(0));
	CALL(one_page(PAGE_SIZE));
	CALL(one_page(USTACK_UPPERBOUND - PAGE_SIZE));
	CALL(one_page(USER_TOP - PAGE_SIZE));
}

/* The last page before and the first page after the k-th boundary of
 * level-`level` entries: the two paths part at that level, so the pmap has
 * PT_LEVELS - level shared tables and 2 * level tables of its own. */
static void straddle(int level, vaddr_t k)
{
	size_t free0 = pmem_free_count();
	vaddr_t hi = VA(k * LEVEL_PAGES(level)), lo = hi - PAGE_SIZE;
	struct pmap pm;
	paddr_t pa_lo, pa_hi;

	CHECK_EQ(vpmap_create(&pm), 0);
	CALL(map_new(&pm, lo, PERM_RW | PERM_U, &pa_lo));
	CALL(map_new(&pm, hi, PERM_R | PERM_U, &pa_hi));
	CALL(expect_mapped(&pm, lo, pa_lo, PERM_RW | PERM_U));
	CALL(expect_mapped(&pm, hi, pa_hi, PERM_R | PERM_U));
	CALL(expect_unmapped(&pm, lo - PAGE_SIZE));
	if (hi + PAGE_SIZE < USER_TOP)
		CALL(expect_unmapped(&pm, hi + PAGE_SIZE));
	CHECK_EQ(vpmap_table_pages(&pm), PT_LEVELS + level);
	CHECK_EQ(free0 - pmem_free_count(), PT_LEVELS + level + 2);

	CHECK_EQ(vpmap_protect(&pm, lo, 2, PERM_RX | PERM_U), 2);
	CALL(expect_mapped(&pm, lo, pa_lo, PERM_RX | PERM_U));
	CALL(expect_mapped(&pm, hi, pa_hi, PERM_RX | PERM_U));
	CHECK_EQ(vpmap_unmap(&pm, lo - PAGE_SIZE, 4, VPMAP_UNREF), 2);
	CALL(expect_unmapped(&pm, lo));
	CALL(expect_unmapped(&pm, hi));
	vpmap_destroy(&pm);
	CHECK_EQ(pmem_free_count(), free0);
}

static void test_vpmap_level_boundaries(void)
{
	for (int level = 1; level < PT_LEVELS; level++) {
		vaddr_t last = level == PT_LEVELS - 1 ? PT_KERNEL_SLOT_FIRST - 1
						      : PT_ENTRIES - 1;
		CALL(straddle(level, 1));
		CALL(straddle(level, 2));
		CALL(straddle(level, last));
	}
}

/* Every permission set reads back exactly, when mapped and when changed
 * from any other by vpmap_protect. */
static void test_vpmap_perm_round_trip(void)
{
	size_t free0 = pmem_free_count();
	struct pmap pm;
	paddr_t pa[32];

	CHECK_EQ(vpmap_create(&pm), 0);
	CHECK(ntest_perms <= 32);
	for (size_t i = 0; i < ntest_perms; i++)
		CALL(map_new(&pm, VA(0x100 + i), test_perms[i], &pa[i]));
	for (size_t i = 0; i < ntest_perms; i++)
		CALL(expect_mapped(&pm, VA(0x100 + i), pa[i], test_perms[i]));
	for (size_t i = 0; i < ntest_perms; i++) {
		for (size_t j = 0; j < ntest_perms; j++) {
			CHECK_EQ(
			    vpmap_protect(&pm, VA(0x100 + i), 1, test_perms[j]),
			    1);
			CALL(expect_mapped(&pm, VA(0x100 + i), pa[i],
					   test_perms[j]));
		}
	}
	vpmap_destroy(&pm);
	CHECK_EQ(pmem_free_count(), free0);
}

/* vpmap_unmap and vpmap_protect skip missing pages, also where whole tables
 * are missing, and count only the pages that were mapped. VPMAP_KEEP leaves
 * the frames' counts alone; VPMAP_UNREF drops one reference each. */
static void test_vpmap_unmap_counts(void)
{
	size_t free0 = pmem_free_count();
	struct pmap pm;
	paddr_t pa[4];
	const vaddr_t at[4] = {0, 2, 5, LEVEL_PAGES(2) + 7};
	const vaddr_t span = LEVEL_PAGES(2) + 8;

	CHECK_EQ(vpmap_create(&pm), 0);
	for (int i = 0; i < 4; i++)
		CALL(map_new(&pm, VA(at[i]), PERM_RW | PERM_U, &pa[i]));
	CHECK_EQ(vpmap_protect(&pm, 0, span, PERM_R | PERM_U), 4);
	CALL(expect_unmapped(&pm, VA(1)));
	CHECK_EQ(vpmap_unmap(&pm, 0, 8, VPMAP_KEEP), 3);
	CHECK_EQ(vpmap_unmap(&pm, 0, 8, VPMAP_KEEP), 0);
	for (int i = 0; i < 3; i++) {
		CHECK_EQ(pmem_refcount(pa[i]), 1);
		CALL(expect_unmapped(&pm, VA(at[i])));
	}
	CALL(expect_mapped(&pm, VA(at[3]), pa[3], PERM_R | PERM_U));

	/* A frame mapped twice (as fork would) loses one count per unmap. */
	pmem_ref(pa[3]);
	CHECK_EQ(vpmap_map(&pm, VA(1), pa[3], PERM_R | PERM_U), 0);
	CHECK_EQ(vpmap_unmap(&pm, 0, span, VPMAP_UNREF), 2);
	CHECK_EQ(pmem_refcount(pa[3]), 0);
	for (int i = 0; i < 3; i++)
		pmem_unref(pa[i]);
	vpmap_destroy(&pm);
	CHECK_EQ(pmem_free_count(), free0);
}

static void do_destroy(void *pm)
{
	vpmap_destroy(pm);
}

/* Weakening or removing a mapping flushes it when the table is loaded here
 * (and only then, with no other CPU in its set); adding one does not;
 * share_cow leaves the flush of its source to the caller, who does it once
 * for a whole fork. */
static void test_vpmap_tlb_flush(void)
{
	size_t free0 = pmem_free_count();
	struct pmap pm, other;
	paddr_t pa[4];

	CALL(create_two(&pm, &other));
	for (int i = 0; i < 3; i++)
		CALL(map_new(&pm, VA(10 + i), PERM_RW | PERM_U, &pa[i]));
	memset(&arch_calls, 0, sizeof(arch_calls));
	CHECK_EQ(vpmap_protect(&pm, VA(10), 1, PERM_R | PERM_U), 1);
	CHECK_EQ(vpmap_unmap(&pm, VA(10), 1, VPMAP_UNREF), 1);
	vpmap_flush_tlb(&pm, VA(11));
	vpmap_flush_tlb_all(&pm);
	CHECK_EQ(arch_calls.flush_page, 0);
	CHECK_EQ(arch_calls.flush_all, 0);

	vpmap_activate(&pm);
	CHECK_EQ(arch_calls.set_root, 1);
	CHECK_EQ(arch_calls.root, pm.root);
	CHECK(vpmap_current() == &pm);
	CHECK_EQ(pm.cpus, 1ull << cpu_id());
	CHECK_EQ(vpmap_protect(&pm, VA(10), 3, PERM_R | PERM_U), 2);
	CHECK_EQ(arch_calls.flush_page, 2);
	CHECK_EQ(arch_calls.flush_page_va, VA(12));
	CHECK_EQ(vpmap_unmap(&pm, VA(11), 1, VPMAP_UNREF), 1);
	CHECK_EQ(arch_calls.flush_page, 3);
	CHECK_EQ(arch_calls.flush_page_va, VA(11));
	CHECK_EQ(vpmap_unmap(&pm, VA(11), 1, VPMAP_UNREF), 0);
	CALL(map_new(&pm, VA(13), PERM_RW | PERM_U, &pa[3]));
	CHECK_EQ(arch_calls.flush_page, 3);
	vpmap_flush_tlb(&pm, VA(20));
	CHECK_EQ(arch_calls.flush_page, 4);
	CHECK_EQ(arch_calls.flush_page_va, VA(20));
	vpmap_flush_tlb(&other, VA(20));
	vpmap_flush_tlb_all(&other);
	CHECK_EQ(arch_calls.flush_page, 4);
	CHECK_EQ(arch_calls.flush_all, 0);
	vpmap_flush_tlb_all(&pm);
	CHECK_EQ(arch_calls.flush_all, 1);

	/* Read-only VA(12) and writable VA(13): no flush either way. */
	CHECK_EQ(vpmap_share_cow(&pm, &other, VA(12), 1), 0);
	CHECK_EQ(vpmap_share_cow(&pm, &other, VA(13), 1), 0);
	CHECK_EQ(arch_calls.flush_all, 1);
	CHECK_EQ(arch_calls.flush_page, 4);
	CHECK_EQ(arch_calls.ipis, 0);

	CHECK_PANICS(do_destroy, &pm, "in use");
	vpmap_activate(kpm);
	CHECK_EQ(arch_calls.root, kpm->root);
	CHECK_EQ(pm.cpus, 0); /* this CPU left its set */
	CHECK_PANICS(do_destroy, kpm, "kernel's pmap");
	vpmap_destroy(&pm);
	vpmap_destroy(&other);
	CHECK_EQ(pmem_free_count(), free0);
}

/* Go on as CPU id (the host's arch_cpu_set). */
static void on_cpu(int id)
{
	arch_cpu_set(&cpus[id]);
}

/* CPU 1's TLB caches page va -> pa, as a user access there would. */
static void cached_on_cpu1(vaddr_t va, paddr_t pa)
{
	on_cpu(1);
	host_tlb_fill(va, pa, PERM_RW | PERM_U);
	on_cpu(0);
}

/* Does CPU 1's TLB still cache page va? */
static bool cpu1_caches(vaddr_t va)
{
	bool cached;

	on_cpu(1);
	cached = host_tlb_find(va) != NULL;
	on_cpu(0);
	return cached;
}

static void do_unmap_unref_here(void *pm)
{
	vpmap_unmap(pm, VA(2), 1, VPMAP_UNREF | VPMAP_FLUSH_HERE);
}

/* pm (pages VA(0..2) at pa[]) loaded on online CPU 1 only: an unmap on
 * CPU 0 shoots CPU 1 down (one IPI; it flushes everything) and flushes
 * nothing here; once CPU 0 loads pm too, VPMAP_FLUSH_HERE flushes CPU 0
 * alone, leaving CPU 1's stale entry to the caller's tlb_shootdown. */
static void shootdown_story(struct pmap *pm, const paddr_t *pa)
{
	uint64_t ipis = ipi_received(1);

	on_cpu(1);
	vpmap_activate(pm);
	ipi_cpu_online();
	on_cpu(0);
	CHECK_EQ(pm->cpus, 1ull << 1);
	CALL(cached_on_cpu1(VA(0), pa[0]));
	CALL(cached_on_cpu1(VA(1), pa[1]));
	memset(&arch_calls, 0, sizeof(arch_calls));
	CHECK_EQ(vpmap_unmap(pm, VA(0), 1, VPMAP_UNREF), 1);
	CHECK_EQ(arch_calls.ipis, 1);
	CHECK_EQ(ipi_received(1), ipis + 1);
	CHECK_EQ(arch_calls.flush_page, 0);
	CHECK_EQ(arch_calls.flush_all, 1); /* CPU 1's, in its IPI */
	CHECK(!cpu1_caches(VA(1)));

	vpmap_activate(pm);
	CHECK_EQ(pm->cpus, 3);
	CALL(cached_on_cpu1(VA(1), pa[1]));
	memset(&arch_calls, 0, sizeof(arch_calls));
	CHECK_EQ(vpmap_unmap(pm, VA(1), 1, VPMAP_KEEP | VPMAP_FLUSH_HERE), 1);
	CHECK_EQ(arch_calls.flush_page, 1);
	CHECK_EQ(arch_calls.ipis, 0);
	CHECK(cpu1_caches(VA(1))); /* stale until the caller shoots */
	tlb_shootdown(pm->cpus);
	CHECK_EQ(arch_calls.ipis, 1);
	CHECK_EQ(arch_calls.flush_all, 2); /* both CPUs of the set */
	CHECK(!cpu1_caches(VA(1)));
	pmem_unref(pa[1]);
	CHECK_PANICS(do_unmap_unref_here, pm, "before the other CPUs flush");
}

/* A pmap's CPU set: each CPU that loads it joins, each that loads another
 * leaves; changes shoot down the other CPUs of the set (see
 * shootdown_story), and destroying it takes a set left empty. */
static void test_vpmap_cpu_set(void)
{
	size_t free0 = pmem_free_count();
	struct pmap pm;
	paddr_t pa[3];

	CHECK_EQ(vpmap_create(&pm), 0);
	for (int i = 0; i < 3; i++)
		CALL(map_new(&pm, VA(i), PERM_RW | PERM_U, &pa[i]));
	shootdown_story(&pm, pa);
	on_cpu(1);
	vpmap_activate(kpm);
	host_cpu_offline(1);
	on_cpu(0);
	if (test_failed())
		return;
	CHECK_EQ(pm.cpus, 1ull << 0);
	CHECK_PANICS(do_destroy, &pm, "in use");
	vpmap_activate(kpm);
	CHECK_EQ(pm.cpus, 0);
	vpmap_destroy(&pm);
	CHECK_EQ(pmem_free_count(), free0);
}

/* Rights only added (a COW reuse, which also drops PERM_COW) need no
 * flush; a long unmap flushes
 * the whole TLB once instead of each page. */
static void test_vpmap_tlb_batch(void)
{
	size_t free0 = pmem_free_count(), n = 40;
	struct pmap pm;
	paddr_t pa;

	CHECK_EQ(vpmap_create(&pm), 0);
	for (size_t i = 0; i < n; i++)
		CALL(map_new(&pm, VA(i), PERM_R | PERM_U | PERM_COW, &pa));
	vpmap_activate(&pm);
	memset(&arch_calls, 0, sizeof(arch_calls));
	CHECK_EQ(vpmap_protect(&pm, VA(0), 1, PERM_RW | PERM_U), 1);
	CHECK_EQ(arch_calls.flush_page + arch_calls.flush_all, 0);
	CHECK_EQ(vpmap_protect(&pm, VA(0), 1, PERM_R | PERM_U), 1);
	CHECK_EQ(arch_calls.flush_page, 1);
	CHECK_EQ(vpmap_protect(&pm, VA(1), 1, PERM_R), 1); /* U taken */
	CHECK_EQ(arch_calls.flush_page, 2);
	CHECK_EQ(vpmap_unmap(&pm, VA(0), 2, VPMAP_UNREF), 2);
	CHECK_EQ(arch_calls.flush_page, 4);
	CHECK_EQ(vpmap_unmap(&pm, VA(2), n - 2, VPMAP_UNREF), n - 2);
	CHECK_EQ(arch_calls.flush_page, 4);
	CHECK_EQ(arch_calls.flush_all, 1);
	vpmap_activate(kpm);
	vpmap_destroy(&pm);
	CHECK_EQ(pmem_free_count(), free0);
}

/* What share_cow must do to one page of each kind, from `base` on: the page
 * (perm in the source, or 0 when missing) and the permissions both tables
 * then have. */
static const struct {
	unsigned before, after;
} cow_pages[] = {
    {PERM_RW | PERM_U, PERM_R | PERM_U | PERM_COW},
    {PERM_R | PERM_U, PERM_R | PERM_U},
    {PERM_RX | PERM_U, PERM_RX | PERM_U},
    {0, 0},
    {PERM_RW | PERM_X | PERM_U, PERM_RX | PERM_U | PERM_COW},
    {PERM_R | PERM_U | PERM_COW, PERM_R | PERM_U | PERM_COW},
    {PERM_RW, PERM_R | PERM_COW},
};
#define NCOW ARRAY_SIZE(cow_pages)

/* A source pmap with the pages of cow_pages from base. */
static void cow_source(struct pmap *src, vaddr_t base, paddr_t *pa)
{
	CHECK_EQ(vpmap_create(src), 0);
	for (size_t i = 0; i < NCOW; i++)
		if (cow_pages[i].before)
			CALL(map_new(src, base + VA(i), cow_pages[i].before,
				     &pa[i]));
}

/* Fork's sharing, across a table boundary: writable pages become R + COW
 * in both tables, the others keep their permissions, every frame is counted
 * twice, and both tables unmap and destroy back to the start. */
static void test_vpmap_share_cow(void)
{
	size_t free0 = pmem_free_count();
	vaddr_t base = VA(LEVEL_PAGES(1) - 3);
	struct pmap src, dst;
	paddr_t pa[NCOW];

	CHECK_EQ(vpmap_create(&dst), 0);
	CALL(cow_source(&src, base, pa));
	vpmap_activate(&src);
	arch_calls.flush_all = 0;
	CHECK_EQ(vpmap_share_cow(&src, &dst, base, NCOW), 0);
	CHECK_EQ(arch_calls.flush_all, 0); /* the caller flushes, once */
	vpmap_activate(kpm);
	for (size_t i = 0; i < NCOW; i++) {
		vaddr_t va = base + VA(i);
		if (!cow_pages[i].before) {
			CALL(expect_unmapped(&src, va));
			CALL(expect_unmapped(&dst, va));
			continue;
		}
		CALL(expect_mapped(&src, va, pa[i], cow_pages[i].after));
		CALL(expect_mapped(&dst, va, pa[i], cow_pages[i].after));
		CHECK_EQ(pmem_refcount(pa[i]), 2);
	}
	CHECK_EQ(vpmap_table_pages(&dst), vpmap_table_pages(&src));
	CHECK_EQ(vpmap_unmap(&dst, base, NCOW, VPMAP_UNREF), NCOW - 1);
	for (size_t i = 0; i < NCOW; i++)
		if (cow_pages[i].before)
			CHECK_EQ(pmem_refcount(pa[i]), 1);
	vpmap_destroy(&dst);
	vpmap_destroy(&src);
	CHECK_EQ(pmem_free_count(), free0);
}

/* share_cow stops at a page dst already maps, and when dst cannot get a
 * table; what it shared stays shared and both pmaps still destroy to the
 * start. */
static void test_vpmap_share_cow_fails(void)
{
	size_t free0 = pmem_free_count();
	vaddr_t base = VA(LEVEL_PAGES(1) - 3);
	struct pmap src, dst;
	paddr_t pa[NCOW], taken;

	CHECK_EQ(vpmap_create(&dst), 0);
	CALL(cow_source(&src, base, pa));
	CALL(map_new(&dst, base + VA(2), PERM_R, &taken));
	CHECK_EQ(vpmap_share_cow(&src, &dst, base, NCOW), -1);
	CHECK_EQ(pmem_refcount(pa[0]), 2);
	CHECK_EQ(pmem_refcount(pa[1]), 2);
	CHECK_EQ(pmem_refcount(pa[2]), 1);
	CALL(expect_mapped(&dst, base + VA(2), taken, PERM_R));
	vpmap_destroy(&dst);
	CHECK_EQ(pmem_refcount(pa[0]), 1);

	CHECK_EQ(vpmap_create(&dst), 0);
	hoard_take(&hoard, PT_LEVELS - 1);
	CHECK_EQ(vpmap_share_cow(&src, &dst, base, NCOW), -1);
	hoard_release(&hoard);
	CHECK_EQ(pmem_refcount(pa[0]), 2);
	CHECK_EQ(pmem_refcount(pa[NCOW - 1]), 1);
	CALL(expect_unmapped(&dst, base + VA(NCOW - 1)));
	vpmap_destroy(&dst);
	vpmap_destroy(&src);
	CHECK_EQ(pmem_free_count(), free0);
}

/* vpmap_prepare builds the path to a leaf slot and maps nothing; a second
 * call, or a map there, needs no more tables; without memory it fails. */
static void test_vpmap_prepare(void)
{
	size_t free0 = pmem_free_count();
	struct pmap pm;
	paddr_t pa;
	int err;

	CHECK_EQ(vpmap_create(&pm), 0);
	CHECK_EQ(vpmap_prepare(&pm, VA(5)), 0);
	CHECK_EQ(vpmap_table_pages(&pm), PT_LEVELS);
	CHECK_EQ(free0 - pmem_free_count(), PT_LEVELS);
	CALL(expect_unmapped(&pm, VA(5)));
	CHECK_EQ(vpmap_prepare(&pm, VA(5)), 0);
	CHECK_EQ(vpmap_prepare(&pm, VA(6)), 0);
	CHECK_EQ(free0 - pmem_free_count(), PT_LEVELS);
	CALL(map_new(&pm, VA(5), PERM_RW | PERM_U, &pa));
	CHECK_EQ(free0 - pmem_free_count(), PT_LEVELS + 1);
	hoard_take(&hoard, 0);
	err = vpmap_prepare(&pm, VA(LEVEL_PAGES(1)));
	hoard_release(&hoard);
	CHECK_EQ(err, -1);
	CHECK_EQ(vpmap_table_pages(&pm), PT_LEVELS);
	vpmap_destroy(&pm);
	CHECK_EQ(pmem_free_count(), free0);
}

/* With pmem empty, vpmap_create returns -1 (leaving no root) and
 * vpmap_map -1, taking nothing. */
static void test_vpmap_out_of_memory(void)
{
	size_t free0 = pmem_free_count();
	struct pmap pm, none = {.root = 0x1000};
	paddr_t pa = pmem_alloc(0);
	int err;

	CHECK_EQ(vpmap_create(&pm), 0);
	CHECK(pa);
	hoard_take(&hoard, 0);
	err = vpmap_create(&none);
	hoard_release(&hoard);
	CHECK_EQ(err, -1);
	CHECK_EQ(none.root, 0);
	hoard_take(&hoard, 1);
	CHECK_EQ(vpmap_map(&pm, VA(1), pa, PERM_R), -1);
	CHECK_EQ(pmem_free_count(), 0);
	hoard_release(&hoard);
	CALL(expect_unmapped(&pm, VA(1)));
	CHECK_EQ(pmem_refcount(pa), 1);
	CHECK_EQ(vpmap_map(&pm, VA(1), pa, PERM_R), 0);
	vpmap_destroy(&pm);
	CHECK_EQ(pmem_free_count(), free0);
}

/* vpmap_table_pages counts the root and each user-half table once; unmap
 * frees no table; a page at the first entry boundary of level L needs L new
 * tables. */
static void test_vpmap_table_pages(void)
{
	size_t free0 = pmem_free_count(), want = PT_LEVELS;
	struct pmap pm;
	paddr_t pa;

	CHECK_EQ(vpmap_create(&pm), 0);
	CHECK_EQ(vpmap_table_pages(&pm), 1);
	CALL(map_new(&pm, 0, PERM_R, &pa));
	CALL(map_new(&pm, VA(1), PERM_R, &pa));
	CHECK_EQ(vpmap_table_pages(&pm), want);
	for (int level = 1; level < PT_LEVELS; level++) {
		CALL(map_new(&pm, VA(LEVEL_PAGES(level)), PERM_R, &pa));
		want += level;
		CHECK_EQ(vpmap_table_pages(&pm), want);
	}
	CHECK_EQ(free0 - pmem_free_count(), want + 1 + PT_LEVELS);
	CHECK_EQ(vpmap_unmap(&pm, 0, 2, VPMAP_UNREF), 2);
	CHECK_EQ(vpmap_table_pages(&pm), want);
	vpmap_destroy(&pm);
	CHECK_EQ(pmem_free_count(), free0);
}

/* vpmap_prune detaches a last-level table only once it is empty, clears
 * its parent's entry, never touches the root, and leaves flushing every
 * translation and then freeing the table to the caller. */
static void test_vpmap_prune(void)
{
	size_t free0 = pmem_free_count();
	struct pmap pm;
	paddr_t pa[2], table;
	unsigned flushes;

	CHECK_EQ(vpmap_create(&pm), 0);
	CALL(map_new(&pm, VA(0), PERM_R, &pa[0]));
	CALL(map_new(&pm, VA(1), PERM_R, &pa[1]));
	CHECK_EQ(vpmap_prune(&pm, VA(0)), 0);
	CHECK_EQ(vpmap_unmap(&pm, VA(0), 1, VPMAP_UNREF), 1);
	CHECK_EQ(vpmap_prune(&pm, VA(0)), 0);
	CHECK_EQ(vpmap_table_pages(&pm), PT_LEVELS);
	CHECK_EQ(vpmap_unmap(&pm, VA(1), 1, VPMAP_UNREF), 1);
	vpmap_activate(&pm);
	flushes = arch_calls.flush_all;
	table = vpmap_prune(&pm, VA(1));
	CHECK(table != 0);
	CHECK_EQ(pmem_refcount(table), 1);	 /* detached, not freed */
	CHECK_EQ(arch_calls.flush_all, flushes); /* the caller's to do */
	vpmap_flush_tlb_all(&pm);
	pmem_unref(table);
	vpmap_activate(kpm);
	CHECK_EQ(arch_calls.flush_all, flushes + 1);
	CHECK_EQ(vpmap_table_pages(&pm), PT_LEVELS - 1);
	CHECK_EQ(vpmap_prune(&pm, VA(1)), 0);
	CHECK_EQ(vpmap_map(&pm, VA(1), pa[1] = pmem_alloc(0), PERM_R), 0);
	CHECK_EQ(vpmap_table_pages(&pm), PT_LEVELS);
	vpmap_destroy(&pm);
	CHECK_EQ(pmem_free_count(), free0);
}

/* vpmap_destroy gives back every table and drops one reference per mapped
 * page: frames also counted elsewhere survive with one reference less. */
static void test_vpmap_destroy(void)
{
	size_t free0 = pmem_free_count();
	struct pmap pm;
	paddr_t pa[64];
	uint64_t seed = 99;

	CHECK_EQ(vpmap_create(&pm), 0);
	for (size_t i = 0; i < 64; i++) {
		vaddr_t vpn = test_rand(&seed) % USER_PAGES;
		if (vpmap_lookup(&pm, VA(vpn), NULL, NULL))
			vpn ^= 1;
		CALL(map_new(&pm, VA(vpn), PERM_RW | PERM_U, &pa[i]));
		if (i % 2)
			pmem_ref(pa[i]);
	}
	CHECK_EQ(free0 - pmem_free_count(), 64 + vpmap_table_pages(&pm));
	vpmap_destroy(&pm);
	CHECK_EQ(free0 - pmem_free_count(), 32);
	for (size_t i = 1; i < 64; i += 2) {
		CHECK_EQ(pmem_refcount(pa[i]), 1);
		pmem_unref(pa[i]);
	}
	CHECK_EQ(pmem_free_count(), free0);
}

/* ---- Random run against a model ----------------------------------------- */

#define MAX_CANDIDATES 64
#define MAX_TABLES (MAX_CANDIDATES * PT_LEVELS)

/* The model: which candidate pages are mapped, to what, and which tables
 * exist (tables are created by map and freed only by destroy). */
static struct {
	vaddr_t vpn[MAX_CANDIDATES];
	size_t n;
	bool mapped[MAX_CANDIDATES];
	paddr_t pa[MAX_CANDIDATES];
	unsigned perm[MAX_CANDIDATES];
	vaddr_t table[MAX_TABLES]; /* see model_add_tables */
	size_t ntables;
	size_t nmapped;
} model;

static void add_candidate(vaddr_t vpn)
{
	if (vpn >= USER_PAGES)
		return;
	for (size_t i = 0; i < model.n; i++)
		if (model.vpn[i] == vpn)
			return;
	model.vpn[model.n++] = vpn;
}

/* Pages next to the edges of user space and of entries at every level. */
static void pick_candidates(void)
{
	memset(&model, 0, sizeof(model));
	for (int level = 0; level < PT_LEVELS; level++) {
		for (vaddr_t k = 1; k <= 3; k += 2) {
			vaddr_t b = k * LEVEL_PAGES(level);
			add_candidate(b - 2);
			add_candidate(b - 1);
			add_candidate(b);
			add_candidate(b + 1);
		}
	}
	for (vaddr_t i = 1; i <= 3; i++)
		add_candidate(USER_PAGES - i);
	add_candidate(0);
	add_candidate(USER_PAGES / 2 + 5);
}

/* Record the tables a mapping of vpn needs: the level-(l-1) table covering
 * vpn, for l = 1 .. PT_LEVELS-1, is named by vpn >> (9 * l). */
static void model_add_tables(vaddr_t vpn)
{
	for (int l = 1; l < PT_LEVELS; l++) {
		vaddr_t key = ((vaddr_t)l << 56) | (vpn >> (PT_INDEX_BITS * l));
		size_t i = 0;
		while (i < model.ntables && model.table[i] != key)
			i++;
		if (i == model.ntables)
			model.table[model.ntables++] = key;
	}
}

/* Candidates in [vpn, vpn + n): how many the model has mapped. */
static size_t model_count(vaddr_t vpn, size_t n)
{
	size_t count = 0;
	for (size_t i = 0; i < model.n; i++)
		count += model.mapped[i] && model.vpn[i] >= vpn &&
			 model.vpn[i] < vpn + n;
	return count;
}

/* The pmap agrees with the model on every candidate, on its tables and on
 * how many frames are in use. */
static void model_check(struct pmap *pm, size_t free0)
{
	for (size_t i = 0; i < model.n; i++) {
		if (model.mapped[i])
			CALL(expect_mapped(pm, VA(model.vpn[i]), model.pa[i],
					   model.perm[i]));
		else
			CALL(expect_unmapped(pm, VA(model.vpn[i])));
	}
	CHECK_EQ(vpmap_table_pages(pm), 1 + model.ntables);
	CHECK_EQ(free0 - pmem_free_count(), 1 + model.ntables + model.nmapped);
}

static void random_step(struct pmap *pm, uint64_t *seed)
{
	size_t i = test_rand(seed) % model.n;
	vaddr_t vpn = model.vpn[i];
	size_t n = 1 + test_rand(seed) % 3;
	unsigned perm = test_perms[test_rand(seed) % ntest_perms];
	paddr_t pa;

	n = MIN(n, USER_PAGES - vpn);
	switch (test_rand(seed) % 4) {
	case 0:
	case 1: /* map */
		pa = pmem_alloc(0);
		CHECK(pa);
		if (model.mapped[i]) {
			CHECK_EQ(vpmap_map(pm, VA(vpn), pa, perm), -1);
			pmem_unref(pa);
			break;
		}
		CHECK_EQ(vpmap_map(pm, VA(vpn), pa, perm), 0);
		model.mapped[i] = true;
		model.pa[i] = pa;
		model.perm[i] = perm;
		model.nmapped++;
		model_add_tables(vpn);
		break;
	case 2: { /* unmap */
		int how = test_rand(seed) % 2 ? VPMAP_UNREF : VPMAP_KEEP;
		CHECK_EQ(vpmap_unmap(pm, VA(vpn), n, how), model_count(vpn, n));
		for (size_t j = 0; j < model.n; j++) {
			if (!model.mapped[j] || model.vpn[j] < vpn ||
			    model.vpn[j] >= vpn + n)
				continue;
			CHECK_EQ(pmem_refcount(model.pa[j]),
				 how == VPMAP_KEEP ? 1 : 0);
			if (how == VPMAP_KEEP)
				pmem_unref(model.pa[j]);
			model.mapped[j] = false;
			model.nmapped--;
		}
		break;
	}
	case 3: /* protect */
		CHECK_EQ(vpmap_protect(pm, VA(vpn), n, perm),
			 model_count(vpn, n));
		for (size_t j = 0; j < model.n; j++)
			if (model.mapped[j] && model.vpn[j] >= vpn &&
			    model.vpn[j] < vpn + n)
				model.perm[j] = perm;
		break;
	}
}

/* A long seeded run of map / unmap / protect over pages at every edge,
 * checked against the model after every step. */
static void test_vpmap_random_model(void)
{
	size_t free0 = pmem_free_count();
	struct pmap pm;
	uint64_t seed = 0x5eed0f0c0ffeeull;

	CHECK_EQ(vpmap_create(&pm), 0);
	pick_candidates();
	CHECK(model.n > 6 * PT_LEVELS);
	for (int step = 0; step < 3000; step++) {
		CALL(random_step(&pm, &seed));
		CALL(model_check(&pm, free0));
	}
	CHECK(model.nmapped > 0);
	vpmap_destroy(&pm);
	CHECK_EQ(pmem_free_count(), free0);
}

const struct test vpmap_tests[] = {
    {"vpmap_kernel_half", test_vpmap_kernel_half, true},
    {"vpmap_create_shares_kernel_half", test_vpmap_create_shares_kernel_half,
     false},
    {"vpmap_user_edges", test_vpmap_user_edges, false},
    {"vpmap_level_boundaries", test_vpmap_level_boundaries, false},
    {"vpmap_perm_round_trip", test_vpmap_perm_round_trip, false},
    {"vpmap_unmap_counts", test_vpmap_unmap_counts, false},
    {"vpmap_tlb_flush", test_vpmap_tlb_flush, false},
    {"vpmap_tlb_batch", test_vpmap_tlb_batch, false},
    {"vpmap_cpu_set", test_vpmap_cpu_set, false},
    {"vpmap_share_cow", test_vpmap_share_cow, false},
    {"vpmap_share_cow_fails", test_vpmap_share_cow_fails, false},
    {"vpmap_prepare", test_vpmap_prepare, false},
    {"vpmap_out_of_memory", test_vpmap_out_of_memory, false},
    {"vpmap_table_pages", test_vpmap_table_pages, false},
    {"vpmap_prune", test_vpmap_prune, false},
    {"vpmap_destroy", test_vpmap_destroy, false},
    {"vpmap_random_model", test_vpmap_random_model, false},
    {NULL, NULL, false},
};
