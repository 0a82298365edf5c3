/*
 * pmem: frames of usable RAM, each with a struct page and an atomic
 * reference count (see pmem.h).
 *
 *   pmem_frames.pages[]: one struct page per frame from .lo to .hi
 *   +------+------+------+------+------+------+----
 *   | used | free | free | slab | hole | free | ...
 *   +------+------+------+------+------+------+----
 *              |      ^             (holes, the kernel image and the
 *              +------+              initrd are PAGE_RESERVED forever)
 *            free list
 */
#include "mm/pmem.h"

#include <arch/arch.h>

#include "lib/failinject.h"
#include "lib/kprintf.h"
#include "lib/spinlock.h"
#include "lib/string.h"

uintptr_t kmap_offset;

static struct spinlock pmem_lock = SPINLOCK_INIT("pmem");
struct pmem_frames pmem_frames;
static struct page *free_list;
static size_t nfree, ntotal;

noreturn void pmem_bad_frame(const char *what, paddr_t pa)
{
	panic("%s: frame %p", what, (void *)pa);
}

static paddr_t page_addr(struct page *pg)
{
	return pmem_frames.lo +
	       ((paddr_t)(pg - pmem_frames.pages) << PAGE_SHIFT);
}

bool pmem_contains(paddr_t pa)
{
	return pa >= pmem_frames.lo && pa < pmem_frames.hi &&
	       pmem_frames.pages[(pa - pmem_frames.lo) >> PAGE_SHIFT].kind !=
		   PAGE_RESERVED;
}

/* What pmem_init keeps out of pmem, sorted by address and page-aligned
 * outward: the kernel image and the initrd (the boot module). */
static struct mem_range held[2];
static int nheld;

/* Add [base, base + size) to held, in address order. */
static void hold(paddr_t base, uint64_t size)
{
	paddr_t lo = ROUND_DOWN(base, PAGE_SIZE);
	paddr_t hi = ROUND_UP(base + size, PAGE_SIZE);
	int i = nheld++;

	for (; i > 0 && held[i - 1].base > lo; i--)
		held[i] = held[i - 1];
	held[i] = (struct mem_range){lo, hi - lo};
}

/* The usable RAM ranges minus the held ranges: calls fn on each piece that
 * remains, page-aligned inward, skipping empty pieces. */
static void for_each_piece(const struct boot_info *bi,
			   void (*fn)(paddr_t, paddr_t, void *), void *arg)
{
	for (int i = 0; i < bi->nram; i++) {
		paddr_t lo = ROUND_UP(bi->ram[i].base, PAGE_SIZE);
		paddr_t hi =
		    ROUND_DOWN(bi->ram[i].base + bi->ram[i].size, PAGE_SIZE);

		for (int h = 0; h < nheld && lo < hi; h++) {
			paddr_t cut = held[h].base, end = cut + held[h].size;
			if (end <= lo || cut >= hi)
				continue;
			if (lo < cut)
				fn(lo, cut, arg);
			lo = MIN(end, hi);
		}
		if (lo < hi)
			fn(lo, hi, arg);
	}
}

struct placement {
	uint64_t need;
	paddr_t found;
};

/* for_each_piece callback: remember the first piece of at least need bytes. */
static void find_room(paddr_t lo, paddr_t hi, void *arg)
{
	struct placement *p = arg;
	if (!p->found && hi - lo >= p->need)
		p->found = lo;
}

/* Put pg on the free list (caller holds pmem_lock, or pmem_init runs). */
static void free_push(struct page *pg)
{
	pg->kind = PAGE_FREE;
	pg->next = free_list;
	free_list = pg;
	nfree++;
}

/* for_each_piece callback: put every frame in [lo, hi) on the free list,
 * except those holding the pages array and frame 0. */
static void add_free(paddr_t lo, paddr_t hi, void *arg)
{
	const struct placement *array = arg;
	for (paddr_t pa = hi; pa > lo;) {
		pa -= PAGE_SIZE;
		if (pa == 0 ||
		    (pa >= array->found && pa < array->found + array->need))
			continue;
		free_push(pmem_page(pa));
		ntotal++;
	}
}

void pmem_init(const struct boot_info *bi, paddr_t reserved_base,
	       paddr_t reserved_end)
{
	struct placement array = {0, 0};

	pmem_frames.lo = ~(paddr_t)0;
	pmem_frames.hi = 0;
	for (int i = 0; i < bi->nram; i++) {
		pmem_frames.lo =
		    MIN(pmem_frames.lo, ROUND_DOWN(bi->ram[i].base, PAGE_SIZE));
		pmem_frames.hi =
		    MAX(pmem_frames.hi,
			ROUND_UP(bi->ram[i].base + bi->ram[i].size, PAGE_SIZE));
	}
	if (pmem_frames.hi <= pmem_frames.lo)
		panic("pmem_init: no usable RAM");
	pmem_frames.n = (pmem_frames.hi - pmem_frames.lo) >> PAGE_SHIFT;

	array.need =
	    ROUND_UP(((pmem_frames.hi - pmem_frames.lo) >> PAGE_SHIFT) *
			 sizeof(struct page),
		     PAGE_SIZE);
	nheld = 0;
	hold(reserved_base, reserved_end - reserved_base);
	if (bi->initrd_size)
		hold(bi->initrd_base, bi->initrd_size);
	for_each_piece(bi, find_room, &array);
	if (!array.found)
		panic("pmem_init: no room for %lu bytes of struct page",
		      (unsigned long)array.need);

	pmem_frames.pages = P2V(array.found);
	/* Every frame starts PAGE_RESERVED; add_free frees the usable ones. */
	memset(pmem_frames.pages, 0, array.need);
	free_list = NULL;
	nfree = ntotal = 0;
	for_each_piece(bi, add_free, &array);
}

void pmem_release(paddr_t base, uint64_t size)
{
	paddr_t lo = MAX(ROUND_DOWN(base, PAGE_SIZE), pmem_frames.lo);
	paddr_t hi = MIN(ROUND_UP(base + size, PAGE_SIZE), pmem_frames.hi);

	spin_lock(&pmem_lock);
	for (paddr_t pa = hi; pa > lo;) {
		struct page *pg = pmem_page(pa -= PAGE_SIZE);
		if (pg->kind != PAGE_RESERVED)
			pmem_bad_frame("pmem_release: not held", pa);
		free_push(pg);
		ntotal++;
	}
	spin_unlock(&pmem_lock);
}

paddr_t pmem_alloc(int flags)
{
	struct page *pg;

	if (!(flags & PMEM_NOINJECT) && failinject_fail(FAILINJECT_ALLOC))
		return 0;
	spin_lock(&pmem_lock);
	pg = free_list;
	if ((flags & PMEM_USER) && nfree <= PMEM_RESERVE)
		pg = NULL;
	if (pg) {
		free_list = pg->next;
		nfree--;
		pg->next = NULL;
		pg->kind = PAGE_USED;
		__atomic_store_n(&pg->refcount, 1, __ATOMIC_RELAXED);
	}
	spin_unlock(&pmem_lock);
	if (!pg)
		return 0;
	if (flags & PMEM_ZERO)
		arch_page_zero(P2V(page_addr(pg)));
	return page_addr(pg);
}

void pmem_last_unref(struct page *pg, paddr_t pa)
{
	if (pg->refcount < 0 || pg->kind != PAGE_USED)
		pmem_bad_frame("pmem_unref: free or reserved", pa);
	spin_lock(&pmem_lock);
	free_push(pg);
	spin_unlock(&pmem_lock);
}

size_t pmem_free_count(void)
{
	return __atomic_load_n(&nfree, __ATOMIC_RELAXED);
}

size_t pmem_total(void)
{
	return ntotal;
}
