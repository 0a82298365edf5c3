/* The syscall wrappers: each widens its arguments to longs (so an int such
 * as pid -1 reaches the kernel sign-extended on every arch) and traps with
 * its number from lib/syscall-num.h. */
#include <lib/syscall-num.h>
#include <lib/trap.h>
#include <lib/usyscall.h>

/* Each wrapper enters the kernel itself (lib/trap.h, per arch: the
 * instruction inline, no second call). */
static long sys0(long num)
{
	return arch_syscall(num, 0, 0, 0, 0, 0, 0);
}

static long sys1(long num, long a0)
{
	return arch_syscall(num, a0, 0, 0, 0, 0, 0);
}

static long sys2(long num, long a0, long a1)
{
	return arch_syscall(num, a0, a1, 0, 0, 0, 0);
}

static long sys3(long num, long a0, long a1, long a2)
{
	return arch_syscall(num, a0, a1, a2, 0, 0, 0);
}

int fork(void)
{
	return sys0(SYS_fork);
}

int spawn(const char *args)
{
	return sys1(SYS_spawn, (long)args);
}

int exec(const char *args)
{
	return sys1(SYS_exec, (long)args);
}

int wait(int pid, int *status)
{
	return sys2(SYS_wait, pid, (long)status);
}

void exit(int status)
{
	sys1(SYS_exit, status);
	for (;;)
		;
}

int getpid(void)
{
	return sys0(SYS_getpid);
}

int sleep(unsigned int ms)
{
	return sys1(SYS_sleep, ms);
}

int open(const char *path, int flags, fmode_t mode)
{
	return sys3(SYS_open, (long)path, flags, mode);
}

int close(int fd)
{
	return sys1(SYS_close, fd);
}

ssize_t read(int fd, void *buf, size_t count)
{
	return sys3(SYS_read, fd, (long)buf, (long)count);
}

ssize_t write(int fd, const void *buf, size_t count)
{
	return sys3(SYS_write, fd, (long)buf, (long)count);
}

int readdir(int fd, struct dirent *dirent)
{
	return sys2(SYS_readdir, fd, (long)dirent);
}

int fstat(int fd, struct stat *stat)
{
	return sys2(SYS_fstat, fd, (long)stat);
}

void *sbrk(ssize_t increment)
{
	return (void *)sys1(SYS_sbrk, increment);
}

void meminfo(void)
{
	sys0(SYS_meminfo);
}

int dup(int fd)
{
	return sys1(SYS_dup, fd);
}

int pipe(int *fds)
{
	return sys1(SYS_pipe, (long)fds);
}

int info(struct sys_info *info)
{
	return sys1(SYS_info, (long)info);
}

void halt(void)
{
	sys0(SYS_halt);
}

int kill(int pid)
{
	return sys1(SYS_kill, pid);
}

ssize_t vmmap(int pid, void *buf, size_t len)
{
	return sys3(SYS_vmmap, pid, (long)buf, (long)len);
}
