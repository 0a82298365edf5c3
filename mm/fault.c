/*
 * The page-fault policy: one function, fed by both arches' decoded fault
 * records and by the copy-in/copy-out helpers.
 */
#include "mm/fault.h"

#include <arch/arch.h>
#include <arch/perm.h>

#include "kernel/proc.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "mm/addrspace.h"
#include "mm/pmem.h"
#include "mm/vpmap.h"

struct vm_counters vm_counters;

/* Counters are bumped by every CPU: atomically. */
static void count(size_t *counter)
{
	__atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

const char *access_name(enum access a)
{
	switch (a) {
	case ACCESS_READ:
		return "read";
	case ACCESS_WRITE:
		return "write";
	case ACCESS_EXEC:
		return "execute";
	}
	return "?";
}

/* Why the current page table refuses access a at va, in words. */
static const char *pte_reason(vaddr_t va, enum access a, bool user)
{
	unsigned perm;

	if (!vpmap_lookup(vpmap_current(), ROUND_DOWN(va, PAGE_SIZE), NULL,
			  &perm))
		return "not present";
	if (user && !(perm & PERM_U))
		return "kernel-only page";
	if (!user && (perm & PERM_U))
		return "user page";
	if (a == ACCESS_WRITE && !(perm & PERM_W))
		return "read-only page";
	if (a == ACCESS_EXEC && !(perm & PERM_X))
		return "no-execute page";
	return "allowed by the page table: stale TLB entry?";
}

/* Why region r (NULL: none) forbids access a at va, or NULL if it allows it. */
static const char *region_reason(struct memregion *r, vaddr_t va, enum access a)
{
	vaddr_t stack_bottom = USTACK_BOTTOM;

	if (!r) {
		if (va >= USER_TOP)
			return "kernel address";
		if (va < stack_bottom && va >= stack_bottom - PAGE_SIZE)
			return "stack overflow";
		return "bad address (no region)";
	}
	if (a == ACCESS_WRITE && !(r->perm & PERM_W))
		return "write to a read-only region";
	if (a == ACCESS_EXEC && !(r->perm & PERM_X))
		return "execute in a non-executable region";
	if (a == ACCESS_READ && !(r->perm & PERM_R))
		return "read of an unreadable region";
	return NULL;
}

/* A write to the copy-on-write page at va mapped to pa: the last holder
 * takes the frame back writable; anyone else gets a private copy. */
static const char *cow_resolve(struct addrspace *as, struct memregion *r,
			       vaddr_t va, paddr_t pa)
{
	paddr_t copy;

	if (pmem_refcount(pa) == 1) {
		vpmap_protect(as->root, va, 1, r->perm | PERM_U);
		count(&vm_counters.num_cow_reuse);
		return NULL;
	}
	copy = pmem_alloc(PMEM_USER);
	if (!copy)
		return "out of memory";
	arch_page_copy(P2V(copy), P2V(pa));
	vpmap_unmap(as->root, va, 1, VPMAP_UNREF);
	if (vpmap_map(as->root, va, copy, r->perm | PERM_U) < 0) {
		pmem_unref(copy);
		return "out of memory";
	}
	count(&vm_counters.num_cow_copy);
	return NULL;
}

const char *mm_fault_resolve(struct addrspace *as, vaddr_t va, enum access a)
{
	vaddr_t page = ROUND_DOWN(va, PAGE_SIZE);
	struct memregion *r =
	    va < USER_TOP ? as_find_memregion(as, va, 1) : NULL;
	const char *why = region_reason(r, va, a);
	paddr_t pa;
	unsigned perm;

	if (why)
		return why;
	if (!vpmap_lookup(as->root, page, &pa, &perm)) {
		if (!as_map_new_page(as, r, page, true))
			return "out of memory";
		count(&vm_counters.num_zerofill);
		return NULL;
	}
	if (a == ACCESS_WRITE && !(perm & PERM_W)) {
		if (perm & PERM_COW)
			return cow_resolve(as, r, page, pa);
		return "write to a read-only page";
	}
	/* Already allowed: another path resolved it first, or this CPU held
	 * a stale translation. */
	vpmap_flush_tlb(as->root, page);
	return NULL;
}

void mm_page_fault(const struct fault *f)
{
	const char *why;

	if (!f->user)
		panic_at(f->pc, f->fp,
			 "page fault: kernel %s at %p (%s), pc %pS",
			 access_name(f->access), (void *)f->addr,
			 pte_reason(f->addr, f->access, false), (void *)f->pc);
	count(&vm_counters.num_pgfault);
	why = mm_fault_resolve(proc_current()->as, f->addr, f->access);
	if (why)
		proc_kill_current(why, f->pc, f->addr, access_name(f->access));
}
