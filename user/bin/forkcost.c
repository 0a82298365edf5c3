/* forkcost [MiB] [N]: what fork costs with MiB of heap touched (default 8),
 * averaged over N forks (default 20): milliseconds per fork + exit + wait,
 * frames one fork takes, and the cost of the child then writing every
 * page (copy-on-write copies). The clock is the 100 Hz timer, so only
 * totals of many operations mean anything. docs/vm.md quotes its output
 * for FORK=cow and FORK=eager. */
#include <lib/stdio.h>
#include <lib/string.h>
#include <lib/usyscall.h>

#define PAGE 4096

static struct sys_info now(void)
{
	struct sys_info si;
	info(&si);
	return si;
}

/* Fork n times; each child exits at once (or first writes every page of
 * heap when write is set). Return: elapsed ms. */
static long fork_loop(int n, char *heap, size_t pages, bool write)
{
	long t0 = (long)now().uptime_ms;

	for (int i = 0; i < n; i++) {
		int pid = fork();
		if (pid == 0) {
			for (size_t p = 0; write && p < pages; p++)
				heap[p * PAGE] = 1;
			exit(0);
		}
		if (pid < 0 || wait(pid, NULL) != pid) {
			printf("forkcost: fork %d failed\n", i);
			exit(1);
		}
	}
	return (long)now().uptime_ms - t0;
}

/* Frames one fork takes while the child is alive and idle. */
static long frames_per_fork(void)
{
	int fds[2], pid;
	long before, after;
	char c;

	pipe(fds);
	before = (long)now().free_pages;
	pid = fork();
	if (pid == 0) {
		close(fds[1]);
		read(fds[0], &c, 1);
		exit(0);
	}
	after = (long)now().free_pages;
	close(fds[1]);
	wait(pid, NULL);
	close(fds[0]);
	return before - after;
}

int main(int argc, char **argv)
{
	long mib = argc > 1 ? strtol(argv[1], NULL, 10) : 8;
	int n = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 20;
	size_t pages = (size_t)mib * 256;
	char *heap = sbrk((ssize_t)(pages * PAGE));
	struct sys_info s0;
	long ms;

	if (heap == (char *)ERR_NOMEM) {
		printf("forkcost: no room for %ld MiB\n", mib);
		return 1;
	}
	memset(heap, 7, pages * PAGE);
	printf("forkcost: %ld MiB touched (%zu pages), %d forks\n", mib, pages,
	       n);
	printf("  frames taken by one fork:        %ld\n", frames_per_fork());
	ms = fork_loop(n, heap, pages, false);
	printf("  fork + exit + wait:              %ld.%02ld ms\n", ms / n,
	       (ms * 100 / n) % 100);
	s0 = now();
	ms = fork_loop(n, heap, pages, true);
	printf("  ... with the child writing all:  %ld.%02ld ms "
	       "(%zu COW copies, %zu reuses)\n",
	       ms / n, (ms * 100 / n) % 100,
	       now().num_cow_copy - s0.num_cow_copy,
	       now().num_cow_reuse - s0.num_cow_reuse);
	return 0;
}
