/*
 * The numbers the boot assembly (entry.S) needs, written without C so that
 * assembly can include them. boot.c checks each one against <arch/mmu.h>
 * and arch/include/arch/arch.h, so they cannot drift apart.
 */
#ifndef ARCH_RISCV_BOOT_LAYOUT_H
#define ARCH_RISCV_BOOT_LAYOUT_H

#define BOOT_PAGE_SIZE 4096
#define BOOT_PAGE_SHIFT 12
#define BOOT_KSTACK_SIZE (4 * BOOT_PAGE_SIZE) /* KSTACK_SIZE */
#define BOOT_RAM_BASE 0x80000000	      /* QEMU virt: RAM starts here */
#define BOOT_KIMAGE_OFFSET 0xffffffff00000000 /* KIMAGE_OFFSET */

/* Root-table slots of the boot page table, each 1 << BOOT_ROOT_SHIFT bytes
 * of virtual address space: 1 GiB in Sv39, 512 GiB in Sv48 (<arch/mmu.h>). */
#if RISCV_SV48
#define BOOT_ROOT_SHIFT 39
#define BOOT_IDENTITY_SLOT 0	  /* BOOT_RAM_BASE >> 39 */
#define BOOT_KMAP_SLOT 256	  /* KMAP_BASE */
#define BOOT_KMAP_LEAVES 1	  /* KMAP_SIZE >> 39 */
#define BOOT_KIMAGE_SLOT 511	  /* KIMAGE_BASE: a table of 1 GiB leaves */
#define BOOT_KIMAGE_GIGA_SLOT 510 /* KIMAGE_BASE in that table */
#else
#define BOOT_ROOT_SHIFT 30
#define BOOT_IDENTITY_SLOT 2 /* BOOT_RAM_BASE >> 30 */
#define BOOT_KMAP_SLOT 256   /* KMAP_BASE */
#define BOOT_KMAP_LEAVES 128 /* KMAP_SIZE >> 30 */
#define BOOT_KIMAGE_SLOT 510 /* KIMAGE_BASE */
#endif

/* struct hart_boot (smp.c) as _ap_entry reads it: the satp value of the
 * kernel root, the top of the hart's kernel stack and its cpu id. */
#define HART_BOOT_SATP 0
#define HART_BOOT_STACK_TOP 8
#define HART_BOOT_ID 16

#endif
