/*
 * The x86_64 trap frame and the pieces of trap handling shared between
 * trapentry.S, idt.c, gdt.c and trap.c.
 */
#ifndef X86_64_TRAP_H
#define X86_64_TRAP_H

#include "kernel/types.h"

/* What trapentry.S leaves on the stack, lowest address first: the general
 * registers it pushed, the vector and error code (0 when the CPU pushes
 * none), then the CPU's own interrupt frame. */
struct trapframe {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

/* One entry stub per handled vector, listed by trapentry.S. */
struct trap_stub {
	uint64_t vector;
	void (*entry)(void);
};
extern const struct trap_stub trap_stubs[], trap_stubs_end[];

/* The interrupt stack table slot of the double-fault handler. */
#define IST_DOUBLE_FAULT 1

/* Load the kernel GDT and TSS on this CPU (gs base is left alone). */
void gdt_init(void);
/* Unmap the page below the double-fault stack; needs the kernel page table. */
void gdt_guard_ist(void);

/* Handle the trap described by tf (called by trapentry.S, interrupts off). */
void trap_dispatch(struct trapframe *tf);

#endif
