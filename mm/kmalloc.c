/*
 * kmalloc: power-of-two slabs from 16 to 2048 bytes, whole frames above.
 *
 * Each slab page holds objects of one class. Its struct page records the
 * class, how many objects are in use and its own free-object list; the
 * pages of a class that have a free object are chained on partial[class].
 * A slab page whose last object is freed goes back to pmem, so the free
 * frame count returns to where it was once everything is kfree'd.
 */
#include "mm/kmalloc.h"

#include "lib/failinject.h"
#include "lib/kprintf.h"
#include "lib/spinlock.h"
#include "lib/string.h"
#include "mm/pmem.h"

#define SLAB_MIN_SHIFT 4 /* 16 bytes */
#define SLAB_CLASSES 8	 /* 16 .. 2048 */
#define PAGE_CLASS 0xff	 /* slab_class of a whole-page allocation */

struct free_obj {
	struct free_obj *next;
};

_Static_assert(SLAB_CLASSES + 1 == KMALLOC_CLASSES, "one count per class");

static struct spinlock kmalloc_lock = SPINLOCK_INIT("kmalloc");
static struct page *partial[SLAB_CLASSES];
/* Objects in use per class, the whole-frame ones last (atomic: those are
 * counted without the lock). */
static size_t in_use[KMALLOC_CLASSES];

static size_t class_size(int class)
{
	return (size_t)1 << (class + SLAB_MIN_SHIFT);
}

/* Count an object of class (PAGE_CLASS: a whole frame) in (+1) or out. */
static void count_object(int class, int delta)
{
	int c = class == PAGE_CLASS ? SLAB_CLASSES : class;

	__atomic_add_fetch(&in_use[c], (size_t)delta, __ATOMIC_RELAXED);
}

/* The smallest class holding size bytes, or PAGE_CLASS. */
static int size_class(size_t size)
{
	for (int c = 0; c < SLAB_CLASSES; c++)
		if (size <= class_size(c))
			return c;
	return PAGE_CLASS;
}

/* A fresh slab page for class, all objects free, or NULL. */
static struct page *slab_grow(int class)
{
	/* The kmalloc that needs it has had its chance to fail already. */
	paddr_t pa = pmem_alloc(PMEM_NOINJECT);
	struct page *pg;
	char *base;

	if (!pa)
		return NULL;
	pg = pmem_page(pa);
	pg->kind = PAGE_SLAB;
	pg->slab_class = class;
	pg->slab_used = 0;
	pg->slab_free = NULL;
	base = P2V(pa);
	for (size_t off = PAGE_SIZE; off >= class_size(class);) {
		struct free_obj *o;
		off -= class_size(class);
		o = (struct free_obj *)(base + off);
		o->next = pg->slab_free;
		pg->slab_free = o;
	}
	return pg;
}

/* Take pg off partial[class]. */
static void partial_remove(int class, struct page *pg)
{
	struct page **pp = &partial[class];
	while (*pp != pg)
		pp = &(*pp)->next;
	*pp = pg->next;
	pg->next = NULL;
}

static void *slab_alloc(int class)
{
	struct page *pg;
	struct free_obj *o;

	spin_lock(&kmalloc_lock);
	pg = partial[class];
	if (!pg) {
		pg = slab_grow(class);
		if (!pg) {
			spin_unlock(&kmalloc_lock);
			return NULL;
		}
		pg->next = NULL;
		partial[class] = pg;
	}
	o = pg->slab_free;
	pg->slab_free = o->next;
	pg->slab_used++;
	if (!pg->slab_free)
		partial_remove(class, pg);
	spin_unlock(&kmalloc_lock);
	return o;
}

void *kmalloc(size_t size)
{
	int class = size_class(size);
	void *p;

	if (size == 0 || size > KMALLOC_MAX ||
	    failinject_fail(FAILINJECT_ALLOC))
		return NULL;
	if (class == PAGE_CLASS) {
		paddr_t pa = pmem_alloc(PMEM_NOINJECT); /* decided above */
		if (!pa)
			return NULL;
		pmem_page(pa)->kind = PAGE_SLAB;
		pmem_page(pa)->slab_class = PAGE_CLASS;
		p = P2V(pa);
	} else {
		p = slab_alloc(class);
		if (!p)
			return NULL;
	}
	count_object(class, 1);
	memset(p, 0, size);
	return p;
}

void kfree(void *p)
{
	paddr_t pa;
	struct page *pg;
	struct free_obj *o = p;
	int class;

	if (!p)
		return;
	pa = ROUND_DOWN(V2P(p), PAGE_SIZE);
	pg = pmem_page(pa);
	if (pg->kind != PAGE_SLAB)
		panic("kfree: %p was not allocated by kmalloc", p);
	class = pg->slab_class;
	if (class == PAGE_CLASS) {
		if (V2P(p) != pa)
			panic("kfree: %p is not the start of an object", p);
		count_object(class, -1);
		pg->kind = PAGE_USED;
		pmem_unref(pa);
		return;
	}
	if ((V2P(p) - pa) % class_size(class))
		panic("kfree: %p is not the start of an object", p);

	count_object(class, -1);
	spin_lock(&kmalloc_lock);
	if (!pg->slab_free) { /* was full: it has room again */
		pg->next = partial[class];
		partial[class] = pg;
	}
	o->next = pg->slab_free;
	pg->slab_free = o;
	if (--pg->slab_used == 0) {
		partial_remove(class, pg);
		pg->kind = PAGE_USED;
		spin_unlock(&kmalloc_lock);
		pmem_unref(pa);
		return;
	}
	spin_unlock(&kmalloc_lock);
}

size_t kmalloc_in_use(int c)
{
	return __atomic_load_n(&in_use[c], __ATOMIC_RELAXED);
}

size_t kmalloc_class_size(int c)
{
	return c < SLAB_CLASSES ? class_size(c) : KMALLOC_MAX;
}
