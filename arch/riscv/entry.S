/*
 * The first instructions of the kernel, and its boot page table and stack.
 *
 * OpenSBI (fw_dynamic) jumps to _entry in S-mode with the MMU off (satp = 0):
 * pc = 0x80080000 (physical), a0 = hart id, a1 = physical address of the
 * device tree. The code is linked at its high-half address but, built with
 * -mcmodel=medany, reaches everything PC-relatively, so it runs at either.
 * The other harts enter at _ap_entry, sent there by SBI hart_start (smp.c).
 * docs/boot.md and docs/smp.md draw both sequences.
 */
#include "arch/riscv/boot_layout.h"
#include "arch/riscv/csr.h"

/* A leaf of the boot page table mapping pa: valid, R+W+X, accessed and
 * dirty preset (1 GiB in a table of gigapages, 512 GiB in the Sv48 root). */
#define LEAF(pa) (((pa) >> 2) | 0xcf)

/* Interrupts off and no access to user pages: the S-mode state every hart
 * starts the kernel in. */
.macro	interrupts_off
	li	t0, SSTATUS_SIE | SSTATUS_SUM
	csrc	sstatus, t0
	csrw	sie, zero
.endm

/* Turn on paging (Sv39 or Sv48) with the boot page table, still fetching
 * through its identity leaf, and jump to the high-half address of the code
 * right after the macro. Clobbers t0 and t1. */
.macro	boot_paging_on
	lla	t0, boot_pagetable	/* PC-relative: its physical address */
	srli	t0, t0, BOOT_PAGE_SHIFT
	li	t1, SATP_MODE
	or	t0, t0, t1
	csrw	satp, t0
	sfence.vma
	lla	t0, 1f
	li	t1, BOOT_KIMAGE_OFFSET
	add	t0, t0, t1
	jr	t0
1:
.endm

#if RISCV_SV48
/* Point the Sv48 root's image slot to boot_pagetable_image. Its physical
 * address is known only now (PC-relative), and no relocation shifts an
 * address into a PTE, so the boot hart writes the entry before paging is
 * on; the other harts find it done. Clobbers t0 and t1. */
.macro	boot_link_image_table
	lla	t0, boot_pagetable_image
	srli	t0, t0, 2		/* PPN << 10 */
	ori	t0, t0, 1		/* V without R, W, X: a table pointer */
	lla	t1, boot_pagetable + BOOT_KIMAGE_SLOT * 8
	sd	t0, 0(t1)
.endm
#endif

	.section .text.entry, "ax", @progbits
	.globl _entry
/* Turn on paging with the boot page table, move to the high half, set up
 * the boot stack, clear .bss and call riscv_boot(hartid, dtb); never
 * returns. */
_entry:
	interrupts_off
	mv	s1, a0			/* hart id */
	mv	s2, a1			/* device tree, physical */
#if RISCV_SV48
	boot_link_image_table
#endif
	boot_paging_on
	lla	sp, boot_stack_top	/* from here on every address is high */
	lla	t0, _bss_start
	lla	t1, _bss_end
2:	bgeu	t0, t1, 3f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	2b
3:
	li	s0, 0			/* the frame-pointer chain ends here */
	li	ra, 0
	mv	a0, s1
	mv	a1, s2
	call	riscv_boot
4:	wfi				/* riscv_boot does not return */
	j	4b

	.globl _ap_entry
/* Where SBI hart_start sends every other hart (smp.c): MMU off, a0 = hart
 * id, a1 = its struct hart_boot, a kernel-image address. The way into the
 * high half is _entry's; then the kernel root, whose KSTACK_AREA holds the
 * hart's stack, and smp_cpu_entry(record's cpu id); never returns. */
_ap_entry:
	interrupts_off
	mv	s1, a1
	boot_paging_on
	ld	t0, HART_BOOT_SATP(s1)
	csrw	satp, t0
	sfence.vma
	ld	sp, HART_BOOT_STACK_TOP(s1)
	li	s0, 0
	li	ra, 0
	ld	a0, HART_BOOT_ID(s1)
	call	smp_cpu_entry
5:	wfi				/* smp_cpu_entry does not return */
	j	5b

/*
 * The boot page table: a root of large leaves (slots in boot_layout.h).
 *
 *   Sv39, 1 GiB a slot                      Sv48, 512 GiB a slot
 *   2        identity for the GiB of the    0    identity, [0, 512 GiB)
 *            kernel (for the jump)
 *   256-383  KMAP_BASE + [0, 128 GiB)       256  KMAP_BASE + [0, 512 GiB)
 *   510      KIMAGE_BASE -> BOOT_RAM_BASE   511  boot_pagetable_image: its
 *            (the kernel image)                  slot 510 is that same leaf
 *
 * The direct map holds the devices too. kmap_init replaces the whole table
 * with one that maps 4 KiB pages with permissions.
 */
	.section .data.boot_pagetable, "aw", @progbits
	.balign BOOT_PAGE_SIZE
boot_pagetable:
	.fill	BOOT_IDENTITY_SLOT, 8, 0
	.quad	LEAF(BOOT_IDENTITY_SLOT << BOOT_ROOT_SHIFT)
	.fill	BOOT_KMAP_SLOT - BOOT_IDENTITY_SLOT - 1, 8, 0
	.set	pa, 0
	.rept	BOOT_KMAP_LEAVES
	.quad	LEAF(pa)
	.set	pa, pa + (1 << BOOT_ROOT_SHIFT)
	.endr
	.fill	BOOT_KIMAGE_SLOT - BOOT_KMAP_SLOT - BOOT_KMAP_LEAVES, 8, 0
#if RISCV_SV48
	.quad	0			/* boot_link_image_table fills it */
#else
	.quad	LEAF(BOOT_RAM_BASE)
#endif
	.fill	512 - BOOT_KIMAGE_SLOT - 1, 8, 0
#if RISCV_SV48
	.balign BOOT_PAGE_SIZE
boot_pagetable_image:			/* the root's last 512 GiB */
	.fill	BOOT_KIMAGE_GIGA_SLOT, 8, 0
	.quad	LEAF(BOOT_RAM_BASE)
	.fill	512 - BOOT_KIMAGE_GIGA_SLOT - 1, 8, 0
#endif

/* The boot CPU's kernel stack, with the spare page below it that kmap_init
 * turns into a guard page (arch/include/arch/arch.h). */
	.section .bss.boot_stack, "aw", @nobits
	.balign BOOT_PAGE_SIZE
	.skip	BOOT_PAGE_SIZE
	.globl boot_stack
boot_stack:
	.skip	BOOT_KSTACK_SIZE
boot_stack_top:
