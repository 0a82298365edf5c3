/*
 * The pieces of trap handling shared between trapentry.S, idt.c, gdt.c,
 * context.c and trap.c; the frame itself is in <arch/trapframe.h>.
 */
#ifndef X86_64_TRAP_H
#define X86_64_TRAP_H

#include <arch/trapframe.h>

#include "lib/types.h"

/* One entry stub per handled vector, listed by trapentry.S. */
struct trap_stub {
	uint64_t vector;
	void (*entry)(void);
};
extern const struct trap_stub trap_stubs[], trap_stubs_end[];

/* The interrupt stack table slot of the double-fault handler. */
#define IST_DOUBLE_FAULT 1

/* Fill CPU id's own GDT and TSS (IST1 = ist_top, the top of its
 * double-fault stack) and load them on the calling CPU, which must be CPU
 * id (gs base is left alone). */
void gdt_init(int id, void *ist_top);
/* The top of the boot CPU's double-fault stack (static, in .bss). */
void *gdt_boot_ist(void);
/* Unmap the page below the boot CPU's double-fault stack; needs the kernel
 * page table. */
void gdt_guard_ist(void);
/* Load the IDT that arch_trap_init built (every CPU shares it). */
void idt_load(void);
/* Point the calling CPU's syscall instruction at syscall_entry
 * (trapentry.S): EFER.SCE, STAR, LSTAR, FMASK. Every CPU, once. */
void syscall_init(void);
extern char syscall_entry[];

/* Handle the trap described by tf (called by trapentry.S, interrupts off). */
void trap_dispatch(struct trapframe *tf);
/* Turn on SMEP/SMAP if the CPU has them (cpu.c), on every CPU; returns
 * the new CR4. */
uint64_t cpu_protect_user(void);
/* Nonzero once SMAP is on: trapentry.S then clears rflags.AC (clac) on
 * every trap from user mode. */
extern uint8_t x86_smap_on;

#endif
