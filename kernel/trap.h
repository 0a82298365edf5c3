/*
 * What the arch's trap handler calls in the kernel. Traps from user mode:
 *
 *   an exception: the arch decodes it into a struct trap_event, and
 *     trap_user(tf, &event) routes it (kernel/trap.c):
 *       system call (int $0x80 / ecall)  -> syscall_handle(tf)
 *       page fault (mm/fault.h's record) -> trap_page_fault: mm/'s verdict,
 *                                           then nothing or a kill
 *       any other exception              -> trap_user_kill(name, pc, addr)
 *   the timer interrupt                  -> timer_tick()
 *   an IPI from another CPU              -> ipi_receive() (lib/ipi.h)
 *   ... and then, always                 -> trap_user_return()
 *
 * Traps from kernel mode: page faults go to trap_page_fault (which
 * panics), the timer to timer_tick, IPIs to ipi_receive, anything else
 * panics. Every one of these is called with interrupts off, on both
 * machines; syscall_handle turns them on while a call that may run long
 * runs.
 */
#ifndef KERNEL_TRAP_H
#define KERNEL_TRAP_H

#include "lib/types.h"
#include "mm/fault.h"

struct trapframe;

/* ---- For the arch -------------------------------------------------------- */

enum trap_kind {
	TRAP_SYSCALL,	 /* the arguments are in the trap frame */
	TRAP_PAGE_FAULT, /* .fault */
	TRAP_OTHER,	 /* .name, .pc, .addr */
};

/* An exception from user mode as the arch decoded it. */
/* Only the fields of its kind are set: TRAP_SYSCALL none (the trap frame
 * holds the call), TRAP_PAGE_FAULT .fault, TRAP_OTHER .name, .pc, .addr. */
struct trap_event {
	enum trap_kind kind;
	struct fault fault; /* the page fault (.user true, .fp 0) */
	const char *name;   /* the exception's name, for the kill line */
	uintptr_t pc;	    /* the instruction that trapped */
	uintptr_t addr;	    /* the address the trap reports; 0: none */
};

/* A page fault, decoded by the arch: a kernel fault panics with the record
 * in words; a user fault goes to the fault policy (mm_user_fault; it may
 * sleep, through the scheduler), and a refused one kills the process
 * with the verdict's reason. */
void trap_page_fault(const struct fault *f);

/* Last stop before returning to user mode: exits if the process was
 * killed, gives up the CPU if its time slice is over. Interrupts off. */
void trap_user_return(void);

/* ---- The routes of trap_user --------------------------------------------- */

/* Run the system call described by tf (number and arguments) for the
 * current process and store its result in tf (kernel/syscall.c). */
void syscall_handle(struct trapframe *tf);

/* Kill the current process for a trap the kernel refuses, with one console
 * line: "pid 7 (kills) killed: <reason>[ at <addr>], pc <pc>" (addr 0: the
 * trap has none). Exit status -1; does not return (kernel/proc.c). */
noreturn void trap_user_kill(const char *reason, uintptr_t pc, uintptr_t addr);

/* Act on exception ev from user mode, tf being the current process's trap
 * frame: run the system call (its result stored in tf), resolve the page
 * fault, or kill the process (then it does not return). Interrupts off.
 * For a system call, tf's pc must already be where the process resumes
 * (RISC-V moves it past the ecall; int $0x80 leaves it past itself).
 * Inline, into each arch's decoder: one call fewer on every system call
 * and fault. */
static inline void trap_user(struct trapframe *tf, const struct trap_event *ev)
{
	switch (ev->kind) {
	case TRAP_SYSCALL:
		syscall_handle(tf);
		return;
	case TRAP_PAGE_FAULT:
		trap_page_fault(&ev->fault);
		return;
	case TRAP_OTHER:
		break;
	}
	trap_user_kill(ev->name, ev->pc, ev->addr);
}

#endif
