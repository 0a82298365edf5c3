/*
 * pmem over the simulated RAM of host_arch.c: which frames it manages, that
 * it hands each out once, zeroes on request, counts references, and panics
 * on frames that are free or not its own.
 */
#include <string.h>

#include "mm/pmem.h"
#include "tests/host/host.h"

void hoard_take(struct hoard *h, size_t leave)
{
	h->n = 0;
	while (pmem_free_count() > leave && (h->pa[h->n] = pmem_alloc(0)))
		h->n++;
}

void hoard_release(struct hoard *h)
{
	while (h->n)
		pmem_unref(h->pa[--h->n]);
}

/* Is the frame at pa wholly inside one of the boot loader's RAM ranges? */
static bool in_ram(paddr_t pa)
{
	for (int i = 0; i < sim.bi.nram; i++)
		if (pa >= sim.bi.ram[i].base &&
		    pa + PAGE_SIZE <= sim.bi.ram[i].base + sim.bi.ram[i].size)
			return true;
	return false;
}

static bool overlaps(paddr_t pa, paddr_t base, paddr_t end)
{
	return pa < end && pa + PAGE_SIZE > base;
}

/* Where pmem put its struct page array: at pages[0], the frame of the
 * lowest RAM address, one struct page per frame up to the highest. */
static paddr_t array_base(void)
{
	return V2P(pmem_page(SIM_PHYS_BASE));
}

static paddr_t array_end(void)
{
	return array_base() +
	       ROUND_UP(SIM_FRAMES * sizeof(struct page), PAGE_SIZE);
}

/* Should pmem hand out the frame at pa? */
static bool usable(paddr_t pa)
{
	return pa != 0 && in_ram(pa) &&
	       !overlaps(pa, sim.kimage_base, sim.kimage_end) &&
	       !overlaps(pa, array_base(), array_end());
}

/* pmem manages exactly the whole RAM frames outside the kernel image, frame
 * 0 and its own array, which it put in RAM. */
static void test_pmem_layout(void)
{
	size_t usable_frames = 0;

	for (paddr_t pa = array_base(); pa < array_end(); pa += PAGE_SIZE) {
		CHECK(in_ram(pa));
		CHECK(!overlaps(pa, sim.kimage_base, sim.kimage_end));
	}
	for (size_t f = 0; f < SIM_FRAMES; f++) {
		paddr_t pa = SIM_PHYS_BASE + f * PAGE_SIZE;

		if (pmem_contains(pa) != usable(pa) ||
		    pmem_contains(pa + PAGE_SIZE - 1) != usable(pa)) {
			test_fail(__FILE__, __LINE__,
				  "pmem_contains(0x%lx) is %d, should be %d",
				  (unsigned long)pa, pmem_contains(pa),
				  usable(pa));
			return;
		}
		usable_frames += usable(pa);
	}
	CHECK(usable_frames > SIM_FRAMES / 2);
	CHECK_EQ(pmem_total(), usable_frames);
	CHECK_EQ(pmem_free_count(), pmem_total());
	CHECK(!pmem_contains(0));
	CHECK(!pmem_contains(sim.hole_base));
	CHECK(!pmem_contains(sim.kimage_base));
	CHECK(!pmem_contains(ROUND_DOWN(sim.kimage_end, PAGE_SIZE)));
	CHECK(!pmem_contains(SIM_PHYS_BASE + SIM_RAM_SIZE));
	CHECK(!pmem_contains(SIM_PHYS_BASE - PAGE_SIZE));
}

static struct hoard all;
static bool seen[SIM_FRAMES];

/* Allocating until pmem says no yields every free frame exactly once, each
 * a usable frame with one reference; giving them back restores the count. */
static void test_pmem_alloc_all(void)
{
	size_t free0 = pmem_free_count(), bad = 0, twice = 0, counted = 0;
	size_t taken, got;
	paddr_t first_bad = 0;

	memset(seen, 0, sizeof(seen));
	hoard_take(&all, 0);
	taken = all.n;
	for (int flags = 0; flags <= PMEM_ZERO; flags++)
		if ((all.pa[all.n] = pmem_alloc(flags)))
			all.n++; /* a frame beyond the free count: a failure */
	for (size_t i = 0; i < all.n; i++) {
		paddr_t pa = all.pa[i];
		size_t f = (pa - SIM_PHYS_BASE) / PAGE_SIZE;

		if (pa % PAGE_SIZE || !usable(pa) || !pmem_contains(pa) ||
		    pmem_page(pa)->kind != PAGE_USED) {
			first_bad = bad++ ? first_bad : pa;
			continue;
		}
		twice += seen[f];
		seen[f] = true;
		counted += pmem_refcount(pa) == 1;
	}
	got = all.n;
	hoard_release(&all);
	CHECK_EQ(got, taken);
	CHECK_EQ(taken, free0);
	CHECK_EQ(first_bad, 0);
	CHECK_EQ(bad, 0);
	CHECK_EQ(twice, 0);
	CHECK_EQ(counted, free0);
	CHECK_EQ(pmem_free_count(), free0);
	for (size_t f = 0; f < SIM_FRAMES; f++)
		if (seen[f])
			CHECK_EQ(pmem_refcount(SIM_PHYS_BASE + f * PAGE_SIZE),
				 0);
}

static bool frame_is(paddr_t pa, uint8_t byte)
{
	const uint8_t *p = P2V(pa);
	for (size_t i = 0; i < PAGE_SIZE; i++)
		if (p[i] != byte)
			return false;
	return true;
}

/* PMEM_ZERO zeroes frames that were dirty when freed. */
static void test_pmem_zero(void)
{
	size_t dirty = 0;

	hoard_take(&all, 0);
	for (size_t i = 0; i < all.n; i++)
		memset(P2V(all.pa[i]), 0xa5, PAGE_SIZE);
	hoard_release(&all);

	for (all.n = 0; (all.pa[all.n] = pmem_alloc(PMEM_ZERO)); all.n++)
		;
	for (size_t i = 0; i < all.n; i++)
		dirty += !frame_is(all.pa[i], 0);
	hoard_release(&all);
	CHECK_EQ(dirty, 0);
}

/* References add up; the frame is free exactly when the last one goes. */
static void test_pmem_refcount(void)
{
	size_t free0 = pmem_free_count();
	paddr_t pa = pmem_alloc(0);

	CHECK(pa);
	CHECK_EQ(pmem_free_count(), free0 - 1);
	CHECK_EQ(pmem_refcount(pa), 1);
	pmem_ref(pa);
	pmem_ref(pa);
	CHECK_EQ(pmem_refcount(pa), 3);
	pmem_unref(pa);
	CHECK_EQ(pmem_refcount(pa), 2);
	pmem_unref(pa);
	CHECK_EQ(pmem_refcount(pa), 1);
	CHECK_EQ(pmem_free_count(), free0 - 1);
	pmem_unref(pa);
	CHECK_EQ(pmem_refcount(pa), 0);
	CHECK_EQ(pmem_page(pa)->kind, PAGE_FREE);
	CHECK_EQ(pmem_free_count(), free0);
}

static void do_unref(void *pa)
{
	pmem_unref(*(paddr_t *)pa);
}

static void do_ref(void *pa)
{
	pmem_ref(*(paddr_t *)pa);
}

static void do_page(void *pa)
{
	pmem_page(*(paddr_t *)pa);
}

/* Counting a free frame, or a frame pmem does not own, is a kernel bug. */
static void test_pmem_misuse_panics(void)
{
	size_t free0 = pmem_free_count();
	paddr_t pa = pmem_alloc(0);
	paddr_t kimage = sim.kimage_base, hole = sim.hole_base;
	paddr_t array = array_base(), beyond = SIM_PHYS_BASE + SIM_RAM_SIZE;

	pmem_unref(pa);
	CHECK_PANICS(do_unref, &pa, "pmem_unref");
	CHECK_PANICS(do_ref, &pa, "pmem_ref");
	CHECK_PANICS(do_unref, &kimage, "reserved");
	CHECK_PANICS(do_unref, &hole, "reserved");
	CHECK_PANICS(do_unref, &array, "reserved");
	CHECK_PANICS(do_ref, &hole, "pmem_ref");
	CHECK_PANICS(do_page, &beyond, "not RAM");
	CHECK_PANICS(do_unref, &beyond, "not RAM");
	CHECK_EQ(pmem_free_count(), free0);
	/* The failed calls left pa's count off; allocating resets it. */
	hoard_take(&all, 0);
	hoard_release(&all);
	CHECK_EQ(pmem_refcount(pa), 0);
}

const struct test pmem_tests[] = {
    {"pmem_layout", test_pmem_layout, false},
    {"pmem_alloc_all", test_pmem_alloc_all, false},
    {"pmem_zero", test_pmem_zero, false},
    {"pmem_refcount", test_pmem_refcount, false},
    {"pmem_misuse_panics", test_pmem_misuse_panics, false},
    {NULL, NULL, false},
};
