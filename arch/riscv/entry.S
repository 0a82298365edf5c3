/*
 * The first instructions of the kernel, and its boot page table and stack.
 *
 * OpenSBI (fw_dynamic) jumps to _entry in S-mode with the MMU off (satp = 0):
 * pc = 0x80200000 (physical), a0 = hart id, a1 = physical address of the
 * device tree. The code is linked at its high-half address but, built with
 * -mcmodel=medany, reaches everything PC-relatively, so it runs at either.
 * docs/boot-riscv.md draws the sequence.
 */
#include "arch/riscv/boot_layout.h"
#include "arch/riscv/csr.h"

/* A 1 GiB leaf: valid, R+W+X, accessed and dirty preset. */
#define GIGAPAGE(pa) (((pa) >> 2) | 0xcf)

	.section .text.entry, "ax", @progbits
	.globl _entry
/* Turn on Sv39 with the boot page table, move to the high half, set up the
 * boot stack, clear .bss and call riscv_boot(hartid, dtb); never returns. */
_entry:
	li	t0, SSTATUS_SIE | SSTATUS_SUM
	csrc	sstatus, t0		/* interrupts off; no access to user pages */
	csrw	sie, zero
	mv	s1, a0			/* hart id */
	mv	s2, a1			/* device tree, physical */

	lla	t0, boot_pagetable	/* PC-relative: its physical address */
	srli	t0, t0, BOOT_PAGE_SHIFT
	li	t1, SATP_MODE_SV39
	or	t0, t0, t1
	csrw	satp, t0
	sfence.vma

	/* Still fetching through the identity gigapage: jump high. */
	lla	t0, 1f
	li	t1, BOOT_KIMAGE_OFFSET
	add	t0, t0, t1
	jr	t0
1:
	lla	sp, boot_stack_top	/* from here on every address is high */
	lla	t0, _bss_start
	lla	t1, _kernel_end
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

/*
 * The boot page table: three kinds of 1 GiB leaves in one root table.
 *   slot 2         identity for the GiB holding the kernel (for the jump)
 *   slots 256-383  KMAP_BASE + [0, 128 GiB): the direct map, devices included
 *   slot 510       KIMAGE_BASE -> BOOT_RAM_BASE: the kernel image
 * kmap_init replaces it with a table that maps 4 KiB pages with permissions.
 */
	.section .data.boot_pagetable, "aw", @progbits
	.balign BOOT_PAGE_SIZE
boot_pagetable:
	.zero	BOOT_IDENTITY_SLOT * 8
	.quad	GIGAPAGE(BOOT_RAM_BASE)
	.zero	(BOOT_KMAP_SLOT - BOOT_IDENTITY_SLOT - 1) * 8
	.set	pa, 0
	.rept	BOOT_KMAP_GIGAPAGES
	.quad	GIGAPAGE(pa)
	.set	pa, pa + (1 << 30)
	.endr
	.zero	(BOOT_KIMAGE_SLOT - BOOT_KMAP_SLOT - BOOT_KMAP_GIGAPAGES) * 8
	.quad	GIGAPAGE(BOOT_RAM_BASE)
	.zero	(512 - BOOT_KIMAGE_SLOT - 1) * 8

/* The boot CPU's kernel stack, with the spare page below it that kmap_init
 * turns into a guard page (kernel/arch.h). */
	.section .bss.boot_stack, "aw", @nobits
	.balign BOOT_PAGE_SIZE
	.skip	BOOT_PAGE_SIZE
	.globl boot_stack
boot_stack:
	.skip	BOOT_KSTACK_SIZE
boot_stack_top:
