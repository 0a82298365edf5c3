/*
 * x86_64 memory-management constants and PTE codec (4-level paging).
 *
 * This header is the whole of what mm/ knows about the x86_64 MMU. It has no
 * privileged instructions, so host unit tests compile it too.
 *
 *   0x0000000000000000  +-------------------------+
 *                       | user space (128 TiB)    |  PML4 slots 0..255
 *   USER_TOP            +-------------------------+
 *                       | non-canonical hole      |
 *   KMAP_BASE           +-------------------------+  PML4 slot 256
 *                       | all RAM, direct-mapped  |
 *                       +-------------------------+
 *   KIMAGE_BASE         | kernel image (-2 GiB)   |  PML4 slot 511
 *                       +-------------------------+
 */
#ifndef ARCH_MMU_H
#define ARCH_MMU_H

#include <arch/perm.h>

#include "lib/types.h"

#define MACHINE_NAME "x86_64"
/* The counter behind arch_clock_hz, for the banner. */
#define CLOCK_NAME "tsc"

#define PAGE_SHIFT 12
#define PAGE_SIZE (1ul << PAGE_SHIFT)
#define PT_LEVELS 4	/* PML4, PDPT, PD, PT */
#define PT_INDEX_BITS 9 /* 512 entries per table */
#define PT_ENTRIES (1ul << PT_INDEX_BITS)

#define USER_TOP 0x0000800000000000ul
#define USTACK_UPPERBOUND (USER_TOP - PAGE_SIZE)
#define KMAP_BASE 0xffff800000000000ul
#define KMAP_SIZE (1ul << 39) /* one PML4 slot: 512 GiB of RAM */
#define KIMAGE_BASE 0xffffffff80000000ul
/* Kernel image: virtual = physical + KIMAGE_OFFSET (loaded at 1 MiB). */
#define KIMAGE_OFFSET KIMAGE_BASE
/* Top-level slots at or above this index belong to the shared kernel half. */
#define PT_KERNEL_SLOT_FIRST 256
/* Kernel stacks, each with an unmapped guard page below it (mm/kstack.c). */
#define KSTACK_AREA 0xffffff0000000000ul /* PML4 slot 510 */
#define KSTACK_AREA_SIZE (1ul << 30)
/* e_machine of the ELF programs this arch runs. */
#define ELF_MACHINE 62 /* EM_X86_64 */

typedef uint64_t pte_t;

#define X86_PTE_P (1ul << 0)
#define X86_PTE_W (1ul << 1)
#define X86_PTE_U (1ul << 2)
#define X86_PTE_PS (1ul << 7)
#define X86_PTE_COW (1ul << 9) /* available to software */
#define X86_PTE_NX (1ul << 63)
#define X86_PTE_ADDR 0x000ffffffffff000ul

/* A leaf PTE mapping physical page pa with neutral permissions perm. */
static inline pte_t pte_make_leaf(paddr_t pa, unsigned perm)
{
	pte_t pte = (pa & X86_PTE_ADDR) | X86_PTE_P;
	if (perm & PERM_W)
		pte |= X86_PTE_W;
	if (perm & PERM_U)
		pte |= X86_PTE_U;
	if (perm & PERM_COW)
		pte |= X86_PTE_COW;
	if (!(perm & PERM_X))
		pte |= X86_PTE_NX;
	return pte;
}

/* Leaf pte as one side of a copy-on-write share: a writable leaf becomes
 * read-only and COW, any other stays as it is. The same as rebuilding it
 * with pte_make_leaf, in two bit operations (fork does it for every page). */
static inline pte_t pte_share_cow(pte_t pte)
{
	return (pte & X86_PTE_W) ? (pte & ~X86_PTE_W) | X86_PTE_COW : pte;
}

/* A non-leaf PTE pointing to the next-level table at pa. Leaves restrict. */
static inline pte_t pte_make_table(paddr_t pa)
{
	return (pa & X86_PTE_ADDR) | X86_PTE_P | X86_PTE_W | X86_PTE_U;
}

static inline bool pte_valid(pte_t pte)
{
	return pte & X86_PTE_P;
}

/* Is a valid pte at level (0 = last) a leaf rather than a table pointer? */
static inline bool pte_is_leaf(pte_t pte, int level)
{
	return level == 0 || (pte & X86_PTE_PS);
}

static inline paddr_t pte_addr(pte_t pte)
{
	return pte & X86_PTE_ADDR;
}

/* The neutral permissions of a valid leaf. */
static inline unsigned pte_perm(pte_t pte)
{
	unsigned perm = PERM_R;
	if (pte & X86_PTE_W)
		perm |= PERM_W;
	if (pte & X86_PTE_U)
		perm |= PERM_U;
	if (pte & X86_PTE_COW)
		perm |= PERM_COW;
	if (!(pte & X86_PTE_NX))
		perm |= PERM_X;
	return perm;
}

#endif
