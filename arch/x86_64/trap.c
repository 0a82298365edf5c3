/*
 * trap_dispatch: where every x86_64 trap lands. Page faults become a
 * neutral struct fault for mm/, timer interrupts go to the kernel's tick,
 * anything else is a bug: print the frame and panic with the trap's name.
 */
#include "arch/x86_64/trap.h"

#include "arch/x86_64/layout.h"
#include "arch/x86_64/pic.h"
#include "arch/x86_64/x86.h"
#include "kernel/kprintf.h"
#include "kernel/timer.h"
#include "mm/fault.h"

/* Page-fault error code bits. */
#define PF_WRITE (1u << 1)
#define PF_USER (1u << 2)
#define PF_IFETCH (1u << 4)

static const char *const exception_names[32] = {
    "divide error",
    "debug",
    "non-maskable interrupt",
    "breakpoint",
    "overflow",
    "bound range exceeded",
    "invalid opcode",
    "device not available",
    "double fault",
    "coprocessor segment overrun",
    "invalid TSS",
    "segment not present",
    "stack-segment fault",
    "general protection fault",
    "page fault",
    "reserved (15)",
    "x87 floating-point exception",
    "alignment check",
    "machine check",
    "SIMD floating-point exception",
    "virtualization exception",
    "control protection exception",
    "reserved (22)",
    "reserved (23)",
    "reserved (24)",
    "reserved (25)",
    "reserved (26)",
    "reserved (27)",
    "hypervisor injection exception",
    "VMM communication exception",
    "security exception",
    "reserved (31)",
};

/* The exception's name for a panic message. */
static const char *trap_name(uint64_t vector)
{
	if (vector < ARRAY_SIZE(exception_names))
		return exception_names[vector];
	return "interrupt";
}

/* Print every register of the interrupted context. */
static void print_trapframe(const struct trapframe *tf)
{
	kprintf("trap frame: vector %lu error 0x%lx\n", tf->vector, tf->error);
	kprintf("  rip %016lx cs %04lx rflags %016lx\n", tf->rip, tf->cs,
		tf->rflags);
	kprintf("  rsp %016lx ss %04lx rbp %016lx\n", tf->rsp, tf->ss, tf->rbp);
	kprintf("  rax %016lx rbx %016lx rcx %016lx\n", tf->rax, tf->rbx,
		tf->rcx);
	kprintf("  rdx %016lx rsi %016lx rdi %016lx\n", tf->rdx, tf->rsi,
		tf->rdi);
	kprintf("  r8  %016lx r9  %016lx r10 %016lx\n", tf->r8, tf->r9,
		tf->r10);
	kprintf("  r11 %016lx r12 %016lx r13 %016lx\n", tf->r11, tf->r12,
		tf->r13);
	kprintf("  r14 %016lx r15 %016lx\n", tf->r14, tf->r15);
}

/* Decode vector 14 (error code + CR2) into the neutral record for mm/. */
static void page_fault(const struct trapframe *tf)
{
	struct fault f = {
	    .addr = read_cr2(),
	    .access = (tf->error & PF_IFETCH)  ? ACCESS_EXEC
		      : (tf->error & PF_WRITE) ? ACCESS_WRITE
					       : ACCESS_READ,
	    .user = tf->error & PF_USER,
	    .pc = tf->rip,
	    .fp = tf->rbp,
	};
	mm_page_fault(&f);
}

/* Page fault -> mm_page_fault, timer -> EOI + timer_tick, spurious PIC
 * interrupt -> nothing; anything else panics (see trap.h). */
void trap_dispatch(struct trapframe *tf)
{
	switch (tf->vector) {
	case VEC_PAGE_FAULT:
		page_fault(tf);
		return;
	case VEC_TIMER:
		/* Acknowledge first: the tick may switch to another thread. */
		pic_eoi(tf->vector - VEC_IRQ0);
		timer_tick();
		return;
	case VEC_SPURIOUS:
		return; /* no EOI: the PIC has nothing in service */
	}
	print_trapframe(tf);
	panic_at(tf->rbp, "unexpected trap: %s (vector %lu, error 0x%lx)",
		 trap_name(tf->vector), tf->vector, tf->error);
}
