/*
 * PVH entry: from 32-bit protected mode (paging off) to kmain in the
 * high half. Everything here runs once, on the boot CPU; docs/boot.md
 * (x86_64 section) has the pictures.
 *
 *   pvh_entry (32-bit, at physical addresses)
 *     zero .bss, build the boot page tables, PAE + EFER.LME/NXE + paging,
 *     load boot_gdt, far jump to 64-bit code
 *   long_mode_low (64-bit, identity map) -> jump to long_mode_high
 *   long_mode_high (64-bit, kernel image addresses)
 *     boot_stack, kmap_offset = KMAP_BASE, pvh_boot(start info)
 */
#include "arch/x86_64/layout.h"

/* Physical address of a symbol of the kernel image (paging still off). */
#define PHYS(x) ((x) - LAYOUT_KIMAGE_BASE)

#define PTE_PW 0x3       /* present, writable */
#define PTE_PWS 0x83     /* present, writable, 2 MiB page */
#define HUGE_PAGE 0x200000
#define CR0_WP (1 << 16)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)

/* The PVH ELF note: QEMU's -kernel (and Xen) start us at the 32-bit
 * physical entry it names. The descriptor is 8 bytes in an ELF64 file. */
	.section .note.pvh, "a", @note
	.balign 4
	.long 4                         /* name size: "Xen\0" */
	.long 8                         /* descriptor size */
	.long 18                        /* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.balign 4
	.quad PHYS(pvh_entry)

	.section .text.entry, "ax"
	.code32
	.globl pvh_entry
pvh_entry:
	cli
	cld
	mov %ebx, %esi                  /* hvm_start_info, kept until pvh_boot */

	/* .bss holds the page tables and stacks: clear it before use. */
	mov $PHYS(__bss_start), %edi
	mov $PHYS(_bss_end), %ecx
	sub %edi, %ecx
	shr $2, %ecx
	xor %eax, %eax
	rep stosl

	/* Four page directories of 2 MiB pages: physical [0, 4 GiB). */
	mov $PHYS(boot_pd), %edi
	mov $PTE_PWS, %eax
	mov $(4 * 512), %ecx
1:	mov %eax, (%edi)
	add $HUGE_PAGE, %eax
	add $8, %edi
	loop 1b

	/* boot_pdpt_low: 4 GiB = the four directories. */
	mov $PHYS(boot_pdpt_low), %edi
	mov $(PHYS(boot_pd) + PTE_PW), %eax
	mov $4, %ecx
2:	mov %eax, (%edi)
	add $LAYOUT_PAGE_SIZE, %eax
	add $8, %edi
	loop 2b

	/* boot_pdpt_high, slot 510 = -2 GiB: the first GiB, holding the image. */
	movl $(PHYS(boot_pd) + PTE_PW), PHYS(boot_pdpt_high) + 510 * 8

	/* PML4: slot 0 (identity, for the switch), slot 256 (KMAP_BASE),
	 * slot 511 (KIMAGE_BASE). */
	movl $(PHYS(boot_pdpt_low) + PTE_PW), PHYS(boot_pml4)
	movl $(PHYS(boot_pdpt_low) + PTE_PW), PHYS(boot_pml4) + 256 * 8
	movl $(PHYS(boot_pdpt_high) + PTE_PW), PHYS(boot_pml4) + 511 * 8

	mov $PHYS(boot_pml4), %eax
	mov %eax, %cr3
	mov %cr4, %eax
	or $CR4_PAE, %eax
	mov %eax, %cr4
	mov $MSR_EFER, %ecx
	rdmsr
	or $(EFER_LME | EFER_NXE), %eax
	wrmsr
	mov %cr0, %eax
	or $(CR0_PG | CR0_WP), %eax
	mov %eax, %cr0

	lgdt PHYS(boot_gdt_ptr32)
	ljmp $SEL_KCODE, $PHYS(long_mode_low)

	.code64
long_mode_low:
	movabs $long_mode_high, %rax
	jmp *%rax

long_mode_high:
	lgdt boot_gdt_ptr64(%rip)
	mov $SEL_KDATA, %eax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	xor %eax, %eax
	mov %ax, %fs
	mov %ax, %gs
	mov $(boot_stack + LAYOUT_KSTACK_SIZE), %rsp
	xor %ebp, %ebp                  /* ends backtraces */
	movabs $LAYOUT_KMAP_BASE, %rax
	mov %rax, kmap_offset(%rip)
	mov %esi, %edi                  /* zero-extends the start info address */
	call pvh_boot
3:	cli
	hlt
	jmp 3b

/* Just enough GDT for the switch; arch_trap_init loads the real one with
 * the same kernel selectors. */
	.section .rodata
	.balign 16
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff        /* SEL_KCODE: 64-bit, ring 0 */
	.quad 0x00cf92000000ffff        /* SEL_KDATA */
boot_gdt_end:
boot_gdt_ptr32:
	.word boot_gdt_end - boot_gdt - 1
	.long PHYS(boot_gdt)
boot_gdt_ptr64:
	.word boot_gdt_end - boot_gdt - 1
	.quad boot_gdt

	.section .bss
	.balign LAYOUT_PAGE_SIZE
boot_pml4:
	.skip LAYOUT_PAGE_SIZE
boot_pdpt_low:
	.skip LAYOUT_PAGE_SIZE
boot_pdpt_high:
	.skip LAYOUT_PAGE_SIZE
boot_pd:
	.skip 4 * LAYOUT_PAGE_SIZE

/* The boot CPU's kernel stack; kmap_init unmaps the spare page below it. */
	.skip LAYOUT_PAGE_SIZE
	.globl boot_stack
boot_stack:
	.skip LAYOUT_KSTACK_SIZE

	.section .note.GNU-stack, "", @progbits
