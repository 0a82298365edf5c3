/*
 * Page contents, 64 bytes per loop: eight doubleword stores (and loads)
 * per branch, a whole page known aligned, so no alignment tests either
 * (lib/string.c's memset/memcpy move 8 bytes per branch after them).
 */
#define PAGE_BYTES 4096 /* PAGE_SIZE; arch/riscv/mmu.c checks they agree */

/* void arch_page_zero(void *page) */
	.text
	.globl arch_page_zero
arch_page_zero:
	li	t0, PAGE_BYTES
	add	t0, a0, t0		/* end */
1:	sd	zero, 0(a0)
	sd	zero, 8(a0)
	sd	zero, 16(a0)
	sd	zero, 24(a0)
	sd	zero, 32(a0)
	sd	zero, 40(a0)
	sd	zero, 48(a0)
	sd	zero, 56(a0)
	addi	a0, a0, 64
	bltu	a0, t0, 1b
	ret

/* void arch_page_copy(void *dst, const void *src) */
	.globl arch_page_copy
arch_page_copy:
	li	t0, PAGE_BYTES
	add	t0, a0, t0		/* end of dst */
1:	ld	t1, 0(a1)
	ld	t2, 8(a1)
	ld	t3, 16(a1)
	ld	t4, 24(a1)
	ld	t5, 32(a1)
	ld	t6, 40(a1)
	ld	a2, 48(a1)
	ld	a3, 56(a1)
	sd	t1, 0(a0)
	sd	t2, 8(a0)
	sd	t3, 16(a0)
	sd	t4, 24(a0)
	sd	t5, 32(a0)
	sd	t6, 40(a0)
	sd	a2, 48(a0)
	sd	a3, 56(a0)
	addi	a0, a0, 64
	addi	a1, a1, 64
	bltu	a0, t0, 1b
	ret
