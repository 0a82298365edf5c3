/*
 * Processes and the scheduler (see proc.h).
 *
 * One lock, proc_lock, guards every process's state and links and the run
 * queue. Each CPU runs proc_scheduler(): take the oldest runnable process,
 * switch to it, and when it switches back (sched) pick again. A process gives
 * up the CPU by changing its state under proc_lock and calling sched().
 *
 *   scheduler ctx --arch_context_switch--> process ctx
 *        ^                                      |
 *        +---------------- sched() <------------+  (yield, sleep, exit)
 */
#include "kernel/proc.h"

#include <arch/arch.h>
#include <arch/trapframe.h>

#include "kernel/exec.h"
#include "kernel/file.h"
#include "kernel/timer.h"
#include "kernel/trap.h"
#include "lib/abi/errcode.h"
#include "lib/cpu.h"
#include "lib/failinject.h"
#include "lib/ipi.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "lib/wait.h"
#include "mm/addrspace.h"
#include "mm/kmalloc.h"
#include "mm/kmap.h"
#include "mm/kstack.h"
#include "mm/pmem.h"
#include "mm/uaccess.h"
#include "mm/vpmap.h"

struct spinlock proc_lock = SPINLOCK_INIT("proc");
struct sched_cpu sched_cpus[NCPU];
size_t num_kill;

static struct proc *live_list; /* every non-zombie process */
static struct proc *runq_head, *runq_tail;
static struct proc *init_proc;
static int next_pid = 1;

/* No intr_push needed (it costs two flag reads a call): the kernel never
 * preempts itself, so a process leaves its CPU only where it sleeps or
 * yields, and mycpu() cannot change under the caller in between. */
struct proc *proc_current(void)
{
	return mysched()->proc;
}

struct addrspace *proc_as(void)
{
	return mysched()->proc->as;
}

static void set_killed(struct proc *p)
{
	__atomic_store_n(&p->killed, true, __ATOMIC_RELEASE);
}

/* ---- Run queue (proc_lock held) ------------------------------------------ */

static void runq_push(struct proc *p)
{
	p->state = PROC_RUNNABLE;
	p->run_next = NULL;
	if (runq_tail)
		runq_tail->run_next = p;
	else
		runq_head = p;
	runq_tail = p;
	ipi_kick_idle();
}

static struct proc *runq_pop(void)
{
	struct proc *p = runq_head;

	if (p) {
		runq_head = p->run_next;
		if (!runq_head)
			runq_tail = NULL;
	}
	return p;
}

/* Is anything runnable? A hint (no lock) for an idle CPU. */
static bool runq_has_work(void)
{
	return __atomic_load_n(&runq_head, __ATOMIC_RELAXED) != NULL;
}

/* ---- Switching ----------------------------------------------------------- */

/* Switch from the current process to this CPU's scheduler. The caller holds
 * proc_lock (only) and has changed the process's state. The interrupt
 * state saved by the lock belongs to this kernel thread, not to the CPU it
 * resumes on, so it travels across the switch. */
static void sched(void)
{
	struct proc *p = mysched()->proc;
	bool was_on;

	if (!spin_holding(&proc_lock) || mycpu()->intr_depth != 1)
		panic("sched: must hold exactly proc_lock");
	if (p->state == PROC_RUNNING)
		panic("sched: process %d still running", p->pid);
	was_on = mycpu()->intr_was_on;
	arch_context_switch(&p->ctx, mysched()->sched_ctx);
	mycpu()->intr_was_on = was_on;
}

static void wakeup_locked(const void *chan);

/* After a process stopped running on this CPU. Its page table stays
 * loaded until the scheduler loads the next one. proc_lock held. */
static void after_switch(void)
{
	mysched()->proc = NULL;
	wait_set_self(NULL);
}

/* The kernel stack of zombie p, which it ran on until the switch: freed
 * without proc_lock (freeing shoots every CPU down, and they may be
 * spinning for the lock), and only then may the parent reap p. The table
 * loaded here is the kernel's (proc_exit), so letting go of the lock
 * leaves nothing of p's loaded. proc_lock held on entry and on return. */
static void free_zombie_stack(struct proc *p)
{
	void *stack = p->kstack;

	spin_unlock(&proc_lock);
	kstack_free(stack);
	spin_lock(&proc_lock);
	p->kstack = NULL;
	wakeup_locked(p->parent);
}

/* Run p on this CPU until it gives the CPU back. proc_lock held, and held
 * again on return (p takes it before switching back). */
static void run(struct sched_cpu *c, struct proc *p)
{
	p->state = PROC_RUNNING;
	c->proc = p;
	wait_set_self(p);
	c->resched = false;
	vpmap_activate(&p->as->pmap);
	arch_set_kernel_stack(p->kstack);
	arch_context_switch(&c->sched_ctx, p->ctx);
	after_switch();
}

/* This CPU's scheduler loop: run runnable processes round robin, halt when
 * there are none. From one process to the next proc_lock stays held, so
 * the last one's page table may stay loaded until the next one's replaces
 * it (one TLB flush per switch, not two): nobody can run, and so exit and
 * free, the last one meanwhile. Before the lock goes, the kernel's own
 * table is loaded. */
noreturn void proc_scheduler(void)
{
	struct sched_cpu *c = mysched();

	spin_lock(&proc_lock);
	for (;;) {
		struct proc *p = runq_pop();

		if (p) {
			run(c, p);
			if (p->state == PROC_ZOMBIE)
				free_zombie_stack(p);
			continue;
		}
		vpmap_activate(vpmap_kernel());
		spin_unlock(&proc_lock);
		/* Halt while nothing is runnable. Interrupts are off from the
		 * check to the halt, so neither a wakeup on this CPU nor the
		 * kick of another (runq_push) can slip in between; the peek
		 * without the lock is only a hint. */
		arch_intr_disable();
		ipi_idle_wait(runq_has_work);
		spin_lock(&proc_lock);
	}
}

void proc_yield(void)
{
	spin_lock(&proc_lock);
	runq_push(mysched()->proc);
	sched();
	spin_unlock(&proc_lock);
}

void proc_sleep(const void *chan, struct spinlock *lk)
{
	struct proc *p = mysched()->proc;

	if (lk != &proc_lock) {
		spin_lock(&proc_lock);
		spin_unlock(lk);
	}
	if (!proc_is_killed(
		p)) { /* a kill since the caller's check: no sleep */
		p->chan = chan;
		p->state = PROC_SLEEPING;
		sched();
		p->chan = NULL;
	}
	if (lk != &proc_lock) {
		spin_unlock(&proc_lock);
		spin_lock(lk);
	}
}

/* proc_wakeup with proc_lock held. */
static void wakeup_locked(const void *chan)
{
	for (struct proc *p = live_list; p; p = p->live_next)
		if (p->state == PROC_SLEEPING && p->chan == chan)
			runq_push(p);
}

void proc_wakeup(const void *chan)
{
	spin_lock(&proc_lock);
	wakeup_locked(chan);
	spin_unlock(&proc_lock);
}

/* Whole ticks for ms, plus one: the tick now in progress may be about to
 * end, and "at least ms" must hold even then. */
void proc_sleep_ms(unsigned ms)
{
	uint64_t until =
	    timer_ticks() + ((uint64_t)ms * TIMER_HZ + 999) / 1000 + 1;

	if (ms == 0) {
		proc_yield();
		return;
	}
	spin_lock(&proc_lock);
	while (timer_ticks() < until && !proc_is_killed(mysched()->proc))
		proc_sleep(&timer_ticks_chan, &proc_lock);
	spin_unlock(&proc_lock);
}

int proc_kill(int pid)
{
	struct proc *self = proc_current();
	int found = 0;

	spin_lock(&proc_lock);
	for (struct proc *p = live_list; p; p = p->live_next) {
		if (pid == -1 ? p == init_proc || p == self : p->pid != pid)
			continue;
		if (pid == -1)
			kprintf("pid %d (%s) killed by pid %d (%s)\n", p->pid,
				p->name, self->pid, self->name);
		set_killed(p);
		found++;
		if (p->state == PROC_SLEEPING)
			runq_push(p);
	}
	spin_unlock(&proc_lock);
	return found ? ERR_OK : ERR_NOTEXIST;
}

void trap_user_return(void)
{
	struct sched_cpu *c = mysched();
	struct proc *p = c->proc;

	if (c->resched) {
		c->resched = false;
		proc_yield(); /* c is stale from here: p may run elsewhere */
	}
	if (proc_is_killed(p))
		proc_exit(-1);
}

/* ---- Creating and ending processes ----------------------------------------
 */

/* The first code a new process runs, in the kernel: leave the scheduler's
 * lock and enter user mode with the trap frame prepared for it. */
static noreturn void proc_first_run(void)
{
	spin_unlock(&proc_lock);
	arch_intr_disable();
	arch_return_to_user(mysched()->proc->tf);
}

/* Free what proc_alloc made, for a process that never ran. */
static void proc_free(struct proc *p)
{
	if (p->as)
		as_release(p->as);
	for (int fd = 0; p->files && fd < NFD; fd++)
		if (p->files[fd])
			file_close(p->files[fd]);
	kfree(p->files);
	if (p->kstack)
		kstack_free(p->kstack);
	kfree(p);
}

/* A new process named name with a pid, a kernel stack whose first switch
 * runs proc_first_run, and an empty file table; or NULL. */
static struct proc *proc_alloc(const char *name)
{
	struct proc *p = kmalloc(sizeof(*p));

	if (!p)
		return NULL;
	p->files = kmalloc(NFD * sizeof(struct file *));
	p->kstack = kstack_alloc();
	if (!p->files || !p->kstack) {
		proc_free(p);
		return NULL;
	}
	strlcpy(p->name, name, sizeof(p->name));
	p->tf = arch_trapframe(p->kstack);
	p->ctx = arch_context_init(p->kstack, proc_first_run);
	spin_lock(&proc_lock);
	p->pid = next_pid++;
	spin_unlock(&proc_lock);
	return p;
}

/* Give child a copy of parent's open files. */
static void files_inherit(struct proc *child, struct proc *parent)
{
	for (int fd = 0; fd < NFD; fd++)
		if (parent->files[fd])
			child->files[fd] = file_dup(parent->files[fd]);
}

/* Make p a child of parent (NULL for init), live and runnable. */
static void proc_launch(struct proc *p, struct proc *parent)
{
	spin_lock(&proc_lock);
	p->parent = parent;
	if (parent && proc_is_killed(parent))
		set_killed(p); /* forked as its parent was killed */
	if (parent) {
		p->sibling = parent->children;
		parent->children = p;
	}
	p->live_next = live_list;
	live_list = p;
	runq_push(p);
	spin_unlock(&proc_lock);
}

/* User frames a fork must leave free: one for each side's first
 * copy-on-write fault, which parent and child may take at the same moment
 * on two CPUs, on the same page, and then both copy (docs/smp.md). A
 * snapshot, not a reservation: other processes, or several writes by one
 * side before the other's first, may still take the frames, and the
 * fault that then finds none kills its process as any out-of-memory
 * fault does. */
#define FORK_SPARE_FRAMES 2

/* Make child (new, reachable by nobody else) a copy of parent's address
 * space, under parent's lock: copy-on-write, or a deep copy with the build's
 * FORK_EAGER (make FORK=eager), the baseline copy-on-write is measured
 * against. 0 or ERR_NOMEM. */
static int fork_as(struct addrspace *parent, struct addrspace *child)
{
	int err;

	as_lock(parent);
	err = FORK_EAGER ? as_copy_as(parent, child)
			 : as_share_cow(parent, child);
	as_unlock(parent);
	return err;
}

int proc_fork(void)
{
	struct proc *parent = proc_current();
	struct proc *child = proc_alloc(parent->name);

	if (!child)
		return ERR_NOMEM;
	child->as = as_create();
	if (!child->as || fork_as(parent->as, child->as) < 0 ||
	    pmem_free_count() < PMEM_RESERVE + FORK_SPARE_FRAMES) {
		/* The last test: a fork that left fewer user frames than
		 * FORK_SPARE_FRAMES would let the first copy-on-write fault of
		 * one side or the other find none, which would kill it.
		 * Refuse instead. */
		proc_free(child);
		return ERR_NOMEM;
	}
	*child->tf = *parent->tf;
	tf_set_return(child->tf, 0);
	child->failinject_spared = parent->failinject_spared;
	files_inherit(child, parent);
	proc_launch(child, parent);
	return child->pid;
}

/* A runnable-to-be process running the program args, or an error code. */
static struct proc *proc_create(const char *args, int *err)
{
	struct exec_image img;
	struct proc *p;

	*err = exec_load(args, &img);
	if (*err)
		return NULL;
	p = proc_alloc(img.name);
	if (!p) {
		as_release(img.as);
		*err = ERR_NOMEM;
		return NULL;
	}
	p->as = img.as;
	tf_init_user(p->tf, img.entry, img.sp, img.argc, img.argv);
	return p;
}

int proc_spawn(const char *args)
{
	struct proc *parent = proc_current();
	int err;
	struct proc *child = proc_create(args, &err);

	if (!child)
		return err;
	files_inherit(child, parent);
	proc_launch(child, parent);
	return child->pid;
}

/* Give p the address space as; return the one it had. Under proc_lock, so
 * that proc_hold_as never holds an address space its owner has let go. */
static struct addrspace *set_as(struct proc *p, struct addrspace *as)
{
	struct addrspace *old;

	spin_lock(&proc_lock);
	old = p->as;
	p->as = as;
	spin_unlock(&proc_lock);
	return old;
}

int proc_exec(const char *args)
{
	struct proc *p = proc_current();
	struct addrspace *old = p->as;
	struct exec_image img;
	int err;

	p->failinject_spared = false; /* its own allocations count from here */
	err = exec_load(args, &img);
	if (err)
		return err;
	set_as(p, img.as);
	vpmap_activate(&p->as->pmap);
	as_release(old);
	strlcpy(p->name, img.name, sizeof(p->name));
	tf_init_user(p->tf, img.entry, img.sp, img.argc, img.argv);
	return 0;
}

/* Hand p's children to init (proc_lock held). */
static void reparent_children(struct proc *p)
{
	while (p->children) {
		struct proc *c = p->children;
		p->children = c->sibling;
		c->parent = init_proc;
		c->sibling = init_proc->children;
		init_proc->children = c;
		if (c->state == PROC_ZOMBIE)
			wakeup_locked(init_proc);
	}
}

/* Take p off the live list (proc_lock held). */
static void live_remove(struct proc *p)
{
	struct proc **pp = &live_list;
	while (*pp != p)
		pp = &(*pp)->live_next;
	*pp = p->live_next;
}

noreturn void proc_exit(int status)
{
	struct proc *p = proc_current();

	if (p == init_proc) {
		failinject_report();
		kprintf("init exited with status %d: powering off\n", status);
		arch_poweroff(status == 0 ? 0 : 1);
	}
	for (int fd = 0; fd < NFD; fd++)
		if (p->files[fd])
			file_close(p->files[fd]);
	kfree(p->files);
	p->files = NULL;
	vpmap_activate(vpmap_kernel());
	as_release(set_as(p, NULL));

	spin_lock(&proc_lock);
	reparent_children(p);
	live_remove(p);
	p->exit_status = status;
	p->state = PROC_ZOMBIE;
	wakeup_locked(p->parent);
	sched();
	panic("proc_exit: zombie %d ran again", p->pid);
}

/* End the current process, killed for a fault its line has reported. */
static noreturn void kill_current(void)
{
	__atomic_fetch_add(&num_kill, 1, __ATOMIC_RELAXED);
	proc_exit(-1);
}

noreturn void proc_kill_current(const char *reason, uintptr_t pc,
				uintptr_t addr, const char *access)
{
	struct proc *p = proc_current();

	kprintf("pid %d (%s) killed: page fault: user %s at %p (%s), pc %p\n",
		p->pid, p->name, access, (void *)addr, reason, (void *)pc);
	kill_current();
}

noreturn void trap_user_kill(const char *reason, uintptr_t pc, uintptr_t addr)
{
	struct proc *p = proc_current();

	if (addr)
		kprintf("pid %d (%s) killed: %s at %p, pc %p\n", p->pid,
			p->name, reason, (void *)addr, (void *)pc);
	else
		kprintf("pid %d (%s) killed: %s, pc %p\n", p->pid, p->name,
			reason, (void *)pc);
	kill_current();
}

/* Unlink zombie c from p's children (proc_lock held). */
static void unlink_child(struct proc *p, struct proc *c)
{
	struct proc **pp = &p->children;

	while (*pp != c)
		pp = &(*pp)->sibling;
	*pp = c->sibling;
}

/* A zombie child of p that pid names (-1: any) whose stack is freed, or
 * NULL; *have says whether p has such a child at all. proc_lock held. */
static struct proc *find_zombie(struct proc *p, int pid, bool *have)
{
	*have = false;
	for (struct proc *c = p->children; c; c = c->sibling) {
		if (pid != -1 && c->pid != pid)
			continue;
		*have = true;
		if (c->state == PROC_ZOMBIE && !c->kstack)
			return c;
	}
	return NULL;
}

/* The status goes out before the zombie is reaped, and without proc_lock:
 * copying to user memory may sleep. Only p reaps its children, so the
 * zombie stays there meanwhile; when the copy fails it stays for good
 * (the copy's ERR_FAULT or ERR_NOMEM, as before). */
int proc_wait(int pid, uintptr_t status_uaddr)
{
	struct proc *p = proc_current(), *c;
	bool have;
	int status, err;

	spin_lock(&proc_lock);
	while (!(c = find_zombie(p, pid, &have)) && have && !proc_is_killed(p))
		proc_sleep(p, &proc_lock);
	spin_unlock(&proc_lock);
	if (!c)
		return ERR_CHILD; /* killed: never seen, the caller exits */
	status = c->exit_status;
	if (status_uaddr && (err = copy_to_user(proc_as(), status_uaddr,
						&status, sizeof(status))))
		return err;
	spin_lock(&proc_lock);
	unlink_child(p, c);
	spin_unlock(&proc_lock);
	pid = c->pid;
	kfree(c);
	return pid;
}

struct addrspace *proc_hold_as(int pid)
{
	struct addrspace *as = NULL;

	spin_lock(&proc_lock);
	for (struct proc *p = live_list; p; p = p->live_next)
		if (p->pid == pid) {
			as = p->as;
			break;
		}
	if (as)
		as_hold(as);
	spin_unlock(&proc_lock);
	return as;
}

size_t proc_live_count(void)
{
	size_t n = 0;

	spin_lock(&proc_lock);
	for (struct proc *p = live_list; p; p = p->live_next)
		n++;
	spin_unlock(&proc_lock);
	return n;
}

/* ---- Waiting for the layers below (lib/wait.h) ----------------------------
 */

/* A killed process does not sleep (it must unwind to its exit); it gives
 * up the CPU for a round instead, so that whatever it waits for (a sleep
 * lock's holder, on this CPU) can make progress. */
static bool wait_sleep_op(const void *chan, struct spinlock *lk)
{
	if (proc_is_killed(proc_current())) {
		spin_unlock(lk);
		proc_yield();
		spin_lock(lk);
		return false;
	}
	proc_sleep(chan, lk);
	return !proc_is_killed(proc_current());
}

/* Give up the CPU until the scheduler has run every other runnable
 * process once: as long as a tick when others wait, no time when none do
 * (a whole tick for every fault would make the suite take hours). */
static void wait_pause_op(void)
{
	proc_yield();
}

static const struct wait_ops proc_wait_ops = {
    .sleep = wait_sleep_op,
    .wakeup = proc_wakeup,
    .pause = wait_pause_op,
};

/* Is the running process spared injected failures? Init and its forks
 * that still run its program are: init judges the tests, and one failure
 * in it (a copy-on-write fault of its stack, say) would kill it and power
 * the machine off, leaving every later test unjudged. */
static bool failinject_spares(void)
{
	struct proc *p = proc_current();

	return p && p->failinject_spared;
}

noreturn void proc_start_init(const char *args)
{
	struct proc *p;
	struct file *console;
	int err;

	wait_register(&proc_wait_ops);
	p = proc_create(args, &err);
	console = console_open();
	if (!p || !console)
		panic("proc_start_init: cannot start '%s' (error %d)", args,
		      p ? ERR_NOMEM : err);
	p->files[0] = console;
	p->files[1] = file_dup(console);
	p->files[2] = file_dup(console);
	p->failinject_spared = true;
	init_proc = p;
	/* Every allocation of the boot so far was spared: the kernel cannot
	 * run without them. From here on, failures may be injected. */
	failinject_arm(failinject_spares);
	proc_launch(p, NULL);
	proc_scheduler();
}
