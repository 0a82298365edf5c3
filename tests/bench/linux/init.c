/*
 * /init of the initramfs that runs the course's programs under Linux (make
 * bench-linux, make linux-test; docs/linux-compare.md), built through the
 * shim like them. argv[1], from the kernel command line after "--", names
 * a list at the root of the initramfs (bench.list, tests.list): one command
 * line per line, each started with spawn, in order, alone. It prints
 *
 *     linux-init: boot_ms=N
 *     clock: tsc at 2.60 GHz (N Hz), measured against CLOCK_MONOTONIC
 *     == run <command>
 *     ... the program's own output ...
 *     == exit <command> status=N ms=N
 *     == done
 *
 * and powers the machine off.
 */
#include <lib/stdio.h>
#include <lib/string.h>
#include <lib/usyscall.h>

#include "linux.h"

#define LIST_MAX (32 * 1024)

static char list[LIST_MAX];
static char tsc_env[40];
static char *child_env[] = {tsc_env, NULL};

/* Mount /proc (for info and meminfo) and make the directory of exit
 * statuses that do not fit in Linux's 8 bits (usyscall.c). */
static void prepare_root(void)
{
	linux_sys3(LINUX_mkdirat, LINUX_AT_FDCWD, (long)"/proc", 0555);
	linux_syscall6(LINUX_mount, (long)"proc", (long)"/proc", (long)"proc",
		       0, 0, 0);
	linux_sys3(LINUX_mkdirat, LINUX_AT_FDCWD, (long)LINUX_STATUS_DIR, 0700);
}

/* Measure the TSC once for every program: they find its rate in their
 * environment (TSC_HZ=, tsc.c). Print it as the course kernel does. */
static void share_tsc_rate(void)
{
	uint64_t hz = linux_tsc_calibrate();
	uint64_t centi_ghz = (hz + 5000000) / 10000000;

	snprintf(tsc_env, sizeof(tsc_env), "TSC_HZ=%llu",
		 (unsigned long long)hz);
	linux_envp = child_env;
	printf("clock: tsc at %llu.%02llu GHz (%llu Hz), measured against "
	       "CLOCK_MONOTONIC\n",
	       (unsigned long long)centi_ghz / 100,
	       (unsigned long long)centi_ghz % 100, (unsigned long long)hz);
}

/* Read the list file name into list, NUL-terminated.
 * Return: ERR_OK or the error that stopped it. */
static int read_list(const char *name)
{
	int fd = open(name, FS_RDONLY, EMPTY_MODE);
	ssize_t len = 0, n = 0;

	if (fd < 0)
		return fd;
	while (len + 1 < LIST_MAX &&
	       (n = read(fd, list + len, LIST_MAX - 1 - len)) > 0)
		len += n;
	close(fd);
	list[len] = '\0';
	return n < 0 ? (int)n : ERR_OK;
}

/* Return: milliseconds since boot. */
static long boot_ms(void)
{
	struct linux_timespec t = {0, 0};

	linux_sys2(LINUX_clock_gettime, LINUX_CLOCK_BOOTTIME, (long)&t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Run one command line and wait for it, reaping the orphans handed to init
 * meanwhile; report its status and how long it took. */
static void run_one(const char *command)
{
	long start = boot_ms();
	int status = 0, reaped, pid;

	printf("== run %s\n", command);
	pid = spawn(command);
	if (pid < 0) {
		printf("== exit %s status=%d ms=0 (spawn: %s)\n", command, pid,
		       strerror(pid));
		return;
	}
	do
		reaped = wait(-1, &status);
	while (reaped >= 0 && reaped != pid);
	printf("== exit %s status=%d ms=%ld\n", command, status,
	       boot_ms() - start);
}

/* Run every line of list. */
static void run_list(void)
{
	char *line = list, *end;

	for (; *line != '\0'; line = end) {
		end = strchr(line, '\n');
		if (end == NULL)
			end = line + strlen(line);
		else
			*end++ = '\0';
		if (*line != '\0')
			run_one(line);
	}
}

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : "bench.list";
	int err;

	prepare_root();
	printf("linux-init: boot_ms=%ld\n", boot_ms());
	share_tsc_rate();
	err = read_list(name);
	if (err != ERR_OK)
		printf("linux-init: cannot read %s: %s\n", name, strerror(err));
	else
		run_list();
	printf("== done\n");
	halt();
	return 1;
}
