/*
 * Trap dispatch: stvec setup and the C side of trapentry.S, which decodes
 * scause (kernel/trap.h lists who gets what). Page faults become a neutral
 * struct fault for mm/, the timer interrupt goes to the timer, an ecall from
 * user mode is a system call; any other exception kills a user process and
 * is a kernel bug in the kernel: dump the frame and panic.
 */
#include <arch/arch.h>

#include "arch/riscv/csr.h"
#include "arch/riscv/platform.h"
#include "arch/riscv/trapframe.h"
#include "kernel/trap.h"
#include "lib/cpu.h"
#include "lib/ipi.h"
#include "lib/kprintf.h"
#include "lib/panic.h"
#include "mm/fault.h"
#include "mm/kstack.h"

_Static_assert(__builtin_offsetof(struct trapframe, x[31]) == TF_X(31),
	       "trapframe.h: registers");
_Static_assert(__builtin_offsetof(struct trapframe, s0) == TF_X(8),
	       "trapframe.h: register names");
_Static_assert(__builtin_offsetof(struct trapframe, sepc) == TF_SEPC,
	       "trapframe.h: sepc");
_Static_assert(__builtin_offsetof(struct trapframe, sstatus) == TF_SSTATUS,
	       "trapframe.h: sstatus");
_Static_assert(__builtin_offsetof(struct trapframe, scause) == TF_SCAUSE,
	       "trapframe.h: scause");
_Static_assert(__builtin_offsetof(struct trapframe, stval) == TF_STVAL,
	       "trapframe.h: stval");
_Static_assert(__builtin_offsetof(struct trapframe, kernel_tp) == TF_KERNEL_TP,
	       "trapframe.h: kernel_tp");
_Static_assert(sizeof(struct trapframe) == TRAPFRAME_SIZE, "trapframe.h: size");
_Static_assert(TRAP_STACK_SIZE >= TRAPFRAME_SIZE + 16 &&
		   TRAP_STACK_SIZE % 16 == 0,
	       "trapframe.h: frame record and stack alignment");

/* scause codes (RISC-V privileged specification, table "supervisor cause
 * register values after trap"). */
#define IRQ_S_SOFT 1
#define IRQ_S_TIMER 5
#define EXC_ILLEGAL_INST 2
#define EXC_BREAKPOINT 3
#define EXC_STORE_ACCESS_FAULT 7
#define EXC_ECALL_U 8
#define EXC_INST_PAGE_FAULT 12
#define EXC_LOAD_PAGE_FAULT 13

extern char trap_entry[];

static const char *const exception_names[] = {
    [0] = "instruction address misaligned",
    [1] = "instruction access fault",
    [2] = "illegal instruction",
    [3] = "breakpoint",
    [4] = "load address misaligned",
    [5] = "load access fault",
    [6] = "store/AMO address misaligned",
    [7] = "store/AMO access fault",
    [8] = "environment call from U-mode",
    [9] = "environment call from S-mode",
    [12] = "instruction page fault",
    [13] = "load page fault",
    [15] = "store/AMO page fault",
};

static const char *const interrupt_names[] = {
    [1] = "supervisor software interrupt",
    [5] = "supervisor timer interrupt",
    [9] = "supervisor external interrupt",
};

static const char *const reg_names[32] = {
    "zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "s0", "s1", "a0",
    "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
    "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

/* Point stvec at trap_entry (direct mode: every trap enters there),
 * start with sscratch = 0, "running kernel code" (see trapentry.S), and
 * accept software interrupts, the IPIs the SBI delivers. */
void arch_trap_init(void)
{
	csr_write(sscratch, 0);
	csr_write(stvec, (uintptr_t)trap_entry);
	csr_set(sie, SIE_SSIE);
}

/* The name the privileged specification gives scause, or "unknown trap". */
static const char *trap_name(uint64_t scause)
{
	uint64_t code = SCAUSE_CODE(scause);
	const char *name = NULL;

	if (scause & SCAUSE_INTERRUPT) {
		if (code < ARRAY_SIZE(interrupt_names))
			name = interrupt_names[code];
	} else if (code < ARRAY_SIZE(exception_names)) {
		name = exception_names[code];
	}
	return name ? name : "unknown trap";
}

/* Print every saved register of tf, four to a line. */
static void dump_trapframe(const struct trapframe *tf)
{
	kprintf("trap frame: sepc %016lx scause %016lx stval %016lx\n"
		"            sstatus %016lx (from %s mode)\n",
		tf->sepc, tf->scause, tf->stval, tf->sstatus,
		tf->sstatus & SSTATUS_SPP ? "supervisor" : "user");
	for (int i = 1; i < 32; i++)
		kprintf("%4s %016lx%s", reg_names[i], tf->x[i],
			i % 4 == 3 || i == 31 ? "\n" : "  ");
}

/* Is scause code a page fault? If so, *access is what the access was. */
static bool page_fault_access(uint64_t code, enum access *access)
{
	if (code == EXC_INST_PAGE_FAULT)
		*access = ACCESS_EXEC;
	else if (code == EXC_LOAD_PAGE_FAULT)
		*access = ACCESS_READ;
	else if (code == EXC_STORE_PAGE_FAULT)
		*access = ACCESS_WRITE;
	else
		return false;
	return true;
}

/* A page fault as mm/'s neutral record. A user fault gets fp 0: the user
 * s0 means nothing to a kernel backtrace. */
static struct fault fault_record(const struct trapframe *tf, enum access access)
{
	bool user = !(tf->sstatus & SSTATUS_SPP);

	return (struct fault){
	    .addr = tf->stval,
	    .access = access,
	    .user = user,
	    .pc = tf->sepc,
	    .fp = user ? 0 : tf->s0,
	};
}

/* A trap nobody handles: a kernel bug. Print the frame and panic. */
static noreturn void unexpected_trap(const struct trapframe *tf)
{
	struct panic_cause c = {
	    .kind = PANIC_TRAP, .pc = tf->sepc, .fp = tf->s0};

	dump_trapframe(tf);
	panic_at(&c, "unexpected trap: %s (scause 0x%lx, stval 0x%lx), pc %pS",
		 trap_name(tf->scause), tf->scause, tf->stval,
		 (void *)tf->sepc);
}

/* An IPI (the SBI set sip.SSIP): clear it first, so one sent while this
 * runs is taken again, then do what was asked. */
static void ipi_interrupt(void)
{
	csr_clear(sip, SIP_SSIP);
	ipi_receive();
}

/* Handle the interrupt in tf: the timer or an IPI; anything else is a bug. */
static void interrupt(const struct trapframe *tf)
{
	switch (SCAUSE_CODE(tf->scause)) {
	case IRQ_S_TIMER:
		riscv_timer_interrupt();
		break;
	case IRQ_S_SOFT:
		ipi_interrupt();
		break;
	default:
		unexpected_trap(tf);
	}
}

_Static_assert(__builtin_offsetof(struct cpu, arch_words[0]) ==
		       CPU_OVERFLOW_STACK &&
		   __builtin_offsetof(struct cpu, arch_words[1]) ==
		       CPU_PARK_T0 &&
		   __builtin_offsetof(struct cpu, arch_words[2]) == CPU_PARK_T1,
	       "trapframe.h: struct cpu's arch words");

noreturn void riscv_stack_overflow(struct trapframe *tf)
{
	dump_trapframe(tf);
	kstack_overflow_panic(tf->sepc, tf->s0, tf->stval, tf->sp);
}

/* Give this hart an overflow stack for trap_entry (a kernel stack of its
 * own, so a guard page is below it too). */
void riscv_overflow_stack_init(struct cpu *c)
{
	void *top = kstack_alloc();

	if (!top)
		panic("riscv: no overflow stack for cpu %d", c->id);
	c->arch_words[0] = (uintptr_t)top;
}

void riscv_kernel_trap(struct trapframe *tf)
{
	uint64_t code = SCAUSE_CODE(tf->scause);
	enum access access;
	struct fault f;

	if (!(tf->sstatus & SSTATUS_SPP))
		panic("riscv_kernel_trap: trap from U-mode with sscratch 0");
	if (tf->scause & SCAUSE_INTERRUPT) {
		interrupt(tf);
	} else if (page_fault_access(code, &access)) {
		f = fault_record(tf, access);
		trap_page_fault(&f);
	} else {
		unexpected_trap(tf);
	}
}

/* What the kill line of an exception reports as the address: stval where it
 * holds one (misaligned and access faults), else 0 (an illegal instruction
 * leaves the instruction's bits there, ebreak the pc). */
static uintptr_t user_fault_address(const struct trapframe *tf)
{
	uint64_t code = SCAUSE_CODE(tf->scause);

	if (code > EXC_STORE_ACCESS_FAULT || code == EXC_ILLEGAL_INST ||
	    code == EXC_BREAKPOINT)
		return 0;
	return tf->stval;
}

/* An exception from user mode, decoded for trap_user with only the fields
 * of its kind set (kernel/trap.h): a system call (resuming after the
 * ecall), a page fault, or anything else. */
static void user_exception(struct trapframe *tf)
{
	uint64_t code = SCAUSE_CODE(tf->scause);
	struct trap_event ev;
	enum access access;

	if (code == EXC_ECALL_U) {
		tf->sepc += 4;
		ev.kind = TRAP_SYSCALL;
	} else if (page_fault_access(code, &access)) {
		ev.kind = TRAP_PAGE_FAULT;
		ev.fault = fault_record(tf, access);
	} else {
		ev.kind = TRAP_OTHER;
		ev.name = trap_name(tf->scause);
		ev.pc = tf->sepc;
		ev.addr = user_fault_address(tf);
	}
	trap_user(tf, &ev);
}

noreturn void riscv_user_trap(struct trapframe *tf)
{
	if (tf->sstatus & SSTATUS_SPP)
		panic("riscv_user_trap: trap from S-mode with sscratch set");
	if (!(tf->scause & SCAUSE_INTERRUPT))
		user_exception(tf);
	else
		interrupt(tf);
	arch_intr_disable();
	trap_user_return();
	arch_return_to_user(tf);
}
