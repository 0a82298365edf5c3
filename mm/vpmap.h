/*
 * vpmap: page-table operations, built on one walker (mm/vpmap.c) that is
 * generic in the number of levels. A page table is named by the physical
 * address of its root. Every operation works on 4 KiB pages; va must be
 * page-aligned. Mappings own a frame reference: vpmap_map takes over the
 * caller's reference, vpmap_unmap with VPMAP_UNREF gives it back to pmem.
 *
 * TLB: operations that weaken or remove a mapping flush it on this CPU when
 * the table is the current one; a new user mapping, or new rights on one,
 * need no flush (a stale, weaker entry only causes a spurious fault, and
 * mm_fault_resolve flushes the page when the table already allows the
 * access); a new kernel mapping is flushed on this CPU (a kernel fault
 * panics).
 */
#ifndef MM_VPMAP_H
#define MM_VPMAP_H

#include <arch/mmu.h>

#include "lib/types.h"

/* The kernel's own root: empty, and from now on the source of every new
 * root's kernel half. Called once (kmap_init; host tests). 0 when out of
 * memory. Its kernel-half top-level slots must all exist before the first
 * vpmap_create, since later ones would not be shared. */
paddr_t vpmap_create_kernel(void);

/* A new root: empty user half, kernel half shared with the kernel's own
 * table (kmap_root). Returns 0 when memory is exhausted. */
paddr_t vpmap_create(void);
/* Drop the reference of every user page still mapped, free every user-half
 * table and the root. The kernel half is left alone. */
void vpmap_destroy(paddr_t root);

/* Create every table on the way to va's leaf slot (without mapping it), so
 * a kernel area's top-level slot exists before roots copy the kernel half.
 * Returns 0, or -1 when out of memory. */
int vpmap_prepare(paddr_t root, vaddr_t va);

/* Map va -> pa with neutral permissions perm. Allocates missing tables.
 * Returns 0, or -1 when a table cannot be allocated or va is already mapped. */
int vpmap_map(paddr_t root, vaddr_t va, paddr_t pa, unsigned perm);

#define VPMAP_KEEP 0  /* vpmap_unmap: leave the frames' counts alone */
#define VPMAP_UNREF 1 /* vpmap_unmap: drop each mapped frame's reference */
/* Remove the mappings of npages pages from va (missing pages are skipped).
 * Returns the number of pages that were mapped. */
size_t vpmap_unmap(paddr_t root, vaddr_t va, size_t npages, int how);

/* Detach the last-level table that covers va if no entry in it is valid,
 * so a kernel area that shrinks can give its table pages back, and flush
 * this CPU's TLB. Returns the table's frame (0: nothing detached), which
 * the caller frees with pmem_unref once no CPU can still walk through the
 * old pointer (kstack_free: after tlb_shootdown). */
paddr_t vpmap_prune(paddr_t root, vaddr_t va);

/* Is va mapped? If so, store the frame and the neutral permissions (either
 * pointer may be NULL). */
bool vpmap_lookup(paddr_t root, vaddr_t va, paddr_t *pa, unsigned *perm);

/* Set the permissions of every mapped page in [va, va + npages pages).
 * Returns the number of pages changed. */
size_t vpmap_protect(paddr_t root, vaddr_t va, size_t npages, unsigned perm);

/* Share every mapped page of src in [va, va + npages pages) with dst for
 * copy-on-write: writable pages become read-only + COW in both tables, each
 * frame gains a reference for dst. src's TLB is NOT flushed: the caller
 * flushes it once after sharing every region (fork). Returns 0, or -1 when
 * dst runs out of table memory (what was shared stays shared: destroying
 * dst cleans up). */
int vpmap_share_cow(paddr_t src, paddr_t dst, vaddr_t va, size_t npages);

/* Flush one page / everything from this CPU's TLB, if root is current or
 * is the kernel's (whose half every table shares; a kernel page always). */
void vpmap_flush_tlb(paddr_t root, vaddr_t va);
void vpmap_flush_tlb_all(paddr_t root);

/* Make root the current page table on this CPU. */
void vpmap_activate(paddr_t root);
/* The root currently loaded on this CPU. */
paddr_t vpmap_current(void);

/* Count the table pages (not leaves) reachable in root's user half. */
size_t vpmap_table_pages(paddr_t root);

#endif
