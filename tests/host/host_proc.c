/*
 * What mm/fault.c and mm/uaccess.c ask of kernel/proc.c, for a host
 * process: the current process, and killing it (see host.h).
 */
#include "tests/host/host.h"

#include <stdio.h>
#include <stdlib.h>

#include "kernel/proc.h"
#include "lib/cpu.h"

struct host_kill host_kill;

struct proc *proc_current(void)
{
	return mycpu()->proc;
}

/* Like the kernel, never returns to the killed process: back to whoever
 * made the access that was refused. */
noreturn void proc_kill_current(const char *reason, uintptr_t pc,
				uintptr_t addr, const char *access)
{
	jmp_buf *catch = host_kill.catch;

	(void)pc;
	host_kill.reason = reason;
	host_kill.addr = addr;
	host_kill.access = access;
	host_kill.catch = NULL;
	if (catch)
		longjmp(*catch, 1);
	fflush(stdout);
	fprintf(stderr, "\nproc_kill_current: unexpected kill: %s %p: %s\n",
		access, (void *)addr, reason);
	abort();
}
