/*
 * pmem: the physical frame allocator. Every 4 KiB frame of usable RAM has a
 * struct page holding an atomic reference count. pmem_alloc returns a frame
 * with count 1; pmem_unref frees it when the count drops to 0. Allocation
 * and freeing are O(1) (a free list threaded through struct page).
 */
#ifndef MM_PMEM_H
#define MM_PMEM_H

#include <arch/mmu.h>

#include "lib/types.h"

struct boot_info;

/* What a frame is used for, kept for kfree and for consistency checks.
 * PAGE_RESERVED frames (holes, the kernel image, the initrd, the struct
 * page array) are never allocated. */
enum page_kind { PAGE_RESERVED, PAGE_FREE, PAGE_USED, PAGE_SLAB };

struct page {
	int32_t refcount;   /* atomic; 0 when free */
	uint8_t kind;	    /* enum page_kind */
	uint8_t slab_class; /* kmalloc size class, when kind == PAGE_SLAB */
	uint16_t slab_used; /* kmalloc objects in use on this page */
	struct page *next;  /* next free frame, while free */
	void *slab_free;    /* first free kmalloc object, when a slab page */
};

/* Where the kernel reaches physical memory: physical address pa is at
 * virtual address pa + kmap_offset. The arch sets it to KMAP_BASE before
 * kmain; host tests point it at their simulated RAM. */
extern uintptr_t kmap_offset;

static inline void *P2V(paddr_t pa)
{
	return (void *)(uintptr_t)(pa + kmap_offset);
}

static inline paddr_t V2P(const void *va)
{
	return (paddr_t)((uintptr_t)va - kmap_offset);
}

#define PMEM_ZERO 0x1 /* pmem_alloc: fill the frame with zeros */
#define PMEM_USER                                                              \
	0x2 /* pmem_alloc: for user data; leaves PMEM_RESERVE free             \
	     */
/* pmem_alloc: an allocation injected failures never hit
 * (lib/failinject.h), for one that must not fail or was counted already;
 * each use says why. It still fails when memory is really exhausted. */
#define PMEM_NOINJECT 0x4
/* Frames only the kernel may take (page tables, stacks, its objects), so
 * a process that eats all memory cannot stop the kernel from cleaning up. */
#define PMEM_RESERVE 32

/* Take every frame of bi->ram except those in [reserved_base, reserved_end)
 * (the kernel image) and the initrd's (bi->initrd_*, which the files'
 * data is read from for as long as the kernel runs). Places the struct
 * page array in RAM itself. */
void pmem_init(const struct boot_info *bi, paddr_t reserved_base,
	       paddr_t reserved_end);

/* Hand the frames of [base, base + size), page-aligned outward, which
 * pmem_init held for the initrd, to the allocator: once its files are read
 * from elsewhere. Panics on a frame that was not held. */
void pmem_release(paddr_t base, uint64_t size);

/* A free frame with reference count 1 (zeroed with PMEM_ZERO), or 0 when
 * memory is exhausted (for PMEM_USER: when only the reserve is left) or
 * a failure is injected here (failinject=alloc:..., unless PMEM_NOINJECT).
 * Never returns physical address 0. */
paddr_t pmem_alloc(int flags);
/* The frame table, one struct page per frame in [lo, hi): pmem.c's, read
 * by the inline functions below (fork and exit call them once per page,
 * so they are not worth a call each, and each check is one branch: under
 * an emulator a branch is what a check costs). */
extern struct pmem_frames {
	struct page *pages;
	paddr_t lo, hi; /* page-aligned */
	size_t n;	/* frames: (hi - lo) / PAGE_SIZE */
} pmem_frames;

/* Panic about frame pa: what is wrong with it. */
noreturn void pmem_bad_frame(const char *what, paddr_t pa);
/* The slow end of pmem_unref, for frame pa whose count went to 0 or
 * below: back on the free list, or a panic (it was free or reserved). */
void pmem_last_unref(struct page *pg, paddr_t pa);

/* The struct page of an allocated-or-free frame; panics outside RAM (an
 * address below lo wraps to a huge index). */
static inline struct page *pmem_page(paddr_t pa)
{
	size_t i = (pa - pmem_frames.lo) >> PAGE_SHIFT;

	if (i >= pmem_frames.n)
		pmem_bad_frame("pmem_page: not RAM", pa);
	return &pmem_frames.pages[i];
}

/* Add a reference to an allocated frame. A free or reserved frame has
 * count 0, so one test catches both. */
static inline void pmem_ref(paddr_t pa)
{
	struct page *pg = pmem_page(pa);

	if (__atomic_fetch_add(&pg->refcount, 1, __ATOMIC_RELAXED) <= 0)
		pmem_bad_frame("pmem_ref: free or reserved", pa);
}

/* Drop a reference; the frame is freed when the count reaches 0 (and a
 * free or reserved frame, count 0, panics there). */
static inline void pmem_unref(paddr_t pa)
{
	struct page *pg = pmem_page(pa);

	if (__atomic_sub_fetch(&pg->refcount, 1, __ATOMIC_ACQ_REL) <= 0)
		pmem_last_unref(pg, pa);
}

/* The frame's current reference count (0 when free). */
static inline int pmem_refcount(paddr_t pa)
{
	return __atomic_load_n(&pmem_page(pa)->refcount, __ATOMIC_RELAXED);
}
/* Is pa inside a frame that pmem manages? */
bool pmem_contains(paddr_t pa);

size_t pmem_free_count(void); /* frames free now */
size_t pmem_total(void);      /* frames pmem manages (free + used) */

#endif
