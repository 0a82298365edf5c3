/* The picture of an address space, page by page (see vmmap.h). */
#include "mm/vmmap.h"

#include <arch/perm.h>

#include "lib/abi/errcode.h"
#include "lib/abi/vmmap-text.h"
#include "lib/kprintf.h"
#include "mm/addrspace.h"
#include "mm/pmem.h"
#include "mm/uaccess.h"
#include "mm/vpmap.h"

/* Page records gathered on the kernel stack for one copy_to_user. */
#define CHUNK_PAGES 32
/* The width of a picture line in meminfo. */
#define PICTURE_WIDTH 72

/* What region r of as is for. */
static unsigned region_kind(struct addrspace *as, struct memregion *r)
{
	if (r == as->heap)
		return VMMAP_HEAP;
	if (r->end == USTACK_UPPERBOUND)
		return VMMAP_STACK;
	if (r->perm & PERM_X)
		return VMMAP_TEXT;
	return r->perm & PERM_W ? VMMAP_DATA : VMMAP_RODATA;
}

/* The record of region r of as (as's lock held: sbrk cannot move its
 * end meanwhile). */
static struct vmmap_region region_record(struct addrspace *as,
					 struct memregion *r)
{
	vaddr_t end = r->end;

	return (struct vmmap_region){
	    .start = r->start,
	    .end = end,
	    .npages = (ROUND_UP(end, PAGE_SIZE) - r->start) / PAGE_SIZE,
	    .perm = (r->perm & PERM_R ? VMMAP_R : 0) |
		    (r->perm & PERM_W ? VMMAP_W : 0) |
		    (r->perm & PERM_X ? VMMAP_X : 0),
	    .kind = region_kind(as, r),
	};
}

struct vmmap_page vmmap_page_of(struct addrspace *as, vaddr_t va)
{
	struct vmmap_page p = {.state = VMMAP_ABSENT};
	paddr_t pa;
	unsigned perm;

	/* Under as's lock no one changes the entry, but the hardware may
	 * set its accessed and dirty bits meanwhile: vpmap_lookup reads it
	 * once. pmem_contains guards the frame number all the same, since
	 * pmem_refcount panics outside RAM. */
	if (!vpmap_lookup(&as->pmap, va, &pa, &perm) || !pmem_contains(pa))
		return p;
	if (perm & PERM_COW)
		p.state = VMMAP_COW;
	else
		p.state = perm & PERM_W ? VMMAP_WRITABLE : VMMAP_READONLY;
	p.refcount = (unsigned short)MIN(pmem_refcount(pa), 0xffff);
	p.frame = (unsigned)(pa / PAGE_SIZE);
	return p;
}

/* The bytes region record r and its page records take. */
static size_t record_size(const struct vmmap_region *r)
{
	return sizeof(*r) + r->npages * sizeof(struct vmmap_page);
}

/* The record of the first region of as that starts at from or above, in
 * *rec; false when there is none. Regions are looked up anew each time,
 * by address, since as's lock is let go between them. as's lock held. */
static bool region_from(struct addrspace *as, vaddr_t from,
			struct vmmap_region *rec)
{
	for (struct memregion *r = as->regions; r; r = r->next)
		if (r->start >= from) {
			*rec = region_record(as, r);
			return true;
		}
	return false;
}

/* The bytes the picture of as takes now. */
static size_t picture_size(struct addrspace *as)
{
	struct vmmap_region rec;
	size_t size = 0;

	as_lock(as);
	for (vaddr_t from = 0; region_from(as, from, &rec);
	     from = rec.start + 1)
		size += record_size(&rec);
	as_unlock(as);
	return size;
}

/* Make the n bytes at user address buf of dst present and writable, by
 * writing zeros there. Return: 0, ERR_FAULT or ERR_NOMEM. */
static int prefault(struct addrspace *dst, uintptr_t buf, size_t n)
{
	static const char zeros[256];
	int err = 0;

	for (size_t done = 0; done < n && !err; done += sizeof(zeros))
		err = copy_to_user(dst, buf + done, zeros,
				   MIN(n - done, sizeof(zeros)));
	return err;
}

/* Write the page records of region r of as at user address buf of dst, a
 * chunk at a time: each chunk read under as's lock, written without it
 * (as may be dst). Return: 0, ERR_FAULT or ERR_NOMEM. */
static int copy_pages(struct addrspace *as, const struct vmmap_region *r,
		      struct addrspace *dst, uintptr_t buf)
{
	struct vmmap_page chunk[CHUNK_PAGES];
	int err = 0;

	for (size_t i = 0; i < r->npages && !err; i += CHUNK_PAGES) {
		size_t n = MIN(r->npages - i, CHUNK_PAGES);

		as_lock(as);
		for (size_t j = 0; j < n; j++)
			chunk[j] =
			    vmmap_page_of(as, r->start + (i + j) * PAGE_SIZE);
		as_unlock(as);
		err = copy_to_user(dst, buf + i * sizeof(chunk[0]), chunk,
				   n * sizeof(chunk[0]));
	}
	return err;
}

/* Write the records of as at user address buf of dst while they fit in
 * len. Return: the size of them all (more than len if the owner grew as
 * since picture_size), ERR_FAULT or ERR_NOMEM. */
static int64_t copy_picture(struct addrspace *as, struct addrspace *dst,
			    uintptr_t buf, size_t len)
{
	struct vmmap_region rec;
	size_t at = 0;
	int err;

	for (vaddr_t from = 0;; from = rec.start + 1) {
		as_lock(as);
		bool more = region_from(as, from, &rec);
		as_unlock(as);
		if (!more)
			break;
		if (at + record_size(&rec) <= len &&
		    ((err = copy_to_user(dst, buf + at, &rec, sizeof(rec))) ||
		     (err = copy_pages(as, &rec, dst, buf + at + sizeof(rec)))))
			return err;
		at += record_size(&rec);
	}
	return (int64_t)at;
}

int64_t vmmap_copy_out(struct addrspace *as, struct addrspace *dst,
		       uintptr_t buf, size_t len)
{
	size_t size = picture_size(as);
	int err;

	if (size > len)
		return (int64_t)size;
	if ((err = prefault(dst, buf, size)))
		return err;
	return copy_picture(as, dst, buf, len);
}

/* What vmmap_render reads in the kernel: the live pages of a region. */
struct live_region {
	struct addrspace *as;
	vaddr_t start;
};

static struct vmmap_page live_page(const void *ctx, unsigned long i)
{
	const struct live_region *lr = ctx;

	return vmmap_page_of(lr->as, lr->start + i * PAGE_SIZE);
}

/* Print region r's summary line: range, permissions, page counts, kind. */
static void print_region(struct addrspace *as, const struct vmmap_region *r)
{
	size_t present = 0, cow = 0;
	char perm[4];

	for (size_t i = 0; i < r->npages; i++) {
		struct vmmap_page p =
		    vmmap_page_of(as, r->start + i * PAGE_SIZE);
		present += p.state != VMMAP_ABSENT;
		cow += p.state == VMMAP_COW;
	}
	kprintf("  [%p, %p) %s %6lu %7lu %4lu %9lu  %s\n", (void *)r->start,
		(void *)r->end, vmmap_perm_text(r->perm, perm),
		(unsigned long)r->npages, (unsigned long)present,
		(unsigned long)cow, (unsigned long)(r->npages - present),
		vmmap_kind_name(r->kind));
}

/* Print region r's picture, PICTURE_WIDTH characters a line. */
static void print_pages(struct addrspace *as, const struct vmmap_region *r)
{
	struct live_region lr = {as, r->start};
	char line[PICTURE_WIDTH + 1];

	for (size_t i = 0; i < r->npages;) {
		i = vmmap_render(live_page, &lr, i, r->npages, false, line,
				 sizeof(line));
		kprintf("      %s\n", line);
	}
}

void vmmap_print(struct addrspace *as)
{
	kprintf("  %-29s perm  pages present  cow untouched\n", "range");
	as_lock(as);
	for (struct memregion *r = as->regions; r; r = r->next) {
		struct vmmap_region rec = region_record(as, r);

		print_region(as, &rec);
		print_pages(as, &rec);
	}
	as_unlock(as);
}
