/*
 * The arch's PTE codec and constants (<arch/mmu.h>), through the neutral
 * interface only: what mm/ builds must read back exactly as it was built.
 */
#include "tests/host/host.h"

/* Every permission set the design uses: W always with R, COW never with W. */
const unsigned test_perms[] = {
    PERM_R,
    PERM_R | PERM_W,
    PERM_R | PERM_X,
    PERM_R | PERM_W | PERM_X,
    PERM_R | PERM_U,
    PERM_R | PERM_W | PERM_U,
    PERM_R | PERM_X | PERM_U,
    PERM_R | PERM_W | PERM_X | PERM_U,
    PERM_R | PERM_COW,
    PERM_R | PERM_X | PERM_COW,
    PERM_R | PERM_U | PERM_COW,
    PERM_R | PERM_X | PERM_U | PERM_COW,
};
const size_t ntest_perms = ARRAY_SIZE(test_perms);

/* The highest physical address bit both formats hold (x86_64: 52 bits). */
#define TEST_PA_BITS 52

/* Frames from 4 KiB to the top of a 52-bit physical address space. */
static paddr_t test_pa(int i)
{
	if (i == TEST_PA_BITS - PAGE_SHIFT)
		return ((paddr_t)1 << TEST_PA_BITS) - PAGE_SIZE;
	return (paddr_t)1 << (PAGE_SHIFT + i);
}
#define NTEST_PA (TEST_PA_BITS - PAGE_SHIFT + 1)

/* A leaf gives back its frame and its permissions, for every permission set
 * at every physical address: neither leaks into the other. */
static void test_pte_leaf_round_trip(void)
{
	for (int i = 0; i < NTEST_PA; i++) {
		for (size_t p = 0; p < ntest_perms; p++) {
			pte_t pte = pte_make_leaf(test_pa(i), test_perms[p]);

			CHECK(pte_valid(pte));
			CHECK(pte_is_leaf(pte, 0));
			CHECK_EQ(pte_addr(pte), test_pa(i));
			CHECK_EQ(pte_perm(pte), test_perms[p]);
		}
	}
}

/* pte_share_cow is pte_make_leaf with W traded for COW, and a no-op for
 * a leaf that is not writable. */
static void test_pte_share_cow(void)
{
	for (int i = 0; i < NTEST_PA; i++) {
		for (size_t p = 0; p < ntest_perms; p++) {
			unsigned perm = test_perms[p];
			unsigned want =
			    perm & PERM_W ? (perm & ~PERM_W) | PERM_COW : perm;

			CHECK_EQ(pte_share_cow(pte_make_leaf(test_pa(i), perm)),
				 pte_make_leaf(test_pa(i), want));
		}
	}
}

/* Leaves that differ only in one permission differ as PTEs. */
static void test_pte_perm_distinct(void)
{
	for (size_t a = 0; a < ntest_perms; a++)
		for (size_t b = 0; b < ntest_perms; b++)
			if (a != b)
				CHECK(pte_make_leaf(0x5000, test_perms[a]) !=
				      pte_make_leaf(0x5000, test_perms[b]));
}

/* A table pointer is valid, is no leaf at any level above the last, and
 * gives back its table's address, high or low. */
static void test_pte_table(void)
{
	for (int i = 0; i < NTEST_PA; i++) {
		pte_t pte = pte_make_table(test_pa(i));

		CHECK(pte_valid(pte));
		CHECK_EQ(pte_addr(pte), test_pa(i));
		for (int level = 1; level < PT_LEVELS; level++)
			CHECK(!pte_is_leaf(pte, level));
	}
}

static void test_pte_zero_invalid(void)
{
	CHECK(!pte_valid(0));
}

/* The constants describe one radix tree: 512 entries of 8 bytes per page,
 * the user half exactly the top-level slots below PT_KERNEL_SLOT_FIRST, the
 * direct map at the first kernel slot, every kernel address canonical, the
 * direct map, kernel stacks and image in that order, kernel stacks in a
 * top-level slot of their own. */
static void test_mmu_constants(void)
{
	unsigned va_bits = PAGE_SHIFT + PT_LEVELS * PT_INDEX_BITS;
	unsigned top_shift = PAGE_SHIFT + (PT_LEVELS - 1) * PT_INDEX_BITS;
	vaddr_t slot_size = (vaddr_t)1 << top_shift;
	vaddr_t canonical_kernel = ~(((vaddr_t)1 << (va_bits - 1)) - 1);

	CHECK_EQ(PAGE_SIZE, 4096);
	CHECK_EQ(PT_ENTRIES * sizeof(pte_t), PAGE_SIZE);
	CHECK_EQ(USER_TOP, (vaddr_t)PT_KERNEL_SLOT_FIRST << top_shift);
	CHECK_EQ(USER_TOP, (vaddr_t)1 << (va_bits - 1));
	CHECK_EQ(KMAP_BASE, canonical_kernel);
	CHECK_EQ((KMAP_BASE >> top_shift) % PT_ENTRIES, PT_KERNEL_SLOT_FIRST);
	CHECK(KSTACK_AREA >= KMAP_BASE + KMAP_SIZE);
	CHECK(KIMAGE_BASE >= KSTACK_AREA + KSTACK_AREA_SIZE);
	CHECK_EQ(KSTACK_AREA % slot_size, 0);
	CHECK(USTACK_UPPERBOUND <= USER_TOP);
	CHECK_EQ(USTACK_UPPERBOUND % PAGE_SIZE, 0);
}

const struct test pte_tests[] = {
    {"pte_leaf_round_trip", test_pte_leaf_round_trip, false},
    {"pte_perm_distinct", test_pte_perm_distinct, false},
    {"pte_share_cow", test_pte_share_cow, false},
    {"pte_table", test_pte_table, false},
    {"pte_zero_invalid", test_pte_zero_invalid, false},
    {"mmu_constants", test_mmu_constants, false},
    {NULL, NULL, false},
};
