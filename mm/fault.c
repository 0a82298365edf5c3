/*
 * The page-fault policy: one function, fed by both arches' decoded fault
 * records and by the copy-in/copy-out helpers.
 */
#include "mm/fault.h"

#include <arch/arch.h>
#include <arch/perm.h>

#include "lib/kprintf.h"
#include "lib/string.h"
#include "lib/wait.h"
#include "mm/addrspace.h"
#include "mm/pmem.h"
#include "mm/vpmap.h"

struct vm_counters vm_counters;
bool mm_fault_sleep;

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

const char *mm_pte_reason(vaddr_t va, enum access a, bool user)
{
	struct pmap *pm = vpmap_current();
	unsigned perm;

	/* Before its first vpmap_activate a CPU runs on the boot tables,
	 * whose kernel half the kernel's pmap describes. */
	if (!pm)
		pm = vpmap_kernel();
	if (!vpmap_lookup(pm, ROUND_DOWN(va, PAGE_SIZE), NULL, &perm))
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

/* The verdict of a refusal. */
static struct verdict refuse(enum verdict_kind kind, const char *reason)
{
	return (struct verdict){.kind = kind, .reason = reason};
}

static const struct verdict resolved = {.kind = VERDICT_RESOLVED};
static const struct verdict out_of_memory = {.kind = VERDICT_NOMEM,
					     .reason = "out of memory"};

/* Why no region holds va: the verdict for region r = NULL. */
static struct verdict no_region(vaddr_t va)
{
	vaddr_t stack_bottom = USTACK_BOTTOM;

	if (va >= USER_TOP)
		return refuse(VERDICT_BAD_ADDRESS, "kernel address");
	if (va < stack_bottom && va >= stack_bottom - PAGE_SIZE)
		return refuse(VERDICT_BAD_ADDRESS, "stack overflow");
	return refuse(VERDICT_BAD_ADDRESS, "bad address (no region)");
}

/* Why region r forbids access a, or NULL if it allows it. */
static const char *region_forbids(const struct memregion *r, enum access a)
{
	if (a == ACCESS_WRITE && !(r->perm & PERM_W))
		return "write to a read-only region";
	if (a == ACCESS_EXEC && !(r->perm & PERM_X))
		return "execute in a non-executable region";
	if (a == ACCESS_READ && !(r->perm & PERM_R))
		return "read of an unreadable region";
	return NULL;
}

/* A frame for a copy-on-write copy: a user frame, else one of the
 * kernel's reserve while the address space has fork credit; 0 if none.
 * The reserve is spared injected failures: fork's promise that its first
 * writes find a frame stands on it, as when user memory really ran out. */
static paddr_t cow_frame(struct addrspace *as)
{
	paddr_t pa = pmem_alloc(PMEM_USER);

	if (!pa && as->fork_credit > 0 && (pa = pmem_alloc(PMEM_NOINJECT)))
		as->fork_credit--;
	return pa;
}

/* A write to the copy-on-write page at va mapped to pa: the last holder
 * takes the frame back writable; anyone else gets a private copy. */
static struct verdict cow_resolve(struct addrspace *as, struct memregion *r,
				  vaddr_t va, paddr_t pa)
{
	paddr_t copy;

	if (pmem_refcount(pa) == 1) {
		vpmap_protect(&as->pmap, va, 1, r->perm | PERM_U);
		count(&vm_counters.num_cow_reuse);
		return resolved;
	}
	copy = cow_frame(as);
	if (!copy)
		return out_of_memory;
	arch_page_copy(P2V(copy), P2V(pa));
	vpmap_unmap(&as->pmap, va, 1, VPMAP_UNREF);
	if (vpmap_map(&as->pmap, va, copy, r->perm | PERM_U) < 0) {
		pmem_unref(copy);
		return out_of_memory;
	}
	count(&vm_counters.num_cow_copy);
	return resolved;
}

struct verdict mm_fault_resolve(struct addrspace *as, vaddr_t va, enum access a,
				unsigned attempt)
{
	vaddr_t page = ROUND_DOWN(va, PAGE_SIZE);
	struct memregion *r =
	    va < USER_TOP ? as_find_memregion(as, va, 1) : NULL;
	const char *why;
	paddr_t pa;
	unsigned perm;

	if (!r)
		return no_region(va);
	if ((why = region_forbids(r, a)))
		return refuse(VERDICT_PROTECTION, why);
	if (mm_fault_sleep && attempt == 0)
		return (struct verdict){.kind = VERDICT_WAIT};
	if (!vpmap_lookup(&as->pmap, page, &pa, &perm)) {
		if (!as_map_new_page(as, r, page, true))
			return out_of_memory;
		count(&vm_counters.num_zerofill);
		return resolved;
	}
	if (a == ACCESS_WRITE && !(perm & PERM_W)) {
		if (perm & PERM_COW)
			return cow_resolve(as, r, page, pa);
		return refuse(VERDICT_PROTECTION, "write to a read-only page");
	}
	/* Already allowed: another path resolved it first, or this CPU held
	 * a stale translation. Only this CPU's can be stale (a change that
	 * took a permission away shot down every CPU), so only it flushes. */
	arch_tlb_flush_page(page);
	return resolved;
}

struct verdict mm_user_fault(struct addrspace *as, vaddr_t va, enum access a)
{
	struct verdict v;
	unsigned attempt = 0;

	count(&vm_counters.num_pgfault);
	as_lock(as);
	while ((v = mm_fault_resolve(as, va, a, attempt++)).kind ==
	       VERDICT_WAIT)
		wait_pause();
	as_unlock(as);
	return v;
}
