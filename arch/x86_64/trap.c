/*
 * trap_dispatch: where every x86_64 trap lands, routed as kernel/trap.h
 * says. Interrupts go to the kernel's tick and ipi_receive; an exception
 * from user mode is decoded into a struct trap_event for trap_user (a
 * page fault into mm/'s neutral struct fault); one from kernel mode is a
 * page fault for trap_page_fault or a panic.
 */
#include "arch/x86_64/trap.h"

#include "arch/x86_64/lapic.h"
#include "arch/x86_64/layout.h"
#include "arch/x86_64/x86.h"
#include "kernel/timer.h"
#include "kernel/trap.h"
#include "lib/ipi.h"
#include "lib/kprintf.h"
#include "lib/panic.h"
#include "mm/fault.h"
#include "mm/kstack.h"

_Static_assert(__builtin_offsetof(struct trapframe, vector) == TF_VECTOR,
	       "trapframe.h: TF_VECTOR");
_Static_assert(__builtin_offsetof(struct trapframe, error) == TF_ERROR &&
		   __builtin_offsetof(struct trapframe, rip) == TF_RIP &&
		   __builtin_offsetof(struct trapframe, rflags) == TF_RFLAGS &&
		   __builtin_offsetof(struct trapframe, rsp) == TF_RSP,
	       "trapframe.h: the offsets trap_exit and syscall_entry use");
_Static_assert(__builtin_offsetof(struct trapframe, cs) == TF_CS,
	       "trapframe.h: TF_CS");
_Static_assert(sizeof(struct trapframe) == TF_SIZE, "trapframe.h: TF_SIZE");

/* Page-fault error code bits. */
#define PF_WRITE (1u << 1)
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

/* Did the trap interrupt user mode (ring 3)? */
static bool from_user(const struct trapframe *tf)
{
	return (tf->cs & 3) == 3;
}

/* Decode vector 14 (error code + CR2) into the neutral record for mm/. A
 * user fault gets fp 0: the user's rbp means nothing to a kernel
 * backtrace. */
static struct fault fault_record(const struct trapframe *tf)
{
	bool user = from_user(tf);

	return (struct fault){
	    .addr = read_cr2(),
	    .access = (tf->error & PF_IFETCH)  ? ACCESS_EXEC
		      : (tf->error & PF_WRITE) ? ACCESS_WRITE
					       : ACCESS_READ,
	    .user = user,
	    .pc = tf->rip,
	    .fp = user ? 0 : tf->rbp,
	};
}

/* This CPU's local APIC timer. Acknowledge it first, for the tick may
 * switch to another thread. */
static void timer_interrupt(void)
{
	lapic_eoi();
	timer_tick();
}

/* An IPI from another CPU: acknowledge it, then do what was asked. */
static void ipi_interrupt(void)
{
	lapic_eoi();
	ipi_receive();
}

/* The interrupts user and kernel mode share: the timer goes to the tick,
 * an IPI to ipi_receive, a spurious interrupt nowhere (and no EOI: nothing
 * is in service). Returns false for any other vector. */
static bool interrupt(const struct trapframe *tf)
{
	switch (tf->vector) {
	case VEC_TIMER:
		timer_interrupt();
		return true;
	case VEC_IPI:
		ipi_interrupt();
		return true;
	case VEC_PIC_SPURIOUS:
	case VEC_APIC_SPURIOUS:
		return true;
	}
	return false;
}

/* A trap from user mode: an interrupt, or an exception for trap_user,
 * with only the fields of its kind set (kernel/trap.h): a system call, the
 * most frequent, costs no more than a test. Only page faults report an
 * address on x86 (CR2), in their record, so any other exception reports
 * none. */
static void user_trap(struct trapframe *tf)
{
	struct trap_event ev;

	if (tf->vector == VEC_SYSCALL) {
		ev.kind = TRAP_SYSCALL;
	} else if (interrupt(tf)) {
		return;
	} else if (tf->vector == VEC_PAGE_FAULT) {
		ev.kind = TRAP_PAGE_FAULT;
		ev.fault = fault_record(tf);
	} else {
		ev.kind = TRAP_OTHER;
		ev.name = trap_name(tf->vector);
		ev.pc = tf->rip;
		ev.addr = 0;
	}
	trap_user(tf, &ev);
}

/* A double fault whose page fault (CR2) was next to rsp: the kernel stack
 * ran into its guard page, and the CPU could not push the page fault's
 * frame there, so it came here on the IST1 stack. Panics. */
static void check_stack_overflow(const struct trapframe *tf)
{
	uint64_t cr2 = read_cr2();

	if (tf->vector != VEC_DOUBLE_FAULT || !kstack_overflowed(cr2, tf->rsp))
		return;
	print_trapframe(tf);
	kstack_overflow_panic(tf->rip, tf->rbp, cr2, tf->rsp);
}

/* A trap from kernel mode: an interrupt, or a page fault for
 * trap_page_fault (which panics); anything else is a kernel bug and
 * panics (a stack overflow by that name). */
static void kernel_trap(struct trapframe *tf)
{
	struct panic_cause c;
	struct fault f;

	if (interrupt(tf))
		return;
	if (tf->vector == VEC_PAGE_FAULT) {
		f = fault_record(tf);
		trap_page_fault(&f);
		return;
	}
	check_stack_overflow(tf);
	print_trapframe(tf);
	c = (struct panic_cause){
	    .kind = PANIC_TRAP, .pc = tf->rip, .fp = tf->rbp};
	panic_at(&c, "unexpected trap: %s (vector %lu, error 0x%lx), pc %pS",
		 trap_name(tf->vector), tf->vector, tf->error, (void *)tf->rip);
}

/* Every trap lands here with interrupts off (see trap.h); a trap from user
 * mode always ends in trap_user_return before trapentry.S irets. */
void trap_dispatch(struct trapframe *tf)
{
	if (!from_user(tf)) {
		kernel_trap(tf);
		return;
	}
	user_trap(tf);
	trap_user_return();
}
