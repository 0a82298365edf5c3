/*
 * Address spaces and memregions: what a process may touch, as opposed to
 * what is mapped right now (the page table, vpmap). A memregion is a range
 * of pages with one set of permissions; a page inside a region may be
 * absent until first touched (the fault policy fills it).
 *
 *   0x400000                                              USTACK_UPPERBOUND
 *   | text R+X | data R+W | heap R+W -> ...     ... | stack R+W (10 pages) |
 *                         ^start     ^end (break)
 */
#ifndef MM_ADDRSPACE_H
#define MM_ADDRSPACE_H

#include "lib/sleeplock.h"
#include "lib/types.h"
#include "mm/vpmap.h"

#define USTACK_PAGES 10
/* The lowest address the user stack may grow down to. */
#define USTACK_BOTTOM (USTACK_UPPERBOUND - USTACK_PAGES * PAGE_SIZE)

struct memregion {
	vaddr_t start; /* page-aligned */
	vaddr_t end;   /* exclusive; the heap's end is the byte-exact break */
	unsigned perm; /* PERM_R / PERM_W / PERM_X (PERM_U is implied) */
	struct memregion *next; /* regions in increasing address order */
};

/*
 * The lock: a sleep lock, for its holder may sleep (inside a page fault,
 * waiting for a disk). The page tables and the regions of a live address
 * space change only under it; whoever reads another process's address
 * space (vmmap) takes it too. Taken by the fault path, the copy helpers,
 * fork (the parent's), sbrk and vmmap; never two at once; before any
 * spinlock (docs/smp.md, "Lock order"). An address space nobody else can
 * reach yet (exec and fork build the new one) or any more (the last
 * as_release) needs no lock.
 */
struct addrspace {
	struct pmap pmap;	   /* the page table */
	struct sleeplock lock;	   /* see above */
	struct memregion *regions; /* ordered, never overlapping (by page) */
	struct memregion *heap;	   /* the region sbrk moves, or NULL */
	int users; /* atomic: its owner, plus each as_hold not yet released */
	/* Frames its copy-on-write faults may still take from the kernel's
	 * reserve when no user frame is left: AS_FORK_CREDIT, renewed at
	 * each fork of it (as_share_cow), so that a process forking at the
	 * edge of memory is not killed by its own first writes after the
	 * fork because its other children took the frames meanwhile. */
	int fork_credit;
};

/* A new, empty address space (kernel half shared), or NULL; its owner
 * holds the one reference (as_release). */
struct addrspace *as_create(void);

/* The frames of fork_credit: the writes right after fork returns (the
 * stack page, one more). */
#define AS_FORK_CREDIT 2
/* Keep as from being freed while another process looks at it (vmmap); the
 * pointer must have been read under the lock its owner's exit and exec
 * take to let go of it (proc_lock). */
void as_hold(struct addrspace *as);
/* Drop a reference (the owner's, or an as_hold's): the last one frees
 * every page, table and region of as, and as itself. as must no longer be
 * loaded on any CPU by then. */
void as_release(struct addrspace *as);

/* Take / let go of as's lock (see struct addrspace). Inline: every page
 * fault takes it. */
static inline void as_lock(struct addrspace *as)
{
	sleeplock_lock(&as->lock);
}

static inline void as_unlock(struct addrspace *as)
{
	sleeplock_unlock(&as->lock);
}

/* Could [start, end) become a region of as: start page-aligned, inside
 * user space, overlapping no region (by page)? */
bool as_region_fits(struct addrspace *as, vaddr_t start, vaddr_t end);

/* Add the region [start, end) with perm (start page-aligned); no page is
 * mapped yet. Returns the region, or NULL when it does not fit
 * (as_region_fits) or memory runs out. */
struct memregion *as_add_memregion(struct addrspace *as, vaddr_t start,
				   vaddr_t end, unsigned perm);

/* The region containing [addr, addr + size) — the end rounded up to a page
 * and compared with the region's end rounded up — or NULL. */
struct memregion *as_find_memregion(struct addrspace *as, vaddr_t addr,
				    size_t size);

/* Make dst a deep copy of src: the same regions, every present page copied
 * into a frame of dst's own. Returns 0 or ERR_NOMEM (dst may then hold a
 * partial copy; as_release cleans it up). src's lock held. */
int as_copy_as(struct addrspace *src, struct addrspace *dst);

/* Make dst a copy-on-write copy of src (fork): the same regions; every
 * present page shared, writable ones made read-only + COW on both sides,
 * nothing copied. src's TLB is flushed once at the end, and its
 * fork_credit renewed. Returns 0 or ERR_NOMEM (as_release cleans up a
 * partial dst). src's lock held. */
int as_share_cow(struct addrspace *src, struct addrspace *dst);

/* Move region r's end by delta bytes (sbrk). Growing allocates nothing;
 * shrinking unmaps and frees the whole pages past the new end (and flushes
 * them). Returns the old end; ERR_NOMEM, changing nothing, when the new end
 * would reach the next region, leave user space or make the region larger
 * than all of RAM; shrinking below the start changes nothing either and
 * returns the current end. as's lock held. */
intptr_t memregion_extend(struct addrspace *as, struct memregion *r,
			  intptr_t delta);

/* Map a fresh frame at page va of as with region r's permissions; zeroed
 * when zero is true. Returns its kernel address, or NULL when out of memory.
 * as's lock held, unless nobody else can reach as yet. */
void *as_map_new_page(struct addrspace *as, struct memregion *r, vaddr_t va,
		      bool zero);

#endif
