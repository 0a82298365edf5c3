/*
 * x86_64 constants that assembly needs too. <arch/mmu.h> and
 * arch/include/arch/arch.h are C-only, so the values are repeated here; boot.c
 * checks at compile time that both spellings agree.
 */
#ifndef X86_64_LAYOUT_H
#define X86_64_LAYOUT_H

#define LAYOUT_KIMAGE_BASE 0xffffffff80000000
#define LAYOUT_KMAP_BASE 0xffff800000000000
#define LAYOUT_PAGE_SIZE 4096
#define LAYOUT_KSTACK_SIZE (4 * LAYOUT_PAGE_SIZE)

/* GDT selectors. The order kernel code, kernel data, (32-bit user code),
 * user data, user code is the one syscall/sysret require. */
#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UDATA 0x20
#define SEL_UCODE 0x28
#define SEL_TSS 0x30

/* Interrupt vectors: the legacy PIC's IRQ 0-15 are remapped to 32-47 (and
 * all masked); each CPU's local APIC timer has a vector of its own. Plain
 * numbers, because trapentry.S builds symbol names from them. */
#define VEC_DOUBLE_FAULT 8 /* on its own stack (IST1) */
#define VEC_PAGE_FAULT 14
#define VEC_IRQ0 32
/* IRQ 7: what the master PIC sends when a request vanished before it was
 * acknowledged. */
#define VEC_PIC_SPURIOUS 39
#define VEC_TIMER 48	/* the local APIC timer, on every CPU */
#define VEC_SYSCALL 128 /* int $0x80, the only gate user mode may call */
/* Another CPU wants something of this one (lib/ipi.c); the highest
 * priority class, so a pending tick cannot hold it up. */
#define VEC_IPI 240
/* What a local APIC delivers when an interrupt vanished before the CPU
 * took it (no EOI for this one). */
#define VEC_APIC_SPURIOUS 255

/* struct cpu's arch_words (lib/cpu.h), reached as %gs:offset by the
 * syscall entry: the user's rsp while the entry needs a free register, and
 * the kernel stack top of the running process (arch_set_kernel_stack). */
#define CPU_USER_RSP 8
#define CPU_KSTACK_TOP 16

/* Where the other CPUs start, in real mode (a page below 1 MiB that is not
 * RAM to pmem; the SIPI vector is its page number). */
#define LAYOUT_TRAMPOLINE_PA 0x8000

#endif
