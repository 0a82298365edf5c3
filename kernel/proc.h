/*
 * Processes: single-threaded, each with an address space, a kernel stack
 * (guarded) holding its trap frame at the top, and a table of open files.
 *
 *   fork/spawn -> RUNNABLE <-> RUNNING -> exit -> ZOMBIE -> wait -> freed
 *                     ^            |
 *                     +- SLEEPING <+   (sleep on a channel, wakeup)
 *
 * A zombie keeps only its struct proc (pid, status, links): its address
 * space, files and kernel stack are freed when it exits.
 */
#ifndef KERNEL_PROC_H
#define KERNEL_PROC_H

#include "lib/cpu.h"
#include "lib/spinlock.h"
#include "lib/types.h"

#define PROC_NAME_MAX 32
#define NFD 128

enum proc_state { PROC_RUNNABLE, PROC_RUNNING, PROC_SLEEPING, PROC_ZOMBIE };

struct addrspace;
struct context;
struct file;
struct trapframe;

struct proc {
	int pid;
	enum proc_state state;
	char name[PROC_NAME_MAX];
	struct proc *parent;
	struct proc *children;	/* first child (live or zombie) */
	struct proc *sibling;	/* next child of the same parent */
	struct proc *live_next; /* every process that is not a zombie */
	struct proc *run_next;	/* run queue link */
	struct addrspace *as;
	void *kstack;	      /* top of the kernel stack */
	struct trapframe *tf; /* user registers, at the top of kstack */
	struct context *ctx;  /* saved kernel registers while not running */
	const void *chan;     /* what a SLEEPING process waits for */
	bool killed;	      /* atomic: set by proc_kill on any CPU */
	int exit_status;
	struct file **files; /* NFD slots */
	/* Runs init's program (init, or a fork of it not yet exec'd):
	 * injected failures spare it (lib/failinject.h). */
	bool failinject_spared;
};

/* The scheduler's per-CPU state, beside the support layer's struct cpu. */
struct sched_cpu {
	struct proc *proc;	   /* running process, or NULL */
	struct context *sched_ctx; /* this CPU's scheduler loop */
	bool resched;		   /* the running process's slice is over */
	uint64_t ticks;		   /* timer interrupts taken on this CPU */
};

extern struct sched_cpu sched_cpus[NCPU];

/* The calling CPU's scheduler state (see mycpu: the kernel never preempts
 * itself, so the CPU cannot change under the caller). */
static inline struct sched_cpu *mysched(void)
{
	return &sched_cpus[cpu_id()];
}

/* Guards every process's state, links and the run queue. */
extern struct spinlock proc_lock;

/* The process running on this CPU, or NULL. */
struct proc *proc_current(void);
/* The current process's address space, for the copy helpers (mm/uaccess.h). */
struct addrspace *proc_as(void);

/* Create the first process from the initrd program path with argument
 * string args, and run the scheduler on this CPU forever. */
noreturn void proc_start_init(const char *args);

/* Run processes on this CPU forever (every CPU but the boot CPU, which
 * enters it through proc_start_init). */
noreturn void proc_scheduler(void);

/* Give up the CPU and sleep until wakeup(chan). lk is held on entry and
 * again on return (it may be proc_lock itself). */
void proc_sleep(const void *chan, struct spinlock *lk);
/* Make every process sleeping on chan runnable. */
void proc_wakeup(const void *chan);
/* Give up the CPU for one round of the scheduler. */
void proc_yield(void);

/* The system calls on processes. User pointers are user addresses. */
int proc_fork(void);
int proc_spawn(const char *args); /* args: "prog arg1 ..." (kernel copy) */
int proc_exec(const char *args);  /* returns only on error */
int proc_wait(int pid, uintptr_t status_uaddr);
noreturn void proc_exit(int status);
/* Kill the current process for a user page fault the policy refused (the
 * verdict's reason, access "read", "write" or "execute"), with one console
 * line naming it: "pid 7 (fuzz) killed: page fault: user write at 0x0 (bad
 * address (no region)), pc 0x401234". Counted in num_kill; exit status -1. */
noreturn void proc_kill_current(const char *reason, uintptr_t pc,
				uintptr_t addr, const char *access);

/* Sleep for at least ms milliseconds (less if the process is killed);
 * 0 gives up the CPU for one round. */
void proc_sleep_ms(unsigned ms);

/* Kill process pid, or with pid -1 every process but init and the caller:
 * each exits with status -1 as soon as it next leaves the kernel (a
 * sleeping one is woken for that). ERR_OK, or ERR_NOTEXIST when nothing
 * matched. */
int proc_kill(int pid);
/* Has p been killed? p->killed, which proc_kill may set on another CPU at
 * any time. */
static inline bool proc_is_killed(const struct proc *p)
{
	return __atomic_load_n(&p->killed, __ATOMIC_ACQUIRE);
}

/* Has the current process been killed? Sleeping loops check it to stop
 * waiting, and every system call before it runs (inline: one call fewer
 * on each). */
static inline bool proc_killed(void)
{
	return proc_is_killed(proc_current());
}

/* The address space of process pid, held (as_hold) so that it stays whole
 * while the caller reads it, even if pid exits or execs meanwhile; NULL when
 * there is no such process or it has exited. The caller ends with
 * as_release. */
struct addrspace *proc_hold_as(int pid);

/* Counters for info(). */
size_t proc_live_count(void);
extern size_t num_kill;

#endif
