/*
 * System calls: the table from number to handler, and the handlers that
 * only check arguments and call into proc, file and mm. Each handler takes
 * the six argument registers and returns the value for the result register.
 * Any user pointer goes through mm/uaccess.h: a bad one is ERR_FAULT.
 */
#include <arch/arch.h>
#include <arch/trapframe.h>

#include "kernel/file.h"
#include "kernel/proc.h"
#include "kernel/timer.h"
#include "kernel/trap.h"
#include "lib/abi/abi.h"
#include "lib/abi/errcode.h"
#include "lib/abi/syscall-num.h"
#include "lib/failinject.h"
#include "lib/kprintf.h"
#include "mm/addrspace.h"
#include "mm/fault.h"
#include "mm/kmalloc.h"
#include "mm/pmem.h"
#include "mm/uaccess.h"
#include "mm/vmmap.h"

#define PATH_MAX 256

typedef int64_t (*syscall_fn)(const uint64_t *a);

/* A handler's result meaning "the trap frame holds a new program: store
 * nothing in its result register" (exec). */
#define FRAME_REPLACED INT64_MIN

/* The open file behind fd in the current process, or NULL. */
static struct file *fd_file(uint64_t fd)
{
	return fd < NFD ? proc_current()->files[fd] : NULL;
}

/* Put f in the lowest free slot: the fd, or ERR_NOMEM (f is not closed). */
static int fd_install(struct file *f)
{
	struct file **files = proc_current()->files;

	for (int fd = 0; fd < NFD; fd++)
		if (!files[fd]) {
			files[fd] = f;
			return fd;
		}
	return ERR_NOMEM;
}

/* Run fn on a kernel copy of the user string at ustr (up to PAGE_SIZE). */
static int64_t with_user_args(uint64_t ustr, int (*fn)(const char *))
{
	char *buf = kmalloc(PAGE_SIZE);
	int64_t r;

	if (!buf)
		return ERR_NOMEM;
	r = copy_str_from_user(proc_as(), buf, ustr, PAGE_SIZE);
	if (r >= 0)
		r = fn(buf);
	kfree(buf);
	return r;
}

static int64_t sys_fork(const uint64_t *a)
{
	(void)a;
	return proc_fork();
}

static int64_t sys_spawn(const uint64_t *a)
{
	return with_user_args(a[0], proc_spawn);
}

static int64_t sys_exec(const uint64_t *a)
{
	int64_t err = with_user_args(a[0], proc_exec);
	return err == 0 ? FRAME_REPLACED : err;
}

static int64_t sys_wait(const uint64_t *a)
{
	return proc_wait((int)a[0], a[1]);
}

static int64_t sys_exit(const uint64_t *a)
{
	proc_exit((int)a[0]);
}

static int64_t sys_getpid(const uint64_t *a)
{
	(void)a;
	return proc_current()->pid;
}

static int64_t sys_sleep(const uint64_t *a)
{
	proc_sleep_ms((unsigned)a[0]);
	return 0;
}

static int64_t sys_open(const uint64_t *a)
{
	char path[PATH_MAX];
	struct file *f;
	int err = copy_str_from_user(proc_as(), path, a[0], sizeof(path));

	if (err == ERR_INVAL)
		return ERR_NOTEXIST; /* longer than any name in the initrd */
	if (err < 0)
		return err;
	if ((int)a[1] != FS_RDONLY)
		return ERR_INVAL;
	f = initrd_open(path, &err);
	if (!f)
		return err;
	err = fd_install(f);
	if (err < 0)
		file_close(f);
	return err;
}

static int64_t sys_close(const uint64_t *a)
{
	struct file *f = fd_file(a[0]);

	if (!f)
		return ERR_INVAL;
	proc_current()->files[a[0]] = NULL;
	file_close(f);
	return ERR_OK;
}

static int64_t sys_read(const uint64_t *a)
{
	struct file *f = fd_file(a[0]);

	if (!f || !f->ops->read || (int64_t)a[2] < 0)
		return ERR_INVAL;
	return f->ops->read(f, a[1], a[2]);
}

static int64_t sys_write(const uint64_t *a)
{
	struct file *f = fd_file(a[0]);

	if (!f || !f->ops->write || (int64_t)a[2] < 0)
		return ERR_INVAL;
	return f->ops->write(f, a[1], a[2]);
}

static int64_t sys_readdir(const uint64_t *a)
{
	struct file *f = fd_file(a[0]);
	return f ? file_readdir(f, a[1]) : ERR_INVAL;
}

static int64_t sys_fstat(const uint64_t *a)
{
	struct file *f = fd_file(a[0]);
	return f ? file_fstat(f, a[1]) : ERR_INVAL;
}

static int64_t sys_sbrk(const uint64_t *a)
{
	struct addrspace *as = proc_as();
	int64_t old_end = ERR_NOMEM;

	as_lock(as);
	if (as->heap)
		old_end = memregion_extend(as, as->heap, (intptr_t)a[0]);
	as_unlock(as);
	return old_end;
}

static int64_t sys_meminfo(const uint64_t *a)
{
	struct proc *p = proc_current();

	(void)a;
	kprintf("memory of pid %d (%s):\n", p->pid, p->name);
	vmmap_print(p->as);
	return 0;
}

static int64_t sys_dup(const uint64_t *a)
{
	struct file *f = fd_file(a[0]);
	int fd;

	if (!f)
		return ERR_INVAL;
	fd = fd_install(f);
	if (fd >= 0)
		file_dup(f);
	return fd;
}

static int64_t sys_pipe(const uint64_t *a)
{
	struct file **files = proc_current()->files;
	struct file *rd, *wr;
	int fds[2], err;

	if (pipe_open(&rd, &wr) < 0)
		return ERR_NOMEM;
	fds[0] = fd_install(rd);
	fds[1] = fds[0] < 0 ? ERR_NOMEM : fd_install(wr);
	err = fds[1] < 0 ? fds[1]
			 : copy_to_user(proc_as(), a[0], fds, sizeof(fds));
	if (err == ERR_OK)
		return ERR_OK;
	if (fds[0] >= 0)
		files[fds[0]] = NULL;
	if (fds[1] >= 0)
		files[fds[1]] = NULL;
	file_close(rd);
	file_close(wr);
	return err;
}

_Static_assert(KMALLOC_CLASSES == SYS_INFO_KMALLOC_CLASSES,
	       "struct sys_info has a count per kmalloc class");

static int64_t sys_info(const uint64_t *a)
{
	struct sys_info info = {0};
	int err;

	/* Make the destination present (and private) first, so that asking
	 * takes no fault that would change the answer. */
	if ((err = copy_to_user(proc_as(), a[0], &info, sizeof(info))))
		return err;
	info = (struct sys_info){
	    .num_pgfault = vm_counters.num_pgfault,
	    .num_zerofill = vm_counters.num_zerofill,
	    .num_cow_copy = vm_counters.num_cow_copy,
	    .num_cow_reuse = vm_counters.num_cow_reuse,
	    .num_kill = num_kill,
	    .free_pages = pmem_free_count(),
	    .total_pages = pmem_total(),
	    .live_procs = proc_live_count(),
	    .uptime_ms = timer_ticks() * 1000 / TIMER_HZ,
	    .clock_hz = arch_clock_hz(),
	    .fork_eager = FORK_EAGER,
	    .num_injected = failinject_failures(FAILINJECT_ALLOC),
	    .failinject = failinject_armed,
	};
	for (int c = 0; c < KMALLOC_CLASSES; c++)
		info.kmalloc_objects[c] = kmalloc_in_use(c);
	return copy_to_user(proc_as(), a[0], &info, sizeof(info));
}

static int64_t sys_kill(const uint64_t *a)
{
	return proc_kill((int)a[0]);
}

static int64_t sys_vmmap(const uint64_t *a)
{
	struct addrspace *as = proc_hold_as((int)a[0]);
	int64_t size;

	if (!as)
		return ERR_NOTEXIST;
	size = vmmap_copy_out(as, proc_as(), a[1], a[2]);
	as_release(as);
	return size;
}

static int64_t sys_halt(const uint64_t *a)
{
	(void)a;
	kprintf("halt: powering off\n");
	arch_poweroff(0);
}

static const syscall_fn syscalls[SYS_COUNT] = {
    [SYS_fork] = sys_fork,	 [SYS_spawn] = sys_spawn,
    [SYS_exec] = sys_exec,	 [SYS_wait] = sys_wait,
    [SYS_exit] = sys_exit,	 [SYS_getpid] = sys_getpid,
    [SYS_sleep] = sys_sleep,	 [SYS_open] = sys_open,
    [SYS_close] = sys_close,	 [SYS_read] = sys_read,
    [SYS_write] = sys_write,	 [SYS_readdir] = sys_readdir,
    [SYS_fstat] = sys_fstat,	 [SYS_sbrk] = sys_sbrk,
    [SYS_meminfo] = sys_meminfo, [SYS_dup] = sys_dup,
    [SYS_pipe] = sys_pipe,	 [SYS_info] = sys_info,
    [SYS_halt] = sys_halt,	 [SYS_kill] = sys_kill,
    [SYS_vmmap] = sys_vmmap,
};

/* Calls that take a few microseconds whatever their arguments and touch
 * no user memory (which may sleep), and so run with interrupts off as the
 * trap entered: turning them on and off again costs as much as the whole
 * call under QEMU's TCG (sti ends a translated block). Every other call
 * may run long or sleep, and turns them on. */
static const bool quick[SYS_COUNT] = {
    [SYS_getpid] = true,
    [SYS_close] = true,
    [SYS_dup] = true,
};

void syscall_handle(struct trapframe *tf)
{
	/* Each argument by a constant index: the arch's accessor then folds
	 * to one load (a loop would run x86_64's switch, an indirect jump,
	 * six times per call). */
	uint64_t nr = tf_syscall_nr(tf),
		 args[6] = {
		     tf_syscall_arg(tf, 0), tf_syscall_arg(tf, 1),
		     tf_syscall_arg(tf, 2), tf_syscall_arg(tf, 3),
		     tf_syscall_arg(tf, 4), tf_syscall_arg(tf, 5),
		 };
	int64_t ret;
	if (proc_killed())
		return; /* it exits on the way out: no more calls */
	if (nr >= SYS_COUNT || !syscalls[nr]) {
		tf_set_return(tf, ERR_INVAL);
		return;
	}
	/* Interrupts on while a call that may run long runs: an eager fork
	 * of 64 MiB takes 40 ms under TCG, and must not hold up the tick, or
	 * another CPU's shootdown and kick. The kernel never preempts
	 * itself (an interrupt only sets resched), so the call stays on this
	 * CPU until it sleeps, as before. */
	if (quick[nr]) {
		ret = syscalls[nr](args);
	} else {
		arch_intr_enable();
		ret = syscalls[nr](args);
		arch_intr_disable();
	}
	if (ret != FRAME_REPLACED)
		tf_set_return(tf, (uint64_t)ret);
}
