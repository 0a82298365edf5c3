/*
 * vmmap, in this arch's PTE format over simulated RAM: the text of a picture
 * (lib/vmmap-text.h, shared by meminfo and pmap), the page records through
 * a whole copy-on-write story, the picture copied out to a process's buffer
 * (its own, or another's; too small, bad, and changing nothing it shows),
 * and an address space held by a reader outliving its owner's as_release.
 */
#include <arch/perm.h>
#include <string.h>

#include "lib/abi/errcode.h"
#include "lib/abi/vmmap-text.h"
#include "mm/addrspace.h"
#include "mm/fault.h"
#include "mm/pmem.h"
#include "mm/uaccess.h"
#include "mm/vmmap.h"
#include "mm/vpmap.h"
#include "tests/host/host.h"

#define TEXT 0x400000ul
#define HEAP 0x600000ul
#define HEAP_PAGES 4
#define BUF 0x800000ul /* a buffer region for copy-outs */
#define BUF_PAGES 4

/* Pages for the text tests, from a string: one letter a page, a digit
 * after it for its reference count (default 1). */
static size_t pages_of(const char *s, struct vmmap_page *pages)
{
	size_t n = 0;

	for (; *s; s++) {
		if (*s >= '0' && *s <= '9') {
			pages[n - 1].refcount = (unsigned short)(*s - '0');
			continue;
		}
		pages[n] = (struct vmmap_page){.state = (unsigned char)*s};
		pages[n].refcount = *s == '.' ? 0 : 1;
		n++;
	}
	return n;
}

static struct vmmap_page array_page(const void *ctx, unsigned long i)
{
	return ((const struct vmmap_page *)ctx)[i];
}

/* The whole text of pages, rendered in lines of size bytes and joined
 * with '|'. */
static void render_all(const struct vmmap_page *pages, size_t n, bool refs,
		       size_t size, char *out)
{
	char line[128];
	size_t i = 0;

	out[0] = '\0';
	while (i < n) {
		size_t next =
		    vmmap_render(array_page, pages, i, n, refs, line, size);
		CHECK(next > i);
		CHECK(strlen(line) < size);
		if (i > 0)
			strcat(out, "|");
		strcat(out, line);
		i = next;
	}
}

/* Render the pages s describes; the text must be want. */
static void expect_text(const char *s, bool refs, size_t size, const char *want)
{
	struct vmmap_page pages[64];
	size_t n = pages_of(s, pages);
	char got[1024];

	CALL(render_all(pages, n, refs, size, got));
	if (strcmp(got, want) != 0)
		test_fail(__FILE__, __LINE__, "'%s'%s: '%s', want '%s'", s,
			  refs ? " with refs" : "", got, want);
}

/* The notation: letters, counts, runs written out or counted, whichever
 * is shorter (out on a tie), and lines that break only between runs. */
static void test_vmmap_text(void)
{
	CALL(expect_text("rrr", false, 80, "rrr"));
	CALL(expect_text("ww.c", false, 80, "ww.c"));
	CALL(expect_text("....", false, 80, "...."));
	CALL(expect_text(".....", false, 80, ".{5}"));
	CALL(expect_text(".........w", false, 80, ".{9}w"));
	CALL(expect_text(".........w", true, 80, ".{9} w1"));
	CALL(expect_text("w1w1", true, 80, "w1 w1"));
	CALL(expect_text("w1w1w1", true, 80, "w1{3}"));
	CALL(expect_text("w1w2c2c2c2.", true, 80, "w1 w2 c2{3} ."));
	CALL(expect_text("w1w2c2c2c2.", false, 80, "wwccc."));
	CALL(expect_text("r2r2r2r2r2r2r2r2r2r2r2r2", true, 80, "r2{12}"));
	/* 9 columns and a NUL: a line ends before the run that would not
	 * fit, and that run starts the next line. */
	CALL(expect_text("w.w.w.w.w.w", false, 10, "w.w.w.w.w|.w"));
	CALL(expect_text("w1.w1.w1.", true, 10, "w1 . w1 .|w1 ."));
	CALL(expect_text("", false, 80, ""));
	CHECK(!strcmp(vmmap_kind_name(VMMAP_STACK), "stack"));
	CHECK(!strcmp(vmmap_kind_name(99), "?"));
}

/* The longest run fits in VMMAP_RUN_MAX: every call makes progress. */
static void test_vmmap_text_longest_run(void)
{
	static struct vmmap_page pages[70000];
	char line[VMMAP_RUN_MAX];

	for (size_t i = 0; i < 70000; i++)
		pages[i] = (struct vmmap_page){VMMAP_COW, 0, 65535, 1};
	CHECK_EQ(
	    vmmap_render(array_page, pages, 0, 70000, true, line, sizeof(line)),
	    70000);
	CHECK(!strcmp(line, "c65535{70000}"));
}

/* A new address space in *out: text (two pages, present, read-only), a
 * heap of HEAP_PAGES absent pages, and a buffer region of BUF_PAGES. */
static void make_process(struct addrspace **out)
{
	struct addrspace *as = *out = as_create();
	struct memregion *text;

	CHECK(as);
	text = as_add_memregion(as, TEXT, TEXT + 2 * PAGE_SIZE, PERM_RX);
	as->heap =
	    as_add_memregion(as, HEAP, HEAP + HEAP_PAGES * PAGE_SIZE, PERM_RW);
	CHECK(text && as->heap);
	CHECK(as_add_memregion(as, BUF, BUF + BUF_PAGES * PAGE_SIZE, PERM_RW));
	CHECK(as_map_new_page(as, text, TEXT, true));
	CHECK(as_map_new_page(as, text, TEXT + PAGE_SIZE, true));
}

/* vmmap_page_of under as's lock, as its contract asks. */
static struct vmmap_page page_of(struct addrspace *as, vaddr_t va)
{
	struct vmmap_page p;

	as_lock(as);
	p = vmmap_page_of(as, va);
	as_unlock(as);
	return p;
}

/* The frame page va of as maps (0: none). */
static paddr_t frame_at(struct addrspace *as, vaddr_t va)
{
	paddr_t pa = 0;

	vpmap_lookup(&as->pmap, va, &pa, NULL);
	return pa;
}

/* The record of page va of as must be state with count ref. */
static void expect_page(struct addrspace *as, vaddr_t va, char state,
			unsigned ref)
{
	struct vmmap_page p = page_of(as, va);

	CHECK_EQ(p.state, state);
	CHECK_EQ(p.refcount, ref);
	CHECK_EQ(p.frame, frame_at(as, va) / PAGE_SIZE);
}

/* Touch va in as for access a, as a user access would: the fault policy
 * must let it proceed. */
static void touch(struct addrspace *as, vaddr_t va, enum access a)
{
	struct verdict v = mm_user_fault(as, va, a);

	CHECK_EQ(v.kind, VERDICT_RESOLVED);
}

/* Fresh heap pages ., touched ones w1; after fork c2 on one frame in
 * both, text r2; the child's write: its page w1 on a new frame, the
 * parent's c1; the parent's write: w1 on its old frame. */
static void test_vmmap_cow_story(void)
{
	struct addrspace *parent, *child;
	paddr_t old;

	CALL(make_process(&parent));
	CALL(expect_page(parent, HEAP, '.', 0));
	CALL(touch(parent, HEAP, ACCESS_WRITE));
	CALL(touch(parent, HEAP + 2 * PAGE_SIZE, ACCESS_READ));
	CALL(expect_page(parent, HEAP, 'w', 1));
	CALL(expect_page(parent, HEAP + PAGE_SIZE, '.', 0));
	CALL(expect_page(parent, HEAP + 2 * PAGE_SIZE, 'w', 1));
	CALL(expect_page(parent, TEXT, 'r', 1));
	child = as_create();
	CHECK(child);
	as_lock(parent);
	CHECK_EQ(as_share_cow(parent, child), 0);
	as_unlock(parent);
	CALL(expect_page(parent, HEAP, 'c', 2));
	CALL(expect_page(child, HEAP, 'c', 2));
	CHECK_EQ(page_of(parent, HEAP).frame, page_of(child, HEAP).frame);
	CALL(expect_page(child, HEAP + PAGE_SIZE, '.', 0));
	CALL(expect_page(child, TEXT, 'r', 2));
	old = frame_at(parent, HEAP);
	CALL(touch(child, HEAP, ACCESS_WRITE));
	CALL(expect_page(child, HEAP, 'w', 1));
	CHECK(page_of(child, HEAP).frame != old / PAGE_SIZE);
	CALL(expect_page(parent, HEAP, 'c', 1));
	CALL(touch(parent, HEAP, ACCESS_WRITE));
	CALL(expect_page(parent, HEAP, 'w', 1));
	CHECK_EQ(page_of(parent, HEAP).frame, old / PAGE_SIZE);
	as_release(child);
	as_release(parent);
}

/* The size of as's picture: a region record and page records for each of
 * its three regions. */
static size_t picture_size(void)
{
	return 3 * sizeof(struct vmmap_region) +
	       (2 + HEAP_PAGES + BUF_PAGES) * sizeof(struct vmmap_page);
}

/* The picture copied into the buffer region of the process itself:
 * asking with a short length writes nothing and faults nothing in; a bad
 * buffer is ERR_FAULT; a good one gets regions and pages that agree with
 * vmmap_page_of, the buffer's own pages shown present. */
static void test_vmmap_copy_out(void)
{
	struct addrspace *as;
	struct vmmap_region r[3];
	struct vmmap_page pages[HEAP_PAGES];
	size_t size = picture_size();

	CALL(make_process(&as));
	CALL(touch(as, HEAP + PAGE_SIZE, ACCESS_WRITE));
	CHECK_EQ(vmmap_copy_out(as, as, BUF, size - 1), size);
	CHECK(!vpmap_lookup(&as->pmap, BUF, NULL, NULL));
	CHECK_EQ(vmmap_copy_out(as, as, 0, size), ERR_FAULT);
	CHECK_EQ(vmmap_copy_out(as, as, TEXT, size), ERR_FAULT);
	CHECK_EQ(vmmap_copy_out(as, as, BUF + BUF_PAGES * PAGE_SIZE - 8, size),
		 ERR_FAULT);
	CHECK_EQ(vmmap_copy_out(as, as, BUF, 1 << 20), size);
	CHECK_EQ(copy_from_user(as, &r[0], BUF, sizeof(r[0])), 0);
	CHECK_EQ(r[0].start, TEXT);
	CHECK_EQ(r[0].npages, 2);
	CHECK_EQ(r[0].perm, VMMAP_R | VMMAP_X);
	CHECK_EQ(r[0].kind, VMMAP_TEXT);
	CHECK_EQ(copy_from_user(as, &r[1],
				BUF + sizeof(r[0]) + 2 * sizeof(pages[0]),
				sizeof(r[1])),
		 0);
	CHECK_EQ(r[1].start, HEAP);
	CHECK_EQ(r[1].end, HEAP + HEAP_PAGES * PAGE_SIZE);
	CHECK_EQ(r[1].kind, VMMAP_HEAP);
	CHECK_EQ(copy_from_user(as, pages,
				BUF + 2 * sizeof(r[0]) + 2 * sizeof(pages[0]),
				sizeof(pages)),
		 0);
	CHECK_EQ(pages[0].state, '.');
	CHECK_EQ(pages[1].state, 'w');
	CHECK_EQ(pages[1].frame, page_of(as, HEAP + PAGE_SIZE).frame);
	CHECK_EQ(copy_from_user(as, &r[2],
				BUF + size - sizeof(r[2]) -
				    BUF_PAGES * sizeof(pages[0]),
				sizeof(r[2])),
		 0);
	CHECK_EQ(r[2].start, BUF);
	CHECK_EQ(r[2].kind, VMMAP_DATA);
	CHECK_EQ(copy_from_user(as, pages,
				BUF + size - BUF_PAGES * sizeof(pages[0]),
				sizeof(pages[0])),
		 0);
	CHECK_EQ(pages[0].state, 'w'); /* made present before the walk */
	as_release(as);
}

/* The picture of one address space copied into another's buffer (pmap of
 * another process): the reader's buffer is made present, the picture's
 * own buffer region stays untouched, and neither lock is left held. */
static void test_vmmap_copy_out_other(void)
{
	struct addrspace *as, *reader;
	struct vmmap_page pages[BUF_PAGES];
	size_t size = picture_size();

	CALL(make_process(&as));
	CALL(make_process(&reader));
	CHECK_EQ(vmmap_copy_out(as, reader, BUF, 1 << 20), size);
	CHECK(vpmap_lookup(&reader->pmap, BUF, NULL, NULL));
	CHECK(!vpmap_lookup(&as->pmap, BUF, NULL, NULL));
	CHECK_EQ(copy_from_user(reader, pages,
				BUF + size - BUF_PAGES * sizeof(pages[0]),
				sizeof(pages)),
		 0);
	for (size_t i = 0; i < BUF_PAGES; i++)
		CHECK_EQ(pages[i].state, '.');
	CHECK(!sleeplock_held(&as->lock));
	CHECK(!sleeplock_held(&reader->lock));
	as_release(reader);
	as_release(as);
}

/* A held address space survives its owner's as_release, whole, until the
 * last as_release frees it. */
static void test_vmmap_hold(void)
{
	size_t free0 = pmem_free_count();
	struct addrspace *as;

	CALL(make_process(&as));
	CALL(touch(as, HEAP, ACCESS_WRITE));
	as_hold(as);
	as_hold(as);
	as_release(as); /* the owner's */
	CHECK(pmem_free_count() < free0);
	CALL(expect_page(as, HEAP, 'w', 1));
	as_release(as);
	CALL(expect_page(as, TEXT, 'r', 1));
	as_release(as);
	CHECK_EQ(pmem_free_count(), free0);
}

const struct test vmmap_tests[] = {
    {"vmmap_text", test_vmmap_text, false},
    {"vmmap_text_longest_run", test_vmmap_text_longest_run, false},
    {"vmmap_cow_story", test_vmmap_cow_story, false},
    {"vmmap_copy_out", test_vmmap_copy_out, false},
    {"vmmap_copy_out_other", test_vmmap_copy_out_other, false},
    {"vmmap_hold", test_vmmap_hold, false},
    {NULL, NULL, false},
};
