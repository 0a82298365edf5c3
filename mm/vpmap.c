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
#include "lib/kprintf.h"
#include "lib/string.h"
#include "mm/pmem.h"

static paddr_t kernel_root;
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

/* The last-level PTE for va in root, or NULL when a table on the way is
 * missing and alloc is false or no frame is left for it. With alloc, the
 * missing tables are created (zeroed: every entry invalid). */
static pte_t *walk(paddr_t root, vaddr_t va, bool alloc)
{
	pte_t *table = table_of(root);

	if (va >= USER_TOP && va < KMAP_BASE)
		panic("walk: %p is not a canonical address", (void *)va);
	for (int level = PT_LEVELS - 1; level > 0; level--) {
		pte_t *pte = &table[pt_index(va, level)];

		if (pte_valid(*pte)) {
			if (pte_is_leaf(*pte, level))
				panic("walk: large page at %p", (void *)va);
			table = table_of(pte_addr(*pte));
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
		/* Release: a reader on another CPU (vmmap of this process)
		 * that sees the pointer sees the zeroed table behind it. */
		__atomic_store_n(pte, pte_make_table(t), __ATOMIC_RELEASE);
		table = table_of(t);
	}
	return &table[pt_index(va, 0)];
}

/* The mapped leaf for va, or NULL. */
static pte_t *walk_leaf(paddr_t root, vaddr_t va)
{
	pte_t *pte = walk(root, va, false);
	return pte && pte_valid(*pte) ? pte : NULL;
}

paddr_t vpmap_create_kernel(void)
{
	if (kernel_root)
		panic("vpmap_create_kernel: called twice");
	kernel_root = pmem_alloc(PMEM_ZERO);
	return kernel_root;
}

paddr_t vpmap_create(void)
{
	paddr_t root = pmem_alloc(PMEM_ZERO);

	if (!root)
		return 0;
	kernel_half_shared = true;
	if (kernel_root)
		memcpy(&table_of(root)[PT_KERNEL_SLOT_FIRST],
		       &table_of(kernel_root)[PT_KERNEL_SLOT_FIRST],
		       (PT_ENTRIES - PT_KERNEL_SLOT_FIRST) * sizeof(pte_t));
	return root;
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

void vpmap_destroy(paddr_t root)
{
	pte_t *table = table_of(root);

	if (root == kernel_root)
		panic("vpmap_destroy: the kernel's root");
	if (root == vpmap_current())
		panic("vpmap_destroy: root %p is in use", (void *)root);
	for (unsigned i = 0; i < PT_KERNEL_SLOT_FIRST; i++) {
		pte_t pte = table[i];
		if (!pte_valid(pte))
			continue;
		if (pte_is_leaf(pte, PT_LEVELS - 1))
			panic("vpmap_destroy: large page in slot %u", i);
		free_tree(pte_addr(pte), PT_LEVELS - 2);
	}
	pmem_unref(root);
}

int vpmap_prepare(paddr_t root, vaddr_t va)
{
	return walk(root, va, true) ? 0 : -1;
}

int vpmap_map(paddr_t root, vaddr_t va, paddr_t pa, unsigned perm)
{
	pte_t *pte;

	if (!(perm & PERM_R))
		panic("vpmap_map: %p without read permission", (void *)va);
	pte = walk(root, va, true);
	if (!pte || pte_valid(*pte))
		return -1;
	*pte = pte_make_leaf(pa, perm);
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

/* Flush [va, va + npages pages) after an unmap: page by page, or all at
 * once for a long range. */
static void flush_range(paddr_t root, vaddr_t va, size_t npages)
{
	if (npages > FLUSH_ALL_ABOVE) {
		vpmap_flush_tlb_all(root);
		return;
	}
	for (size_t i = 0; i < npages; i++)
		vpmap_flush_tlb(root, va + i * PAGE_SIZE);
}

/* The frames of unmapped pages may be freed before the TLB is flushed at
 * the end: only this CPU can hold their translations (a process runs on
 * one CPU at a time), and it does not run user code in between. */
size_t vpmap_unmap(paddr_t root, vaddr_t va, size_t npages, int how)
{
	size_t n = 0;

	for (size_t i = 0; i < npages; i++) {
		pte_t *pte = walk_leaf(root, va + i * PAGE_SIZE);
		paddr_t pa;

		if (!pte)
			continue;
		pa = pte_addr(*pte);
		*pte = 0;
		if (how == VPMAP_UNREF)
			pmem_unref(pa);
		n++;
	}
	if (n)
		flush_range(root, va, npages);
	return n;
}

paddr_t vpmap_prune(paddr_t root, vaddr_t va)
{
	pte_t *table = table_of(root), *parent = NULL, *last;

	for (int level = PT_LEVELS - 1; level > 0; level--) {
		parent = &table[pt_index(va, level)];
		if (!pte_valid(*parent) || pte_is_leaf(*parent, level))
			return 0;
		table = table_of(pte_addr(*parent));
	}
	last = table;
	for (unsigned i = 0; i < PT_ENTRIES; i++)
		if (pte_valid(last[i]))
			return 0;
	/* With at least three levels the parent is never the root, so the
	 * top-level slots every root shares stay as they are. */
	*parent = 0;
	/* Paging-structure caches may hold the old pointer: drop this CPU's
	 * now; the caller frees the table once every CPU has dropped them. */
	arch_tlb_flush_all();
	return V2P(last);
}

bool vpmap_lookup(paddr_t root, vaddr_t va, paddr_t *pa, unsigned *perm)
{
	pte_t *pte = walk_leaf(root, va);

	if (!pte)
		return false;
	if (pa)
		*pa = pte_addr(*pte);
	if (perm)
		*perm = pte_perm(*pte);
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

size_t vpmap_protect(paddr_t root, vaddr_t va, size_t npages, unsigned perm)
{
	size_t n = 0;

	for (size_t i = 0; i < npages; i++, va += PAGE_SIZE) {
		pte_t *pte = walk_leaf(root, va);
		if (!pte)
			continue;
		/* Only a right taken away needs a flush: a CPU still holding
		 * the weaker entry takes a spurious fault, which the fault
		 * policy answers with a flush of that page. */
		unsigned old = pte_perm(*pte);

		*pte = pte_make_leaf(pte_addr(*pte), perm);
		if (takes_rights(old, perm))
			vpmap_flush_tlb(root, va);
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
static int share_table_run(pte_t *from, paddr_t dst, vaddr_t va, size_t n)
{
	pte_t *to = NULL;

	for (size_t i = 0; i < n; i++) {
		pte_t pte = from[i];

		if (!pte_valid(pte))
			continue;
		if (!to && !(to = walk(dst, va, true)))
			return -1;
		if (pte_valid(to[i]))
			return -1;
		pte = pte_share_cow(pte);
		from[i] = to[i] = pte;
		pmem_ref(pte_addr(pte));
	}
	return 0;
}

/* One last-level table at a time: a missing table of the source is
 * skipped whole, and each table is found once instead of once per page. */
int vpmap_share_cow(paddr_t src, paddr_t dst, vaddr_t va, size_t npages)
{
	while (npages) {
		size_t n = MIN(npages, pages_left_in_table(va));
		pte_t *from = walk(src, va, false);

		if (from && share_table_run(from, dst, va, n) < 0)
			return -1;
		va += n * PAGE_SIZE;
		npages -= n;
	}
	return 0;
}

void vpmap_flush_tlb(paddr_t root, vaddr_t va)
{
	if (is_kernel_va(va) || root == vpmap_current())
		arch_tlb_flush_page(va);
}

void vpmap_flush_tlb_all(paddr_t root)
{
	if (root == kernel_root || root == vpmap_current())
		arch_tlb_flush_all();
}

/* Loading the root already loaded is skipped, and with it the flush: a
 * table stays loaded only while its address space is alive, and nobody
 * changes a process's table but the process itself (or fork, before the
 * child runs), so this CPU's entries for it are still right. */
void vpmap_activate(paddr_t root)
{
	kernel_table_live = true;
	if (mycpu()->root == root)
		return;
	mycpu()->root = root;
	arch_set_root(root);
}

paddr_t vpmap_current(void)
{
	return mycpu()->root;
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

size_t vpmap_table_pages(paddr_t root)
{
	pte_t *table = table_of(root);
	size_t n = 1;

	for (unsigned i = 0; i < PT_KERNEL_SLOT_FIRST; i++)
		if (pte_valid(table[i]))
			n += count_tree(pte_addr(table[i]), PT_LEVELS - 2);
	return n;
}
