/*
 * The course's system calls (lib/usyscall.h) over raw Linux system calls,
 * so that the course's programs build unchanged as static Linux programs
 * (docs/linux-compare.md has the whole map). This file: processes, exit
 * statuses and the heap; files.c: descriptors; info.c: info and meminfo;
 * tsc.c: the rate of lib/clock.h's clock.
 */
#include <lib/stdio.h>
#include <lib/string.h>
#include <lib/usyscall.h>

#include "linux.h"

#define PAGE_SIZE 4096
/* The course kernel's limits on a command line (kernel/exec.c): the text
 * and the argv array must fit in one page, and so at most this many words. */
#define ARGV_MAX (PAGE_SIZE / 8)
#define SPAWN_STACK 1024 /* the vfork child's stack: it only calls execve */
#define STATUS_MARK 255	 /* exit code meaning "the status is in its file" */

char **linux_envp;

/* A command line ("prog arg1 arg2"), split as the course kernel splits it,
 * and the path of its program. */
struct words {
	char text[PAGE_SIZE];
	char *argv[ARGV_MAX + 1];
	char path[PAGE_SIZE + 1];
};

/* A spawn in progress: what the vfork child runs, and execve's error. */
struct spawn_req {
	struct words w;
	long err;
};

long linux_to_course(long r)
{
	switch (r >= 0 ? 0 : -r) {
	case 0:
		return r;
	case LINUX_ENOMEM:
	case LINUX_EAGAIN:
	case LINUX_EMFILE:
	case LINUX_ENFILE:
		return ERR_NOMEM;
	case LINUX_EFAULT:
		return ERR_FAULT;
	case LINUX_ECHILD:
		return ERR_CHILD;
	case LINUX_ENOENT:
	case LINUX_ESRCH:
	case LINUX_ENAMETOOLONG:
		return ERR_NOTEXIST;
	case LINUX_EPIPE:
		return ERR_END;
	case LINUX_ENOTDIR:
		return ERR_FTYPE;
	case LINUX_EEXIST:
		return ERR_EXIST;
	default: /* EBADF, EINVAL, ENOEXEC, E2BIG, EACCES, EISDIR ... */
		return ERR_INVAL;
	}
}

/* Called by crt0 before main: remember the environment (it follows argv's
 * NULL) and ignore SIGPIPE, so that a write to a pipe with no reader
 * returns ERR_END as on the course kernel instead of killing the writer. */
void linux_start(int argc, char **argv)
{
	long action[4] = {LINUX_SIG_IGN, 0, 0, 0}; /* handler flags ... mask */

	linux_envp = argv + argc + 1;
	linux_sys4(LINUX_rt_sigaction, LINUX_SIGPIPE, (long)action, 0, 8);
}

int fork(void)
{
	return (int)linux_to_course(linux_sys0(LINUX_fork));
}

/* Return: the next word of the text at *p, NUL-terminated in place, with *p
 * moved past it; NULL when no word is left. */
static char *next_word(char **p)
{
	char *word;

	while (**p == ' ')
		(*p)++;
	if (**p == '\0')
		return NULL;
	word = *p;
	while (**p != '\0' && **p != ' ')
		(*p)++;
	if (**p == ' ')
		*(*p)++ = '\0';
	return word;
}

/* Split args into w, refusing what the course kernel refuses; a bare
 * program name is looked up at the root, like the course's initrd.
 * Return: ERR_OK; ERR_INVAL - no word, more than ARGV_MAX, or the words and
 * their argv array do not fit in one page. */
static int words_split(const char *args, struct words *w)
{
	size_t len = strlen(args), strings = 0;
	char *p = w->text, *word;
	int argc = 0;

	if (len >= PAGE_SIZE)
		return ERR_INVAL;
	memcpy(w->text, args, len + 1);
	while ((word = next_word(&p)) != NULL) {
		if (argc == ARGV_MAX)
			return ERR_INVAL;
		w->argv[argc++] = word;
		strings += strlen(word) + 1;
	}
	w->argv[argc] = NULL;
	if (argc == 0 || strings + (argc + 1) * sizeof(char *) + 16 > PAGE_SIZE)
		return ERR_INVAL;
	snprintf(w->path, sizeof(w->path), "%s%s",
		 w->argv[0][0] == '/' ? "" : "/", w->argv[0]);
	return ERR_OK;
}

/* Return: execve of w (-errno: it returns only on failure). */
static long words_execve(struct words *w)
{
	return linux_sys3(LINUX_execve, (long)w->path, (long)w->argv,
			  (long)linux_envp);
}

/* The vfork child of spawn: exec the program, or leave execve's error for
 * the parent (which shares our memory) and exit 127 (syscall.S). */
static void spawn_child(void *arg)
{
	struct spawn_req *req = arg;

	req->err = words_execve(&req->w);
}

/* clone(CLONE_VM | CLONE_VFORK), then execve in the child, as posix_spawn
 * does: the parent sleeps until the child has its own image, and then knows
 * whether execve failed. A failed child is reaped here. */
int spawn(const char *args)
{
	struct spawn_req req;
	char stack[SPAWN_STACK] __attribute__((aligned(16)));
	int err = words_split(args, &req.w);
	long pid;

	if (err != ERR_OK)
		return err;
	req.err = 0;
	pid = linux_clone_vfork(spawn_child, &req, stack + sizeof(stack));
	if (pid < 0 || req.err == 0)
		return (int)linux_to_course(pid);
	linux_sys4(LINUX_wait4, pid, 0, 0, 0);
	return (int)linux_to_course(req.err);
}

int exec(const char *args)
{
	struct words w;
	int err = words_split(args, &w);

	if (err != ERR_OK)
		return err;
	return (int)linux_to_course(words_execve(&w));
}

/* Put the path of pid's status file in path. */
static void status_path(char *path, size_t size, int pid)
{
	snprintf(path, size, "%s/%d", LINUX_STATUS_DIR, pid);
}

/* Write status to the caller's status file (a failure leaves none). */
static void status_save(int status)
{
	char path[48], text[16];
	int n = snprintf(text, sizeof(text), "%d", status), fd;

	status_path(path, sizeof(path), getpid());
	fd = (int)linux_sys4(LINUX_openat, LINUX_AT_FDCWD, (long)path,
			     LINUX_O_WRONLY | LINUX_O_CREAT | LINUX_O_TRUNC,
			     0600);
	if (fd < 0)
		return;
	linux_sys3(LINUX_write, fd, (long)text, n);
	linux_sys1(LINUX_close, fd);
}

/* Return: the status in child pid's status file, which is removed; the
 * marker itself when there is none. */
static int status_load(int pid)
{
	char path[48], text[16] = "";
	int fd;

	status_path(path, sizeof(path), pid);
	fd = (int)linux_sys4(LINUX_openat, LINUX_AT_FDCWD, (long)path,
			     LINUX_O_RDONLY, 0);
	if (fd < 0)
		return STATUS_MARK;
	linux_sys3(LINUX_read, fd, (long)text, sizeof(text) - 1);
	linux_sys1(LINUX_close, fd);
	linux_sys3(LINUX_unlinkat, LINUX_AT_FDCWD, (long)path, 0);
	return atoi(text);
}

/* Linux keeps 8 bits of an exit status; the course keeps the whole int.
 * 0..254 go as they are; any other status is written to a file first and
 * the exit code is the marker 255. */
void exit(int status)
{
	if (status < 0 || status >= STATUS_MARK) {
		status_save(status);
		status = STATUS_MARK;
	}
	for (;;)
		linux_sys1(LINUX_exit_group, status);
}

/* Return: the course's status for Linux's wait status raw of child pid:
 * -1 if a signal killed it, else its exit code, or its status file's int
 * when the code is the marker. */
static int status_decode(int pid, int raw)
{
	int code = (raw >> 8) & 0xff;

	if ((raw & 0x7f) != 0)
		return -1;
	return code == STATUS_MARK ? status_load(pid) : code;
}

/* Linux reads pid 0 and pids below -1 as process groups; the course has
 * neither, so those are no child. The status is decoded in place. */
int wait(int pid, int *status)
{
	int raw = 0, *where = status != NULL ? status : &raw;
	long got;

	if (pid == 0 || pid < -1)
		return ERR_CHILD;
	got = linux_sys4(LINUX_wait4, pid, (long)where, 0, 0);
	if (got < 0)
		return (int)linux_to_course(got);
	*where = status_decode((int)got, *where);
	return (int)got;
}

int getpid(void)
{
	return (int)linux_sys0(LINUX_getpid);
}

/* sleep(0) yields the CPU, as on the course kernel; nanosleep(0) would
 * return at once. */
int sleep(unsigned int ms)
{
	struct linux_timespec t = {ms / 1000, (long)(ms % 1000) * 1000000};

	if (ms == 0)
		linux_sys0(LINUX_sched_yield);
	else
		linux_sys2(LINUX_nanosleep, (long)&t, 0);
	return ERR_OK;
}

/* SIGKILL; pid -1 is every process but init and the caller on both
 * systems. Linux reads 0 and pids below -1 as process groups: refused. */
int kill(int pid)
{
	if (pid == 0 || pid < -1)
		return ERR_NOTEXIST;
	return (int)linux_to_course(linux_sys2(LINUX_kill, pid, LINUX_SIGKILL));
}

void halt(void)
{
	linux_sys4(LINUX_reboot, 0xfee1dead, 672274793, 0x4321fedc, 0);
}

/* The heap's start and the break: learnt from Linux at the first sbrk
 * (nothing else moves the break), inherited by fork like Linux's own. */
static uintptr_t heap_start, heap_brk;

/* sbrk over Linux's brk, which takes the new break and returns the break it
 * set (the old one when it refuses: overcommit, a mapping in the way). */
void *sbrk(ssize_t increment)
{
	uintptr_t old, want;

	if (heap_start == 0)
		heap_start = heap_brk = (uintptr_t)linux_sys1(LINUX_brk, 0);
	old = heap_brk;
	if (increment < 0 && (size_t)0 - (size_t)increment > old - heap_start)
		return (void *)old;
	want = old + (uintptr_t)increment;
	if (increment > 0 && want < old)
		return (void *)ERR_NOMEM;
	if (increment != 0 && (uintptr_t)linux_sys1(LINUX_brk, want) != want)
		return (void *)ERR_NOMEM;
	heap_brk = want;
	return (void *)old;
}
