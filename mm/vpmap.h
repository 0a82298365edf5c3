/*
 * vpmap: page-table operations, built on one walker (mm/vpmap.c) that is
 * generic in the number of levels. A page table is an object, struct pmap
 * (as in BSD's pmap(9)): its root, the set of CPUs that may hold its
 * translations, and room for an address-space id. Every operation works on
 * 4 KiB pages; va must be page-aligned. Mappings own a frame reference:
 * vpmap_map takes over the caller's reference, vpmap_unmap with
 * VPMAP_UNREF gives it back to pmem.
 *
 * Locking: a user pmap changes only under its address space's lock
 * (mm/addrspace.h); the kernel's pmap under the lock of the area that
 * changes (mm/kstack.c). Readers of another address space take its lock.
 *
 * TLB: operations that weaken or remove a mapping flush it from every CPU
 * in the pmap's CPU set (this one directly, the others with a shootdown)
 * before they return, and only then free what they unmapped; a new user
 * mapping, or new rights on one, need no flush (a stale, weaker entry only
 * causes a spurious fault, and the fault policy flushes the page when the
 * table already allows the access); a new kernel mapping is flushed on
 * this CPU (a kernel fault panics).
 */
#ifndef MM_VPMAP_H
#define MM_VPMAP_H

#include <arch/mmu.h>

#include "lib/types.h"

struct pmap {
	paddr_t root; /* physical address of the top-level table */
	/* Bit i: CPU i may hold translations of this table. Set by
	 * vpmap_activate on CPU i before it loads the root, cleared once CPU
	 * i has loaded another (which drops them: no ASIDs yet). Atomic. The
	 * kernel's pmap has every bit: its half is in every table. */
	uint64_t cpus;
	/* An address-space id (PCID on x86_64, ASID on RISC-V): 0 for now,
	 * meaning none, so that a switch flushes. */
	unsigned asid;
};

/* The kernel's own pmap: empty, and from now on the source of every new
 * table's kernel half. Called once (kmap_init; host tests); NULL when out
 * of memory. Its kernel-half top-level slots must all exist before the
 * first vpmap_create, since later ones would not be shared. */
struct pmap *vpmap_create_kernel(void);
/* The kernel's pmap (NULL before vpmap_create_kernel). */
struct pmap *vpmap_kernel(void);

/* Make pm a new table: empty user half, kernel half shared with the
 * kernel's own table. 0, or -1 when memory is exhausted. */
int vpmap_create(struct pmap *pm);
/* Drop the reference of every user page still mapped, free every user-half
 * table and the root. The kernel half is left alone. No CPU may have pm
 * loaded any more. */
void vpmap_destroy(struct pmap *pm);

/* Create every table on the way to va's leaf slot (without mapping it), so
 * a kernel area's top-level slot exists before tables copy the kernel half.
 * Returns 0, or -1 when out of memory. */
int vpmap_prepare(struct pmap *pm, vaddr_t va);

/* Map va -> pa with neutral permissions perm. Allocates missing tables.
 * Returns 0, or -1 when a table cannot be allocated or va is already mapped. */
int vpmap_map(struct pmap *pm, vaddr_t va, paddr_t pa, unsigned perm);

/* vpmap_unmap's how: */
#define VPMAP_KEEP 0  /* leave the frames' counts alone */
#define VPMAP_UNREF 1 /* drop each mapped frame's reference */
/* ... or, with VPMAP_KEEP only, flush this CPU alone: the caller shoots the
 * other CPUs down itself (tlb_shootdown), before anything it unmapped is
 * freed (the ipi self-test, which watches another CPU's stale entry). */
#define VPMAP_FLUSH_HERE 2
/* Remove the mappings of npages pages from va (missing pages are skipped),
 * flush them from every CPU that may hold them, and then, with
 * VPMAP_UNREF, drop the frames' references. Returns the number of pages
 * that were mapped. */
size_t vpmap_unmap(struct pmap *pm, vaddr_t va, size_t npages, int how);

/* Detach the last-level table that covers va if no entry in it is valid,
 * so a kernel area that shrinks can give its table pages back. Returns
 * the table's frame (0: nothing detached), which the caller frees with
 * pmem_unref after a vpmap_flush_tlb_all of pm: until then a CPU's
 * paging-structure cache may still point at it. */
paddr_t vpmap_prune(struct pmap *pm, vaddr_t va);

/* Is va mapped? If so, store the frame and the neutral permissions (either
 * pointer may be NULL). The entry is read once, atomically. False for an
 * address no table can map (non-canonical). */
bool vpmap_lookup(struct pmap *pm, vaddr_t va, paddr_t *pa, unsigned *perm);

/* Set the permissions of every mapped page in [va, va + npages pages),
 * flushing those that lose a right. Returns the number of pages changed. */
size_t vpmap_protect(struct pmap *pm, vaddr_t va, size_t npages, unsigned perm);

/* Share every mapped page of src in [va, va + npages pages) with dst for
 * copy-on-write: writable pages become read-only + COW in both tables, each
 * frame gains a reference for dst. src's TLB is NOT flushed: the caller
 * flushes it once after sharing every region (fork). Returns 0, or -1 when
 * dst runs out of table memory (what was shared stays shared: destroying
 * dst cleans up). */
int vpmap_share_cow(struct pmap *src, struct pmap *dst, vaddr_t va,
		    size_t npages);

/* Flush one page / everything of pm from every CPU that may hold it: this
 * one if pm is loaded here (a kernel page always), the others in pm's CPU
 * set by a shootdown. */
void vpmap_flush_tlb(struct pmap *pm, vaddr_t va);
void vpmap_flush_tlb_all(struct pmap *pm);

/* Make pm the current page table on this CPU. */
void vpmap_activate(struct pmap *pm);
/* The pmap currently loaded on this CPU; NULL before its first
 * vpmap_activate (it runs on the boot tables). */
struct pmap *vpmap_current(void);

/* Count the table pages (not leaves) reachable in pm's user half. */
size_t vpmap_table_pages(struct pmap *pm);

#endif
