/*
 * What the arch's trap handler calls in the kernel. Traps from user mode:
 *
 *   syscall (int $0x80 / ecall)  -> syscall_handle(tf)
 *   page fault                   -> trap_page_fault(&fault) (mm/fault.h's
 * record) any other exception          -> trap_user_kill(name, pc, addr) timer
 * interrupt              -> timer_tick() IPI from another CPU         ->
 * ipi_receive()           (lib/ipi.h)
 *   ... and then, always         -> trap_user_return()
 *
 * Traps from kernel mode: page faults go to trap_page_fault, the timer to
 * timer_tick, IPIs to ipi_receive, anything else panics. Every one of
 * these is called with interrupts off, on both machines; syscall_handle
 * turns them on while a call that may run long runs.
 */
#ifndef KERNEL_TRAP_H
#define KERNEL_TRAP_H

#include "lib/types.h"

struct fault;
struct trapframe;

/* A page fault, decoded by the arch: a kernel fault panics with the record
 * in words; a user fault goes to the fault policy (mm_user_fault, with
 * interrupts on, for it may sleep), and a refused one kills the process
 * with the verdict's reason. */
void trap_page_fault(const struct fault *f);

/* Run the system call described by tf (number and arguments) for the
 * current process and store its result in tf. */
void syscall_handle(struct trapframe *tf);

/* Kill the current process for a trap the kernel refuses, with one console
 * line: "pid 7 (kills) killed: <reason>[ at <addr>], pc <pc>" (addr 0: the
 * trap has none). Exit status -1; does not return. */
noreturn void trap_user_kill(const char *reason, uintptr_t pc, uintptr_t addr);

/* Last stop before returning to user mode: exits if the process was
 * killed, gives up the CPU if its time slice is over. Interrupts off. */
void trap_user_return(void);

#endif
