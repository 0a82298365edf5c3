/* Address spaces and memregions (see addrspace.h). */
#include "mm/addrspace.h"

#include <arch/arch.h>
#include <arch/perm.h>

#include "lib/abi/errcode.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/pmem.h"
#include "mm/vpmap.h"

struct addrspace *as_create(void)
{
	struct addrspace *as = kmalloc(sizeof(*as));

	if (!as)
		return NULL;
	*as = (struct addrspace){.users = 1};
	if (vpmap_create(&as->pmap) < 0) {
		kfree(as);
		return NULL;
	}
	sleeplock_init(&as->lock, "addrspace");
	return as;
}

/* Free every page, table and region of as, and as itself. */
/* Tear as down: nobody else holds it now, but its page tables change
 * under its lock all the same, so that the rule has no exception (a
 * future reclaim that finds pages through their frames will rely on it). */
static void as_free(struct addrspace *as)
{
	struct memregion *r;

	as_lock(as);
	r = as->regions;
	while (r) {
		struct memregion *next = r->next;
		kfree(r);
		r = next;
	}
	as->regions = as->heap = NULL;
	vpmap_destroy(&as->pmap);
	as_unlock(as);
	kfree(as);
}

void as_hold(struct addrspace *as)
{
	__atomic_fetch_add(&as->users, 1, __ATOMIC_RELAXED);
}

void as_release(struct addrspace *as)
{
	if (__atomic_sub_fetch(&as->users, 1, __ATOMIC_ACQ_REL) == 0)
		as_free(as);
}

/* The number of pages a region spans. */
static size_t region_pages(const struct memregion *r)
{
	return (ROUND_UP(r->end, PAGE_SIZE) - r->start) / PAGE_SIZE;
}

/* The last region of as starting below start, or NULL. */
static struct memregion *region_before(struct addrspace *as, vaddr_t start)
{
	struct memregion *prev = NULL;

	for (struct memregion *r = as->regions; r && r->start < start;
	     r = r->next)
		prev = r;
	return prev;
}

bool as_region_fits(struct addrspace *as, vaddr_t start, vaddr_t end)
{
	struct memregion *prev = region_before(as, start);
	struct memregion *next = prev ? prev->next : as->regions;
	vaddr_t end_page = ROUND_UP(end, PAGE_SIZE);

	if ((start & (PAGE_SIZE - 1)) || end < start || end_page < end ||
	    end_page > USER_TOP)
		return false;
	/* Regions own whole pages: neither neighbour may reach into ours. */
	return !(next && next->start < end_page) &&
	       !(prev && ROUND_UP(prev->end, PAGE_SIZE) > start);
}

struct memregion *as_add_memregion(struct addrspace *as, vaddr_t start,
				   vaddr_t end, unsigned perm)
{
	struct memregion *prev = region_before(as, start), *r;
	struct memregion *next = prev ? prev->next : as->regions;

	if (!as_region_fits(as, start, end))
		return NULL;
	r = kmalloc(sizeof(*r));
	if (!r)
		return NULL;
	r->start = start;
	r->end = end;
	r->perm = perm;
	r->next = next;
	if (prev)
		prev->next = r;
	else
		as->regions = r;
	return r;
}

struct memregion *as_find_memregion(struct addrspace *as, vaddr_t addr,
				    size_t size)
{
	vaddr_t last = addr + (size ? size : 1) - 1; /* last byte asked for */

	if (last < addr)
		return NULL;
	for (struct memregion *r = as->regions; r && r->start <= addr;
	     r = r->next)
		if (last < ROUND_UP(r->end, PAGE_SIZE))
			return r;
	return NULL;
}

void *as_map_new_page(struct addrspace *as, struct memregion *r, vaddr_t va,
		      bool zero)
{
	paddr_t pa = pmem_alloc(PMEM_USER | (zero ? PMEM_ZERO : 0));

	if (!pa)
		return NULL;
	if (vpmap_map(&as->pmap, va, pa, r->perm | PERM_U) < 0) {
		pmem_unref(pa);
		return NULL;
	}
	return P2V(pa);
}

int as_copy_as(struct addrspace *src, struct addrspace *dst)
{
	for (struct memregion *r = src->regions; r; r = r->next) {
		struct memregion *copy =
		    as_add_memregion(dst, r->start, r->end, r->perm);
		if (!copy)
			return ERR_NOMEM;
		if (r == src->heap)
			dst->heap = copy;
		for (size_t i = 0; i < region_pages(r); i++) {
			vaddr_t va = r->start + i * PAGE_SIZE;
			paddr_t pa;
			void *page;

			if (!vpmap_lookup(&src->pmap, va, &pa, NULL))
				continue;
			page = as_map_new_page(dst, copy, va, false);
			if (!page)
				return ERR_NOMEM;
			arch_page_copy(page, P2V(pa));
		}
	}
	return 0;
}

int as_share_cow(struct addrspace *src, struct addrspace *dst)
{
	int err = 0;

	for (struct memregion *r = src->regions; r && !err; r = r->next) {
		struct memregion *copy =
		    as_add_memregion(dst, r->start, r->end, r->perm);
		if (!copy) {
			err = ERR_NOMEM;
			break;
		}
		if (r == src->heap)
			dst->heap = copy;
		if (vpmap_share_cow(&src->pmap, &dst->pmap, r->start,
				    region_pages(r)) < 0)
			err = ERR_NOMEM;
	}
	/* Once, for every page made read-only: until now this CPU may still
	 * hold writable translations of them, and a write through one would
	 * reach the child's copy too. */
	vpmap_flush_tlb_all(&src->pmap);
	src->fork_credit = AS_FORK_CREDIT;
	return err;
}

intptr_t memregion_extend(struct addrspace *as, struct memregion *r,
			  intptr_t delta)
{
	vaddr_t old_end = r->end, new_end = old_end + delta;
	vaddr_t limit = r->next ? r->next->start : USER_TOP;
	uint64_t max_size = (uint64_t)pmem_total() * PAGE_SIZE;

	if (delta > 0 && (new_end < old_end || new_end > limit ||
			  new_end - r->start > max_size))
		return ERR_NOMEM;
	/* Shrinking below the start changes nothing (the course's rule). */
	if (delta < 0 && (new_end > old_end || new_end < r->start))
		return (intptr_t)old_end;
	if (delta < 0) {
		vaddr_t first = ROUND_UP(new_end, PAGE_SIZE);
		vpmap_unmap(&as->pmap, first,
			    (ROUND_UP(old_end, PAGE_SIZE) - first) / PAGE_SIZE,
			    VPMAP_UNREF);
	}
	r->end = new_end;
	return (intptr_t)old_end;
}
