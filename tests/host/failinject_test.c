/*
 * Injected failures (lib/failinject.h) and the unwinding of mm/ under
 * them: the switch's grammar, the nth and p rules and the spared
 * predicate, kmalloc and pmem_alloc failing where they are told to, and a
 * process's life in mm/ (an address space, its regions, faults, copies to
 * user memory, a copy-on-write fork and its faults, an eager fork, sbrk,
 * a vmmap picture) run again with its first, second, third ... allocation
 * failing, and with random ones: every failure comes back as its
 * documented result, and every frame and kmalloc object comes back.
 */
#include <arch/perm.h>
#include <stdio.h>
#include <string.h>

#include "lib/abi/errcode.h"
#include "lib/failinject.h"
#include "mm/addrspace.h"
#include "mm/fault.h"
#include "mm/kmalloc.h"
#include "mm/pmem.h"
#include "mm/uaccess.h"
#include "mm/vmmap.h"
#include "tests/host/host.h"

#define TEXT 0x400000ul /* R+X, one page, present */
#define DATA 0x401000ul /* R+W, DATA_PAGES pages, touched */
#define DATA_PAGES 3
#define HEAP 0x600000ul /* the heap: sbrk grows it, faults fill it */
#define HEAP_PAGES 4
#define PICTURE 0x700000ul /* R+W, where vmmap's picture goes */
#define PICTURE_PAGES 2

/* failinject_configure(spec) must succeed. */
static void configure(const char *spec)
{
	const char *why = NULL;

	if (failinject_configure(spec, &why) != ERR_OK)
		test_fail(__FILE__, __LINE__, "'%s' refused at '%s'", spec,
			  why ? why : "?");
}

/* failinject_configure(spec) must refuse it, at offset at of spec. */
static void refuse(const char *spec, size_t at)
{
	const char *why = NULL;

	if (failinject_configure(spec, &why) != ERR_INVAL)
		test_fail(__FILE__, __LINE__, "'%s' accepted", spec);
	else if (why != spec + at)
		test_fail(__FILE__, __LINE__, "'%s' refused at '%s', not '%s'",
			  spec, why ? why : "(null)", spec + at);
}

/* The switch's grammar: one rule per point, seed only with p, p in (0, 1],
 * nth from 1; a refusal points at what is wrong and changes no rule. */
static void test_failinject_parse(void)
{
	CALL(configure("alloc:nth=3"));
	CALL(configure("alloc:p=1/50"));
	CALL(configure("alloc:seed=7,p=1/50"));
	CALL(configure("alloc:p=1/1,seed=18446744073709551615"));
	failinject_reset();
	CALL(refuse("", 0));
	CALL(refuse("io:nth=3", 0));
	CALL(refuse("alloc", 0));
	CALL(refuse("alloc:", 6));
	CALL(refuse("alloc:nth=0", 10));
	CALL(refuse("alloc:nth=x", 10));
	CALL(refuse("alloc:nth=18446744073709551616", 10));
	CALL(refuse("alloc:p=0/5", 8));
	CALL(refuse("alloc:p=3/2", 8));
	CALL(refuse("alloc:p=1", 8));
	CALL(refuse("alloc:seed=3", 12));
	CALL(refuse("alloc:seed=3,nth=2", 18));
	CALL(refuse("alloc:nth=2,p=1/2", 17));
	CALL(refuse("alloc:nth=2;alloc:nth=3", 12));
	CALL(refuse("alloc:nth=2 x", 11));
	CALL(refuse("alloc:nth=2,", 12));
	failinject_arm(NULL);
	CHECK(!failinject_armed); /* the refusals left no rule */
	failinject_reset();
}

/* nth=3: the third kmalloc fails and only it; a kmalloc is one call even
 * when it takes a new slab frame, and a pmem_alloc another. */
static void test_failinject_nth(void)
{
	size_t in_use = kmalloc_in_use(2);
	void *a, *b, *c, *d;
	paddr_t pa;

	CALL(configure("alloc:nth=3"));
	failinject_arm(NULL);
	a = kmalloc(64);
	b = kmalloc(64);
	c = kmalloc(64);
	d = kmalloc(64);
	pa = pmem_alloc(0);
	CHECK(a && b && !c && d && pa);
	CHECK_EQ(failinject_calls(FAILINJECT_ALLOC), 5);
	CHECK_EQ(failinject_failures(FAILINJECT_ALLOC), 1);
	CHECK_EQ(kmalloc_in_use(2), in_use + 3);
	kfree(a);
	kfree(b);
	kfree(d);
	pmem_unref(pa);
	CHECK_EQ(kmalloc_in_use(2), in_use);
	failinject_reset();
	CHECK_EQ(failinject_calls(FAILINJECT_ALLOC), 0);
}

static bool spare_all(void)
{
	return true;
}

/* The failures drawn by seed at p=1/4 in 4000 calls: their number, and
 * in *first the call of the first one. */
static size_t draw(const char *spec, size_t *first)
{
	size_t n = 0;

	*first = 0;
	configure(spec);
	failinject_arm(NULL);
	for (size_t k = 1; k <= 4000; k++) {
		paddr_t pa = pmem_alloc(0);

		if (pa) {
			pmem_unref(pa);
		} else {
			n++;
			*first = *first ? *first : k;
		}
	}
	failinject_reset();
	return n;
}

/* p=1/4: about a quarter of the calls fail, the same ones for the same
 * seed, others for another; PMEM_NOINJECT and spared calls never fail and
 * are not counted. */
static void test_failinject_chance(void)
{
	size_t first1, again1, first2, n1 = draw("alloc:seed=1,p=1/4", &first1);
	size_t n1b = draw("alloc:seed=1,p=1/4", &again1);
	size_t n2 = draw("alloc:seed=2,p=1/4", &first2);

	CHECK(n1 > 800 && n1 < 1200);
	CHECK(n2 > 800 && n2 < 1200);
	CHECK_EQ(n1b, n1);
	CHECK_EQ(again1, first1);
	CHECK(n1 != n2 || first1 != first2);
	CALL(configure("alloc:p=1/1"));
	failinject_arm(NULL);
	CHECK(!pmem_alloc(0) && !kmalloc(16));
	paddr_t pa = pmem_alloc(PMEM_NOINJECT);
	CHECK(pa);
	pmem_unref(pa);
	CHECK_EQ(failinject_calls(FAILINJECT_ALLOC), 2);
	failinject_arm(spare_all);
	pa = pmem_alloc(0);
	CHECK(pa);
	pmem_unref(pa);
	CHECK_EQ(failinject_calls(FAILINJECT_ALLOC), 2);
	failinject_reset();
}

/* ---- A process's life in mm/, failing anywhere --------------------------- */

/* What one run of the life met: the results that were failures. */
struct life {
	unsigned failed; /* steps that reported running out of memory */
};

/* Result r of step what must be ok, or the failure it documents. */
#define EXPECT(life, ok, failure, what)                                        \
	do {                                                                   \
		if (!(ok) && !(failure)) {                                     \
			test_fail(__FILE__, __LINE__,                          \
				  "%s: neither success "                       \
				  "nor out of memory",                         \
				  what);                                       \
			return;                                                \
		}                                                              \
		(life)->failed += !(ok);                                       \
	} while (0)

/* A fault at va of as for access a: resolved, or refused for memory. */
static void fault(struct life *l, struct addrspace *as, vaddr_t va,
		  enum access a)
{
	struct verdict v = mm_user_fault(as, va, a);

	EXPECT(l, v.kind == VERDICT_RESOLVED,
	       v.kind == VERDICT_NOMEM && !strcmp(v.reason, "out of memory"),
	       "a fault");
}

/* The regions of a program, its text and stack top present, as exec
 * makes them; false when one could not be made (as is then released). */
static bool build(struct life *l, struct addrspace *as)
{
	struct memregion *text, *stack;

	text = as_add_memregion(as, TEXT, TEXT + PAGE_SIZE, PERM_RX);
	stack = as_add_memregion(as, USTACK_BOTTOM, USTACK_UPPERBOUND, PERM_RW);
	as->heap = as_add_memregion(as, HEAP, HEAP, PERM_RW);
	if (!text || !stack || !as->heap ||
	    !as_add_memregion(as, DATA, DATA + DATA_PAGES * PAGE_SIZE,
			      PERM_RW) ||
	    !as_add_memregion(as, PICTURE, PICTURE + PICTURE_PAGES * PAGE_SIZE,
			      PERM_RW) ||
	    !as_map_new_page(as, text, TEXT, true) ||
	    !as_map_new_page(as, stack, USTACK_UPPERBOUND - PAGE_SIZE, true)) {
		l->failed++;
		return false;
	}
	return true;
}

/* The copy helpers into and out of pages not yet present: 0 or ERR_NOMEM,
 * never ERR_FAULT (the range is good). */
static void copies(struct life *l, struct addrspace *as)
{
	static const char text[] = "fail anywhere, leak nothing";
	char back[sizeof(text)];
	int r;

	r = copy_to_user(as, USTACK_BOTTOM + 100, text, sizeof(text));
	EXPECT(l, r == 0, r == ERR_NOMEM, "copy_to_user");
	r = copy_from_user(as, back, USTACK_BOTTOM + 2 * PAGE_SIZE,
			   sizeof(back));
	EXPECT(l, r == 0, r == ERR_NOMEM, "copy_from_user");
	r = copy_str_from_user(as, back, USTACK_BOTTOM + 3 * PAGE_SIZE,
			       sizeof(back));
	EXPECT(l, r == 0, r == ERR_NOMEM, "copy_str_from_user");
}

/* sbrk up HEAP_PAGES pages, touch them, and down again. */
static void heap(struct life *l, struct addrspace *as)
{
	intptr_t old;

	as_lock(as);
	old = memregion_extend(as, as->heap, HEAP_PAGES * PAGE_SIZE);
	as_unlock(as);
	CHECK_EQ(old, HEAP);
	for (int i = 0; i < HEAP_PAGES; i++)
		CALL(fault(l, as, HEAP + i * PAGE_SIZE, ACCESS_WRITE));
	as_lock(as);
	memregion_extend(as, as->heap, -(intptr_t)(HEAP_PAGES * PAGE_SIZE));
	as_unlock(as);
}

/* A fork of parent: copy-on-write (or eager), then writes on both sides
 * (each a copy or a reuse); the child is released. */
static void fork_and_write(struct life *l, struct addrspace *parent, bool eager)
{
	struct addrspace *child = as_create();
	int err;

	EXPECT(l, child != NULL, true, "as_create");
	if (!child)
		return;
	as_lock(parent);
	err = eager ? as_copy_as(parent, child) : as_share_cow(parent, child);
	as_unlock(parent);
	EXPECT(l, err == 0, err == ERR_NOMEM, "fork");
	for (int i = 0; !err && i < DATA_PAGES; i++) {
		CALL(fault(l, child, DATA + i * PAGE_SIZE, ACCESS_WRITE));
		CALL(fault(l, parent, DATA + i * PAGE_SIZE, ACCESS_WRITE));
	}
	as_release(child);
}

/* One life: exec's building, faults, copies, sbrk, two forks, a picture,
 * exit. */
static void live(struct life *l)
{
	struct addrspace *as = as_create();
	int64_t size;

	if (!as) {
		l->failed++;
		return;
	}
	if (build(l, as)) {
		for (int i = 0; i < DATA_PAGES; i++)
			CALL(fault(l, as, DATA + i * PAGE_SIZE, ACCESS_WRITE));
		CALL(copies(l, as));
		CALL(heap(l, as));
		CALL(fork_and_write(l, as, false));
		CALL(fork_and_write(l, as, true));
		size =
		    vmmap_copy_out(as, as, PICTURE, PICTURE_PAGES * PAGE_SIZE);
		EXPECT(l, size > 0, size == ERR_NOMEM, "vmmap_copy_out");
	}
	as_release(as);
}

/* Run a life under rule spec; every frame and kmalloc object must come
 * back, and each failure injected must have shown as one. Return: the
 * failures injected. */
static size_t life_under(const char *spec)
{
	size_t free0 = pmem_free_count(), objs[KMALLOC_CLASSES], failures;
	struct life l = {0};

	for (int c = 0; c < KMALLOC_CLASSES; c++)
		objs[c] = kmalloc_in_use(c);
	configure(spec);
	failinject_arm(NULL);
	live(&l);
	failures = failinject_failures(FAILINJECT_ALLOC);
	failinject_reset();
	if (test_failed())
		return 0;
	if (pmem_free_count() != free0)
		test_fail(__FILE__, __LINE__, "%s: %ld frames leaked", spec,
			  (long)(free0 - pmem_free_count()));
	for (int c = 0; c < KMALLOC_CLASSES && !test_failed(); c++)
		if (kmalloc_in_use(c) != objs[c])
			test_fail(__FILE__, __LINE__,
				  "%s: %ld kmalloc objects leaked (class %zu)",
				  spec, (long)(kmalloc_in_use(c) - objs[c]),
				  kmalloc_class_size(c));
	if (!test_failed() && failures && !l.failed)
		test_fail(__FILE__, __LINE__, "%s: a failure went unseen",
			  spec);
	return failures;
}

/* The life with its N-th allocation failing, for every N it makes, then
 * with random failures from many seeds. */
static void test_failinject_unwind(void)
{
	char spec[64];
	size_t n;

	for (n = 1;; n++) {
		snprintf(spec, sizeof(spec), "alloc:nth=%zu", n);
		if (!life_under(spec))
			break;
	}
	CHECK(!test_failed());
	CHECK(n > 40); /* the life really allocates that much */
	for (unsigned seed = 1; seed <= 300 && !test_failed(); seed++) {
		snprintf(spec, sizeof(spec), "alloc:seed=%u,p=1/8", seed);
		life_under(spec);
	}
}

const struct test failinject_tests[] = {
    {"failinject_parse", test_failinject_parse, false},
    {"failinject_nth", test_failinject_nth, false},
    {"failinject_chance", test_failinject_chance, false},
    {"failinject_unwind", test_failinject_unwind, false},
    {NULL, NULL, false},
};
