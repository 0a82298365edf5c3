/* info and meminfo over Linux (see usyscall.c). Linux counts page faults
 * system-wide (/proc/vmstat, which init mounts) but keeps no count of zero
 * fills, copy-on-write copies or reuses, or kills for a fault: those fields
 * stay 0 (docs/linux-compare.md). */
#include <lib/stdio.h>
#include <lib/string.h>
#include <lib/usyscall.h>

#include "linux.h"

#define PAGE_SIZE 4096
#define VMSTAT_SIZE 8192

/* In bss, so that only the first info() takes faults for it. */
static char vmstat_text[VMSTAT_SIZE];

/* Read the file at path into buf, NUL-terminated, at most size - 1 bytes.
 * Return: the bytes read, or a course error code. */
static long read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, FS_RDONLY, EMPTY_MODE);
	long len = 0, n = 0;

	if (fd < 0)
		return fd;
	while ((size_t)len + 1 < size &&
	       (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	return n < 0 ? n : len;
}

/* Return: the number after "name " at the start of a line of text; 0 when
 * there is no such line. */
static size_t counter(const char *text, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = text; p != NULL; p = strchr(p, '\n')) {
		p += *p == '\n';
		if (strncmp(p, name, len) == 0 && p[len] == ' ')
			return (size_t)strtol(p + len + 1, NULL, 10);
	}
	return 0;
}

/* Return: milliseconds since boot. */
static size_t uptime_ms(void)
{
	struct linux_timespec t = {0, 0};

	linux_sys2(LINUX_clock_gettime, LINUX_CLOCK_BOOTTIME, (long)&t);
	return (size_t)t.tv_sec * 1000 + (size_t)t.tv_nsec / 1000000;
}

/* Page faults from /proc/vmstat; frames and processes from sysinfo (whose
 * process count includes the kernel's threads); the TSC's rate (tsc.c);
 * the rest 0. */
int info(struct sys_info *info)
{
	struct linux_sysinfo si;
	struct sys_info out;
	long r = linux_sys1(LINUX_sysinfo, (long)&si);

	if (r < 0)
		return (int)linux_to_course(r);
	memset(&out, 0, sizeof(out));
	if (read_file("/proc/vmstat", vmstat_text, sizeof(vmstat_text)) > 0)
		out.num_pgfault = counter(vmstat_text, "pgfault");
	out.free_pages = si.freeram * si.mem_unit / PAGE_SIZE;
	out.total_pages = si.totalram * si.mem_unit / PAGE_SIZE;
	out.live_procs = si.procs;
	out.uptime_ms = uptime_ms();
	out.clock_hz = linux_tsc_hz();
	*info = out;
	return ERR_OK;
}

/* The caller's mappings as Linux lists them (/proc/self/maps). */
void meminfo(void)
{
	char buf[512];
	int fd = open("/proc/self/maps", FS_RDONLY, EMPTY_MODE);
	ssize_t n;

	printf("memory of pid %d:\n", getpid());
	if (fd < 0)
		return;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		write(1, buf, (size_t)n);
	close(fd);
}
