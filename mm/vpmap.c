/*
 * vpmap: the page-table walker and every page-table operation built on it.
 * Written once for both arches: the tree is PT_LEVELS levels of PT_ENTRIES
 * entries, and only <arch/mmu.h> knows how a PTE is encoded.
 *
 *   va: | sign | idx[PT_LEVELS-1] | ... | idx[1] | idx[0] | offset (12) |
 *          root table --idx--> ... --idx--> last table --idx[0]--> leaf PTE
 */
#include "mm/vpmap.h"

#include <arch/arch.h>

#include "lib/cpu.h"
#include "lib/ipi.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "mm/pmem.h"

static struct pmap kernel_pmap;
/* The pmap each CPU has loaded (vpmap_activate). */
static struct pmap *loaded_pmap[NCPU];
/* Set by the first vpmap_create: from then on a new kernel-half top-level
 * slot would not reach the roots already made, so walk refuses it. */
static bool kernel_half_shared;
/* Set by the first vpmap_activate: from then on some CPU may hold
 * translations of the kernel half (before, the boot tables are live). */
static bool kernel_table_live;

/* The index of va in a table at level (0 = last level). */
static unsigned pt_index(vaddr_t va, int level)
{
	return (va >> (PAGE_SHIFT + level * PT_INDEX_BITS)) & (PT_ENTRIES - 1);
}

static pte_t *table_of(paddr_t pa)
{
	return P2V(pa);
}

static bool is_kernel_va(vaddr_t va)
{
	return va >= USER_TOP;
}

/* Can some table map va? Between the user half and the kernel half lies
 * a hole of addresses no table entry reaches (non-canonical). */
static bool canonical(vaddr_t va)
{
	return va < USER_TOP || va >= KMAP_BASE;
}

/* The entry for va in its level-`stop` table of root (stop 0: the leaf
 * slot), or NULL when a table on the way is missing and alloc is false or
 * no frame is left for it. With alloc, the missing tables are created
 * (zeroed: every entry invalid). Always inlined: each caller gets the
 * loop for its own constant stop, unrolled (walk runs on every fault). */
static inline __attribute__((always_inline)) pte_t *
walk_to(paddr_t root, vaddr_t va, int stop, bool alloc)
{
	pte_t *table = table_of(root);

	if (!canonical(va))
		panic("walk: %p is not a canonical address", (void *)va);
	for (int level = PT_LEVELS - 1; level > stop; level--) {
		pte_t *pte = &table[pt_index(va, level)];
		pte_t e = __atomic_load_n(pte, __ATOMIC_ACQUIRE);

		if (pte_valid(e)) {
			if (pte_is_leaf(e, level))
				panic("walk: large page at %p", (void *)va);
			table = table_of(pte_addr(e));
			continue;
		}
		if (!alloc)
			return NULL;
		if (level == PT_LEVELS - 1 && kernel_half_shared &&
		    is_kernel_va(va))
			panic("walk: new kernel slot for %p after vpmap_create",
			      (void *)va);
		paddr_t t = pmem_alloc(PMEM_ZERO);
		if (!t)
			return NULL;
		/* Release: a reader that sees the pointer sees the zeroed
		 * table behind it. */
		__atomic_store_n(pte, pte_make_table(t), __ATOMIC_RELEASE);
		table = table_of(t);
	}
	return &table[pt_index(va, stop)];
}

/* The last-level PTE for va in root (see walk_to). */
static pte_t *walk(paddr_t root, vaddr_t va, bool alloc)
{
	return walk_to(root, va, 0, alloc);
}

/* The mapped leaf for va, or NULL. */
static pte_t *walk_leaf(paddr_t root, vaddr_t va)
{
	pte_t *pte = walk(root, va, false);
	return pte && pte_valid(*pte) ? pte : NULL;
}

struct pmap *vpmap_create_kernel(void)
{
	if (kernel_pmap.root)
		panic("vpmap_create_kernel: called twice");
	kernel_pmap.root = pmem_alloc(PMEM_ZERO);
	kernel_pmap.cpus = ~0ull;
	return kernel_pmap.root ? &kernel_pmap : NULL;
}

struct pmap *vpmap_kernel(void)
{
	return kernel_pmap.root ? &kernel_pmap : NULL;
}

int vpmap_create(struct pmap *pm)
{
	paddr_t root = pmem_alloc(PMEM_ZERO);

	*pm = (struct pmap){.root = root};
	if (!root)
		return -1;
	kernel_half_shared = true;
	if (kernel_pmap.root)
		memcpy(&table_of(root)[PT_KERNEL_SLOT_FIRST],
		       &table_of(kernel_pmap.root)[PT_KERNEL_SLOT_FIRST],
		       (PT_ENTRIES - PT_KERNEL_SLOT_FIRST) * sizeof(pte_t));
	return 0;
}

/* Free the table at pa (a level-`level` table) and everything below it,
 * dropping the reference of every leaf. */
static void free_tree(paddr_t pa, int level)
{
	pte_t *table = table_of(pa);

	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		pte_t pte = table[i];
		if (!pte_valid(pte))
			continue;
		if (pte_is_leaf(pte, level))
			pmem_unref(pte_addr(pte));
		else
			free_tree(pte_addr(pte), level - 1);
	}
	pmem_unref(pa);
}

void vpmap_destroy(struct pmap *pm)
{
	pte_t *table = table_of(pm->root);

	if (pm == &kernel_pmap)
		panic("vpmap_destroy: the kernel's pmap");
	if (__atomic_load_n(&pm->cpus, __ATOMIC_ACQUIRE))
		panic("vpmap_destroy: root %p is in use", (void *)pm->root);
	for (unsigned i = 0; i < PT_KERNEL_SLOT_FIRST; i++) {
		pte_t pte = table[i];
		if (!pte_valid(pte))
			continue;
		if (pte_is_leaf(pte, PT_LEVELS - 1))
			panic("vpmap_destroy: large page in slot %u", i);
		free_tree(pte_addr(pte), PT_LEVELS - 2);
	}
	pmem_unref(pm->root);
	pm->root = 0;
}

int vpmap_prepare(struct pmap *pm, vaddr_t va)
{
	return walk(pm->root, va, true) ? 0 : -1;
}

int vpmap_map(struct pmap *pm, vaddr_t va, paddr_t pa, unsigned perm)
{
	pte_t *pte;

	if (!(perm & PERM_R))
		panic("vpmap_map: %p without read permission", (void *)va);
	pte = walk(pm->root, va, true);
	if (!pte || pte_valid(*pte))
		return -1;
	__atomic_store_n(pte, pte_make_leaf(pa, perm), __ATOMIC_RELEASE);
	/* A new user mapping needs no flush: a stale invalid entry (RISC-V
	 * may cache one) only causes a spurious fault, which mm_fault_resolve
	 * absorbs. A kernel fault panics instead, so a new kernel mapping is
	 * flushed here, on this CPU, once the kernel's table is in use. */
	if (is_kernel_va(va) && kernel_table_live)
		arch_tlb_flush_page(va);
	return 0;
}

/* Unmapping more pages than this flushes the whole TLB once instead of
 * each page: cheaper for a big sbrk shrink, and on RISC-V under QEMU, where
 * every sfence.vma flushes everything anyway. */
#define FLUSH_ALL_ABOVE 16

static uint64_t other_cpus(struct pmap *pm);
static bool loaded_here(struct pmap *pm);

/* Flush [va, va + npages pages) of pm: here page by page, or all at once
 * for a long range; on the other CPUs of its set with one shootdown. */
static void flush_range(struct pmap *pm, vaddr_t va, size_t npages,
			bool here_only)
{
	uint64_t others;

	/* Every table shares the kernel half: a kernel address is the
	 * kernel pmap's to flush, whichever pmap the change went through. */
	if (is_kernel_va(va))
		pm = &kernel_pmap;
	others = here_only ? 0 : other_cpus(pm);
	if (loaded_here(pm) && npages > FLUSH_ALL_ABOVE)
		arch_tlb_flush_all();
	else if (loaded_here(pm))
		for (size_t i = 0; i < npages; i++)
			arch_tlb_flush_page(va + i * PAGE_SIZE);
	if (others)
		tlb_shootdown(others);
}

/* Frames unmapped at a time before the flush that lets them go: a last-
 * level table's worth, so that a big unmap (an exit, an sbrk shrink of 16
 * MiB) costs a few flushes, not one per 64 pages (under QEMU's TCG a full
 * flush costs microseconds in the refills after it). Too big for a kernel
 * stack, the batch is per CPU: vpmap_unmap neither sleeps nor nests, and
 * the kernel never preempts itself, so this CPU's batch is the caller's
 * for the whole call. */
#define UNMAP_BATCH PT_ENTRIES
static paddr_t unmap_batch[NCPU][UNMAP_BATCH];

/* Clear the leaves of up to UNMAP_BATCH mapped pages from *va on, storing
 * their frames in pa[], until end; *va moves past the pages looked at.
 * Returns the number of frames stored. */
static size_t clear_batch(struct pmap *pm, vaddr_t *va, vaddr_t end,
			  paddr_t *pa)
{
	size_t n = 0;

	for (; *va < end && n < UNMAP_BATCH; *va += PAGE_SIZE) {
		pte_t *pte = walk_leaf(pm->root, *va);

		if (!pte)
			continue;
		pa[n++] = pte_addr(*pte);
		__atomic_store_n(pte, 0, __ATOMIC_RELAXED);
	}
	return n;
}

/* A batch at a time: clear, flush every CPU that may hold the entries,
 * and only then give the frames back, so that no CPU can reach a frame
 * through a stale entry once it is someone else's. */
size_t vpmap_unmap(struct pmap *pm, vaddr_t va, size_t npages, int how)
{
	vaddr_t end = va + npages * PAGE_SIZE;
	paddr_t *pa = unmap_batch[cpu_id()];
	size_t total = 0;

	if (how == (VPMAP_UNREF | VPMAP_FLUSH_HERE))
		panic("vpmap_unmap: frames freed before the other CPUs flush");
	while (va < end) {
		vaddr_t first = va;
		size_t n = clear_batch(pm, &va, end, pa);

		if (!n)
			continue;
		flush_range(pm, first, (va - first) / PAGE_SIZE,
			    how & VPMAP_FLUSH_HERE);
		if (how & VPMAP_UNREF)
			for (size_t i = 0; i < n; i++)
				pmem_unref(pa[i]);
		total += n;
	}
	return total;
}

paddr_t vpmap_prune(struct pmap *pm, vaddr_t va)
{
	/* The entry pointing at the last-level table: with at least three
	 * levels it is never in the root, so the top-level slots every
	 * table shares stay as they are. */
	pte_t *parent = walk_to(pm->root, va, 1, false), *last;

	if (!parent || !pte_valid(*parent) || pte_is_leaf(*parent, 1))
		return 0;
	last = table_of(pte_addr(*parent));
	for (unsigned i = 0; i < PT_ENTRIES; i++)
		if (pte_valid(last[i]))
			return 0;
	__atomic_store_n(parent, 0, __ATOMIC_RELAXED);
	return V2P(last);
}

bool vpmap_lookup(struct pmap *pm, vaddr_t va, paddr_t *pa, unsigned *perm)
{
	pte_t *slot = canonical(va) ? walk(pm->root, va, false) : NULL;
	pte_t pte = slot ? __atomic_load_n(slot, __ATOMIC_ACQUIRE) : 0;

	if (!pte_valid(pte))
		return false;
	if (pa)
		*pa = pte_addr(pte);
	if (perm)
		*perm = pte_perm(pte);
	return true;
}

/* Does going from permissions old to new take an access right away (R, W
 * or X lost, or U changed either way)? PERM_COW is no right: dropping it
 * with a COW reuse needs no flush. */
static bool takes_rights(unsigned old, unsigned new)
{
	return (old & ~new &(PERM_R | PERM_W | PERM_X)) ||
	       ((old ^ new) & PERM_U);
}

size_t vpmap_protect(struct pmap *pm, vaddr_t va, size_t npages, unsigned perm)
{
	size_t n = 0;

	for (size_t i = 0; i < npages; i++, va += PAGE_SIZE) {
		pte_t *pte = walk_leaf(pm->root, va);
		if (!pte)
			continue;
		/* Only a right taken away needs a flush: a CPU still holding
		 * the weaker entry takes a spurious fault, which the fault
		 * policy answers with a flush of that page. */
		unsigned old = pte_perm(*pte);

		__atomic_store_n(pte, pte_make_leaf(pte_addr(*pte), perm),
				 __ATOMIC_RELEASE);
		if (takes_rights(old, perm))
			vpmap_flush_tlb(pm, va);
		n++;
	}
	return n;
}

/* Pages from va to the end of the last-level table that holds it. */
static size_t pages_left_in_table(vaddr_t va)
{
	return PT_ENTRIES - pt_index(va, 0);
}

/* Share the n entries from[0..n) of one last-level table of the source
 * (mapping va onwards) with dst: see vpmap_share_cow. dst's table is made
 * only when some entry is valid. */
static int share_table_run(pte_t *from, struct pmap *dst, vaddr_t va, size_t n)
{
	pte_t *to = NULL;

	for (size_t i = 0; i < n; i++) {
		pte_t pte = __atomic_load_n(&from[i], __ATOMIC_ACQUIRE);

		if (!pte_valid(pte))
			continue;
		if (!to && !(to = walk(dst->root, va, true)))
			return -1;
		if (pte_valid(to[i]))
			return -1;
		pte = pte_share_cow(pte);
		__atomic_store_n(&from[i], pte, __ATOMIC_RELEASE);
		__atomic_store_n(&to[i], pte, __ATOMIC_RELEASE);
		pmem_ref(pte_addr(pte));
	}
	return 0;
}

/* One last-level table at a time: a missing table of the source is
 * skipped whole, and each table is found once instead of once per page. */
int vpmap_share_cow(struct pmap *src, struct pmap *dst, vaddr_t va,
		    size_t npages)
{
	while (npages) {
		size_t n = MIN(npages, pages_left_in_table(va));
		pte_t *from = walk(src->root, va, false);

		if (from && share_table_run(from, dst, va, n) < 0)
			return -1;
		va += n * PAGE_SIZE;
		npages -= n;
	}
	return 0;
}

/* The CPUs other than this one that may hold pm's translations. */
static uint64_t other_cpus(struct pmap *pm)
{
	/* Pairs with the fence in vpmap_activate: either that CPU's bit is
	 * seen here, or it walks the table after the caller's change. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return __atomic_load_n(&pm->cpus, __ATOMIC_RELAXED) &
	       ~(1ull << cpu_id());
}

/* Is pm loaded on this CPU? The kernel's is always: its half is in every
 * table. */
static bool loaded_here(struct pmap *pm)
{
	return pm == &kernel_pmap || loaded_pmap[cpu_id()] == pm;
}

void vpmap_flush_tlb(struct pmap *pm, vaddr_t va)
{
	flush_range(pm, va, 1, false);
}

void vpmap_flush_tlb_all(struct pmap *pm)
{
	flush_range(pm, 0, SIZE_MAX, false);
}

/* Loading the pmap already loaded is skipped, and with it the flush: its
 * CPU set still has this CPU, so every change since was flushed here. */
void vpmap_activate(struct pmap *pm)
{
	int id = cpu_id();
	struct pmap *old = loaded_pmap[id];

	kernel_table_live = true;
	if (old == pm)
		return;
	__atomic_fetch_or(&pm->cpus, 1ull << id, __ATOMIC_SEQ_CST);
	loaded_pmap[id] = pm;
	arch_set_root(pm->root);
	/* Loading another root dropped old's entries (there are no ASIDs
	 * yet), so this CPU leaves its set. */
	if (old && old != &kernel_pmap)
		__atomic_fetch_and(&old->cpus, ~(1ull << id), __ATOMIC_RELEASE);
}

struct pmap *vpmap_current(void)
{
	return loaded_pmap[cpu_id()];
}

/* Table pages below the level-`level` table at pa, itself included. */
static size_t count_tree(paddr_t pa, int level)
{
	pte_t *table = table_of(pa);
	size_t n = 1;

	for (unsigned i = 0; i < PT_ENTRIES; i++)
		if (pte_valid(table[i]) && !pte_is_leaf(table[i], level))
			n += count_tree(pte_addr(table[i]), level - 1);
	return n;
}

size_t vpmap_table_pages(struct pmap *pm)
{
	pte_t *table = table_of(pm->root);
	size_t n = 1;

	for (unsigned i = 0; i < PT_KERNEL_SLOT_FIRST; i++)
		if (pte_valid(table[i]))
			n += count_tree(pte_addr(table[i]), PT_LEVELS - 2);
	return n;
}
