/* vmstat [MS [COUNT]]: the system's counters from info(), once, or every
 * MS milliseconds COUNT times (default 10: the shell cannot interrupt a
 * program). As in Unix vmstat, the first line counts since boot and each
 * later one only its interval; free, total and procs are always the value
 * now. Columns: uptime, free and total physical pages, live processes,
 * page faults from user mode, pages zero-filled on first touch,
 * copy-on-write faults that copied and that reused, processes killed. */
#include <lib/stdio.h>
#include <lib/string.h>
#include <lib/usyscall.h>

#define DEFAULT_COUNT 10

/* Print one line: s's counters minus those of prev (all zero: since boot). */
static void print_line(const struct sys_info *s, const struct sys_info *prev)
{
	printf("%5zu.%02zu %7zu %7zu %5zu %8zu %8zu %8zu %9zu %5zu\n",
	       s->uptime_ms / 1000, s->uptime_ms % 1000 / 10, s->free_pages,
	       s->total_pages, s->live_procs,
	       s->num_pgfault - prev->num_pgfault,
	       s->num_zerofill - prev->num_zerofill,
	       s->num_cow_copy - prev->num_cow_copy,
	       s->num_cow_reuse - prev->num_cow_reuse,
	       s->num_kill - prev->num_kill);
}

int main(int argc, char **argv)
{
	long ms = argc > 1 ? strtol(argv[1], NULL, 10) : 0;
	long count = argc > 2 ? strtol(argv[2], NULL, 10) : DEFAULT_COUNT;
	struct sys_info prev = {0}, now;

	if (argc > 3 || ms < 0 || count < 1) {
		printf("usage: vmstat [MS [COUNT]]\n");
		return 2;
	}
	if (ms == 0)
		count = 1;
	printf("%8s %7s %7s %5s %8s %8s %8s %9s %5s\n", "uptime", "free",
	       "total", "procs", "faults", "zerofill", "cow_copy", "cow_reuse",
	       "kills");
	for (long i = 0; i < count; i++) {
		if (i > 0)
			sleep((unsigned)ms);
		info(&now);
		print_line(&now, &prev);
		prev = now;
	}
	return 0;
}
