/*
 * RISC-V memory-management constants and PTE codec: Sv39 (3-level paging,
 * the default) or Sv48 (4 levels; `make RISCV_MODE=sv48` defines
 * RISCV_SV48=1). The two modes share the PTE format and differ only in the
 * constants of the #if below, which docs/porting.md quotes.
 *
 * This header is the whole of what mm/ knows about the RISC-V MMU. It has
 * no privileged instructions, so host unit tests compile it too.
 *
 *   0x0000000000000000  +-------------------------+
 *                       | user space              |  root slots 0..255
 *   USER_TOP            +-------------------------+
 *                       | non-canonical hole      |
 *   KMAP_BASE           +-------------------------+  root slot 256
 *                       | all RAM and MMIO,       |
 *                       | direct-mapped           |
 *                       +-------------------------+
 *   KSTACK_AREA         | kernel stacks           |  Sv39: slot 384, Sv48: 510
 *                       +-------------------------+
 *   KIMAGE_BASE         | kernel image (-2 GiB)   |  Sv39: slot 510, Sv48: 511
 *                       +-------------------------+
 *
 *   Sv39: 256 GiB of user space, a 128 GiB direct map (a root slot: 1 GiB).
 *   Sv48: 128 TiB of user space, a 512 GiB direct map (a root slot: 512 GiB).
 */
#ifndef ARCH_MMU_H
#define ARCH_MMU_H

#include <arch/perm.h>

#include "lib/types.h"

/* What differs between the two modes: the depth of the tree, hence the
 * size of the virtual address space and where each area starts. */
#if RISCV_SV48
#define MACHINE_NAME "riscv64 (Sv48)"
#define PT_LEVELS 4
#define USER_TOP 0x0000800000000000ul
#define KMAP_BASE 0xffff800000000000ul
#define KMAP_SIZE (1ul << 39)		 /* root slot 256: 512 GiB of RAM */
#define KSTACK_AREA 0xffffff0000000000ul /* root slot 510 */
#else
#define MACHINE_NAME "riscv64 (Sv39)"
#define PT_LEVELS 3
#define USER_TOP 0x0000004000000000ul
#define KMAP_BASE 0xffffffc000000000ul
#define KMAP_SIZE (1ul << 37) /* root slots 256..383: 128 GiB of RAM */
#define KSTACK_AREA 0xffffffe000000000ul /* root slot 384 */
#endif

/* The counter behind arch_clock_hz, for the banner. */
#define CLOCK_NAME "time CSR"

#define PAGE_SHIFT 12
#define PAGE_SIZE (1ul << PAGE_SHIFT)
#define PT_INDEX_BITS 9
#define PT_ENTRIES (1ul << PT_INDEX_BITS)

#define USTACK_UPPERBOUND (USER_TOP - PAGE_SIZE)
#define KIMAGE_BASE 0xffffffff80000000ul
/* Kernel image: virtual = physical + KIMAGE_OFFSET (RAM starts at 2 GiB). */
#define KIMAGE_OFFSET (KIMAGE_BASE - 0x80000000ul)
#define PT_KERNEL_SLOT_FIRST 256
/* Kernel stacks, each with an unmapped guard page below it (mm/kstack.c). */
#define KSTACK_AREA_SIZE (1ul << 30)
/* e_machine of the ELF programs this arch runs. */
#define ELF_MACHINE 243 /* EM_RISCV */

typedef uint64_t pte_t;

#define RV_PTE_V (1ul << 0)
#define RV_PTE_R (1ul << 1)
#define RV_PTE_W (1ul << 2)
#define RV_PTE_X (1ul << 3)
#define RV_PTE_U (1ul << 4)
#define RV_PTE_A (1ul << 6)
#define RV_PTE_D (1ul << 7)
#define RV_PTE_COW (1ul << 8) /* RSW: reserved for software */
#define RV_PTE_PPN_SHIFT 10
#define RV_PTE_PPN_MASK 0x003ffffffffffc00ul

/* A leaf PTE mapping physical page pa with neutral permissions perm.
 * A and D are preset: the kernel does not track access or dirtiness. */
static inline pte_t pte_make_leaf(paddr_t pa, unsigned perm)
{
	pte_t pte = ((pa >> PAGE_SHIFT) << RV_PTE_PPN_SHIFT) | RV_PTE_V |
		    RV_PTE_A | RV_PTE_D;
	if (perm & PERM_R)
		pte |= RV_PTE_R;
	if (perm & PERM_W)
		pte |= RV_PTE_W;
	if (perm & PERM_X)
		pte |= RV_PTE_X;
	if (perm & PERM_U)
		pte |= RV_PTE_U;
	if (perm & PERM_COW)
		pte |= RV_PTE_COW;
	return pte;
}

/* Leaf pte as one side of a copy-on-write share: a writable leaf becomes
 * read-only and COW, any other stays as it is. The same as rebuilding it
 * with pte_make_leaf, in two bit operations (fork does it for every page). */
static inline pte_t pte_share_cow(pte_t pte)
{
	return (pte & RV_PTE_W) ? (pte & ~RV_PTE_W) | RV_PTE_COW : pte;
}

/* A non-leaf PTE pointing to the next-level table at pa. */
static inline pte_t pte_make_table(paddr_t pa)
{
	return ((pa >> PAGE_SHIFT) << RV_PTE_PPN_SHIFT) | RV_PTE_V;
}

static inline bool pte_valid(pte_t pte)
{
	return pte & RV_PTE_V;
}

/* Is a valid pte at level (0 = last) a leaf? Above the last level Sv39
 * and Sv48 say so by R, W or X being set. */
static inline bool pte_is_leaf(pte_t pte, int level)
{
	return level == 0 || (pte & (RV_PTE_R | RV_PTE_W | RV_PTE_X));
}

static inline paddr_t pte_addr(pte_t pte)
{
	return ((pte & RV_PTE_PPN_MASK) >> RV_PTE_PPN_SHIFT) << PAGE_SHIFT;
}

/* The neutral permissions of a valid leaf. */
static inline unsigned pte_perm(pte_t pte)
{
	unsigned perm = 0;
	if (pte & RV_PTE_R)
		perm |= PERM_R;
	if (pte & RV_PTE_W)
		perm |= PERM_W;
	if (pte & RV_PTE_X)
		perm |= PERM_X;
	if (pte & RV_PTE_U)
		perm |= PERM_U;
	if (pte & RV_PTE_COW)
		perm |= PERM_COW;
	return perm;
}

#endif
