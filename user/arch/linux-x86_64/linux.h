/*
 * The Linux side of the shim: raw x86_64 Linux system calls and the few
 * Linux structures and constants the shim needs, written out here because
 * the course programs build without libc or Linux headers. Only the shim's
 * own files (this directory, tests/bench/linux/) include this header.
 */
#ifndef LINUX_H
#define LINUX_H

#include <lib/stddef.h>

#include "../x86_64/lib/trap.h"

/* x86_64 Linux system call numbers. */
#define LINUX_read 0
#define LINUX_write 1
#define LINUX_close 3
#define LINUX_fstat 5
#define LINUX_lseek 8
#define LINUX_brk 12
#define LINUX_rt_sigaction 13
#define LINUX_sched_yield 24
#define LINUX_dup 32
#define LINUX_nanosleep 35
#define LINUX_getpid 39
#define LINUX_fork 57
#define LINUX_execve 59
#define LINUX_wait4 61
#define LINUX_kill 62
#define LINUX_sysinfo 99
#define LINUX_mount 165
#define LINUX_reboot 169
#define LINUX_getdents64 217
#define LINUX_clock_gettime 228
#define LINUX_exit_group 231
#define LINUX_openat 257
#define LINUX_mkdirat 258
#define LINUX_unlinkat 263
#define LINUX_pipe2 293

/* errno values the shim translates (lib/errcode.h has the course's). */
#define LINUX_ENOENT 2
#define LINUX_ESRCH 3
#define LINUX_E2BIG 7
#define LINUX_ENOEXEC 8
#define LINUX_EBADF 9
#define LINUX_ECHILD 10
#define LINUX_EAGAIN 11
#define LINUX_ENOMEM 12
#define LINUX_EFAULT 14
#define LINUX_EEXIST 17
#define LINUX_ENOTDIR 20
#define LINUX_ENFILE 23
#define LINUX_EMFILE 24
#define LINUX_EPIPE 32
#define LINUX_ENAMETOOLONG 36

#define LINUX_AT_FDCWD -100
#define LINUX_O_RDONLY 0
#define LINUX_O_WRONLY 1
#define LINUX_O_CREAT 0100
#define LINUX_O_TRUNC 01000
#define LINUX_SEEK_SET 0
#define LINUX_SIGKILL 9
#define LINUX_SIGPIPE 13
#define LINUX_SIG_IGN 1
#define LINUX_S_IFMT 0170000
#define LINUX_S_IFDIR 0040000
#define LINUX_S_IFREG 0100000
#define LINUX_CLOCK_MONOTONIC 1
#define LINUX_CLOCK_BOOTTIME 7

/* The programs live at the root of the initramfs, by bare name, as in the
 * course's initrd; exit statuses that do not fit in Linux's 8 bits travel
 * through a file per pid in this directory (made by init; usyscall.c). */
#define LINUX_STATUS_DIR "/exit-status"

struct linux_timespec {
	long tv_sec;
	long tv_nsec;
};

/* struct stat as x86_64 Linux lays it out (144 bytes). */
struct linux_stat {
	uint64_t st_dev;
	uint64_t st_ino;
	uint64_t st_nlink;
	uint32_t st_mode;
	uint32_t st_uid;
	uint32_t st_gid;
	uint32_t pad0;
	uint64_t st_rdev;
	int64_t st_size;
	int64_t st_rest[12]; /* block size and count, times, reserved */
};

/* struct sysinfo as Linux lays it out on a 64-bit machine. */
struct linux_sysinfo {
	long uptime;
	unsigned long loads[3];
	unsigned long totalram, freeram, sharedram, bufferram;
	unsigned long totalswap, freeswap;
	unsigned short procs, pad;
	unsigned long totalhigh, freehigh;
	unsigned int mem_unit;
};

/* One record of getdents64. */
struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off; /* where the next record starts */
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* clone a vfork child on stack_top running fn(arg) (syscall.S).
 * Return: its pid, or -errno. */
long linux_clone_vfork(void (*fn)(void *), void *arg, void *stack_top);

/* A Linux system call with `syscall`: the same instruction and registers
 * as this kernel's x86_64 ABI (number in rax, arguments in rdi rsi rdx r10
 * r8 r9, rcx and r11 clobbered), so the course's inline call serves.
 * Return: the result, or -errno. */
static inline long linux_syscall6(long num, long a0, long a1, long a2, long a3,
				  long a4, long a5)
{
	return arch_syscall(num, a0, a1, a2, a3, a4, a5);
}

static inline long linux_sys0(long num)
{
	return linux_syscall6(num, 0, 0, 0, 0, 0, 0);
}

static inline long linux_sys1(long num, long a0)
{
	return linux_syscall6(num, a0, 0, 0, 0, 0, 0);
}

static inline long linux_sys2(long num, long a0, long a1)
{
	return linux_syscall6(num, a0, a1, 0, 0, 0, 0);
}

static inline long linux_sys3(long num, long a0, long a1, long a2)
{
	return linux_syscall6(num, a0, a1, a2, 0, 0, 0);
}

static inline long linux_sys4(long num, long a0, long a1, long a2, long a3)
{
	return linux_syscall6(num, a0, a1, a2, a3, 0, 0);
}

/* Return: r unchanged if it is not an error, else the course's error code
 * (lib/errcode.h) for Linux's -errno r (usyscall.c). */
long linux_to_course(long r);
/* The environment Linux gave this program; spawn and exec pass it on. */
extern char **linux_envp;
/* Called by crt0 before main (usyscall.c). */
void linux_start(int argc, char **argv);
/* Return: the TSC's ticks per second, measured now against
 * CLOCK_MONOTONIC across 100 ms (tsc.c). */
uint64_t linux_tsc_calibrate(void);
/* Return: the TSC's ticks per second, from the environment (TSC_HZ=) or
 * else measured at the first call (tsc.c). */
uint64_t linux_tsc_hz(void);

#endif
