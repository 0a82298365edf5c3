/*
 * kmalloc over pmem: every size it accepts, the memory it hands out (aligned,
 * zeroed, disjoint), how densely slabs pack, what happens when pmem runs
 * dry, and that kfree gives every frame back and refuses foreign pointers.
 */
#include <stdlib.h>
#include <string.h>

#include "mm/kmalloc.h"
#include "mm/pmem.h"
#include "tests/host/host.h"

static struct hoard hoard;

/* Make every free frame dirty, so that zeroing is really tested. */
static void dirty_free_frames(void)
{
	hoard_take(&hoard, 0);
	for (size_t i = 0; i < hoard.n; i++)
		memset(P2V(hoard.pa[i]), 0x5a, PAGE_SIZE);
	hoard_release(&hoard);
}

static bool all_bytes(const void *p, size_t n, uint8_t byte)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i] != byte)
			return false;
	return true;
}

static uint8_t *objs[KMALLOC_MAX + 1];

static int by_address(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return objs[x] < objs[y] ? -1 : objs[x] > objs[y];
}

/* Every size from 1 to KMALLOC_MAX at once: each object is 16-byte aligned,
 * zeroed, inside a kmalloc frame of RAM, disjoint from all others; freed in
 * a scrambled order, every frame comes back. */
static void test_kmalloc_every_size(void)
{
	static size_t order[KMALLOC_MAX];
	size_t free0 = pmem_free_count();
	uint64_t seed = 42;

	dirty_free_frames();
	for (size_t size = 1; size <= KMALLOC_MAX; size++) {
		uint8_t *p = objs[size] = kmalloc(size);
		paddr_t pa = V2P(p);

		CHECK(p);
		CHECK_EQ((uintptr_t)p % 16, 0);
		CHECK(pmem_contains(pa));
		CHECK_EQ(pmem_page(pa)->kind, PAGE_SLAB);
		CHECK(all_bytes(p, size, 0));
		memset(p, (uint8_t)size, size);
	}
	for (size_t size = 1; size <= KMALLOC_MAX; size++) {
		CHECK(all_bytes(objs[size], size, (uint8_t)size));
		order[size - 1] = size;
	}
	qsort(order, KMALLOC_MAX, sizeof(order[0]), by_address);
	for (size_t i = 0; i + 1 < KMALLOC_MAX; i++)
		CHECK(objs[order[i]] + order[i] <= objs[order[i + 1]]);

	for (size_t i = KMALLOC_MAX - 1; i > 0; i--) {
		size_t j = test_rand(&seed) % (i + 1), t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (size_t i = 0; i < KMALLOC_MAX; i++)
		kfree(objs[order[i]]);
	CHECK_EQ(pmem_free_count(), free0);
}

static void test_kmalloc_bad_sizes(void)
{
	size_t free0 = pmem_free_count();

	CHECK(kmalloc(0) == NULL);
	CHECK(kmalloc(KMALLOC_MAX + 1) == NULL);
	CHECK(kmalloc(SIZE_MAX) == NULL);
	CHECK_EQ(pmem_free_count(), free0);
	kfree(NULL);
	CHECK_EQ(pmem_free_count(), free0);
}

/* Objects of a class share frames, PAGE_SIZE / class of them per frame; a
 * size above half a page takes a frame of its own. */
static void test_kmalloc_packing(void)
{
	static void *p[1000];
	size_t free0 = pmem_free_count();
	uint64_t seed = 7;

	for (size_t i = 0; i < 1000; i++)
		CHECK((p[i] = kmalloc(24)) != NULL);
	CHECK_EQ(free0 - pmem_free_count(), (1000 + 127) / 128);
	for (size_t i = 999; i > 0; i--) {
		size_t j = test_rand(&seed) % (i + 1);
		void *t = p[i];
		p[i] = p[j];
		p[j] = t;
	}
	for (size_t i = 0; i < 1000; i++)
		kfree(p[i]);
	CHECK_EQ(pmem_free_count(), free0);

	p[0] = kmalloc(2048);
	p[1] = kmalloc(2048);
	CHECK_EQ(free0 - pmem_free_count(), 1);
	p[2] = kmalloc(2049);
	p[3] = kmalloc(KMALLOC_MAX);
	CHECK_EQ(free0 - pmem_free_count(), 3);
	CHECK_EQ((uintptr_t)p[3] % PAGE_SIZE, 0);
	for (int i = 0; i < 4; i++)
		kfree(p[i]);
	CHECK_EQ(pmem_free_count(), free0);
}

/* A freed object handed out again is zeroed again. */
static void test_kmalloc_reuse_zeroed(void)
{
	uint8_t *keep = kmalloc(64), *p = kmalloc(64), *q;

	CHECK(keep && p);
	memset(p, 0xff, 64);
	kfree(p);
	q = kmalloc(64);
	CHECK(q);
	CHECK(all_bytes(q, 64, 0));
	kfree(q);
	kfree(keep);
}

/* With pmem empty, kmalloc still serves a class from a partly used slab and
 * returns NULL for everything else, releasing its lock either way. */
static void test_kmalloc_out_of_memory(void)
{
	void *slab = kmalloc(16), *more, *other, *page;

	CHECK(slab);
	hoard_take(&hoard, 0);
	more = kmalloc(16);
	other = kmalloc(32);
	page = kmalloc(KMALLOC_MAX);
	kfree(more);
	kfree(slab);
	hoard_release(&hoard);
	CHECK(more);
	CHECK(other == NULL);
	CHECK(page == NULL);
	slab = kmalloc(32);
	CHECK(slab);
	kfree(slab);
}

static void do_kfree(void *p)
{
	kfree(p);
}

/* kfree of anything kmalloc did not return is a kernel bug. */
static void test_kfree_misuse_panics(void)
{
	size_t free0 = pmem_free_count();
	paddr_t frame = pmem_alloc(0);
	uint8_t *obj = kmalloc(64), *page = kmalloc(KMALLOC_MAX);

	CHECK(frame && obj && page);
	CHECK_PANICS(do_kfree, P2V(frame), "kfree");
	CHECK_PANICS(do_kfree, obj + 16, "not the start of an object");
	CHECK_PANICS(do_kfree, P2V(sim.hole_base), "kfree");
	CHECK_PANICS(do_kfree, P2V(sim.kimage_base + 64), "kfree");
	CHECK_PANICS(do_kfree, P2V(SIM_PHYS_BASE + SIM_RAM_SIZE), "not RAM");
	kfree(page);
	CHECK_PANICS(do_kfree, page, "kfree");
	pmem_unref(frame);
	CHECK_PANICS(do_kfree, P2V(frame), "kfree");
	kfree(obj);
	CHECK_EQ(pmem_free_count(), free0);
}

const struct test kmalloc_tests[] = {
    {"kmalloc_every_size", test_kmalloc_every_size, false},
    {"kmalloc_bad_sizes", test_kmalloc_bad_sizes, false},
    {"kmalloc_packing", test_kmalloc_packing, false},
    {"kmalloc_reuse_zeroed", test_kmalloc_reuse_zeroed, false},
    {"kmalloc_out_of_memory", test_kmalloc_out_of_memory, false},
    {"kfree_misuse_panics", test_kfree_misuse_panics, false},
    {NULL, NULL, false},
};
