/*
 * Where every other CPU starts. smp.c copies the bytes from
 * trampoline_start to trampoline_end to LAYOUT_TRAMPOLINE_PA and fills
 * trampoline_params in the copy; a STARTUP IPI with vector
 * LAYOUT_TRAMPOLINE_PA >> 12 starts the CPU there in real mode with
 * cs = LAYOUT_TRAMPOLINE_PA >> 4, ip = 0. docs/smp.md ("x86_64: starting
 * the other CPUs") has the picture.
 *
 *   real mode (16-bit)   ds = cs, lgdt tramp_gdt, CR0.PE
 *   protected (32-bit)   flat segments; CR4.PAE, CR3 = params.cr3,
 *                        EFER.LME|NXE, CR0.PG|WP (caches on)
 *   long mode (64-bit)   rsp = params.rsp, rdi = params.arg, rbp = 0,
 *                        a zero return address, jump to params.entry
 *
 * The code runs only from the copy, so every address in it is the copy's
 * physical one: TRAMP(label). params.cr3 must identity-map the copy (and
 * hold the kernel half where params.entry and params.rsp live).
 */
#include "arch/x86_64/layout.h"

#define TRAMP(x) (LAYOUT_TRAMPOLINE_PA + ((x) - trampoline_start))

#define TSEL_CODE64 0x08 /* the kernel's SEL_KCODE and SEL_KDATA, so */
#define TSEL_DATA 0x10   /* the same selectors stay valid until gdt_init */
#define TSEL_CODE32 0x18
#define CR0_PE (1 << 0)
#define CR0_WP (1 << 16)
#define CR0_NW (1 << 29)
#define CR0_CD (1 << 30)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)

	.section .rodata.trampoline, "a"
	.balign 16
	.globl trampoline_start
	.code16
trampoline_start:
	cli
	cld
	mov %cs, %ax
	mov %ax, %ds
	lgdtl tramp_gdt_ptr - trampoline_start
	mov %cr0, %eax
	or $CR0_PE, %eax
	mov %eax, %cr0
	ljmpl $TSEL_CODE32, $TRAMP(tramp32)

	.code32
tramp32:
	mov $TSEL_DATA, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov %cr4, %eax
	or $CR4_PAE, %eax
	mov %eax, %cr4
	mov TRAMP(tramp_cr3), %eax
	mov %eax, %cr3
	mov $MSR_EFER, %ecx
	rdmsr
	or $(EFER_LME | EFER_NXE), %eax
	wrmsr
	mov %cr0, %eax
	and $~(CR0_CD | CR0_NW), %eax   /* INIT leaves caching disabled */
	or $(CR0_PG | CR0_WP), %eax
	mov %eax, %cr0
	ljmp $TSEL_CODE64, $TRAMP(tramp64)

	.code64
tramp64:
	mov TRAMP(tramp_rsp), %rsp
	mov TRAMP(tramp_arg), %rdi
	mov TRAMP(tramp_entry), %rax
	xor %ebp, %ebp                  /* ends backtraces */
	pushq $0                        /* as if called: rsp % 16 == 8 */
	jmp *%rax

	.balign 8
tramp_gdt:
	.quad 0
	.quad 0x00af9a000000ffff        /* TSEL_CODE64: 64-bit, ring 0 */
	.quad 0x00cf92000000ffff        /* TSEL_DATA: flat, read/write */
	.quad 0x00cf9a000000ffff        /* TSEL_CODE32: flat, 32-bit */
tramp_gdt_end:
tramp_gdt_ptr:
	.word tramp_gdt_end - tramp_gdt - 1
	.long TRAMP(tramp_gdt)

/* struct trampoline_params (smp.c), filled in the copy. */
	.balign 8
	.globl trampoline_params
trampoline_params:
tramp_cr3:
	.quad 0                         /* below 4 GiB: loaded in 32-bit mode */
tramp_rsp:
	.quad 0
tramp_entry:
	.quad 0
tramp_arg:
	.quad 0
	.globl trampoline_end
trampoline_end:

	.section .note.GNU-stack, "", @progbits
