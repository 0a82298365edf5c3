/* No small fixed limits: the course's tests keep 2,000 zombies and 364 live
 * processes at once. A zombie must cost little more than its pid and
 * status: with 2,000 of them the free pages may drop only by what their
 * process records take, not by their memory or kernel stacks. Live
 * processes are limited by memory alone: where 364 do not fit (MEM=8M),
 * fork may refuse only once the free pages would not hold a few more. */
#include <lib/stddef.h>
#include <lib/test.h>

#define NZOMBIES 2000
#define NLIVE 364
#define RESERVE 32 /* mm/pmem.h PMEM_RESERVE: frames only the kernel takes */
#define SPARE_CHILDREN 4 /* children's worth of frames a refusal may leave */
/* Generous for 2,000 small records; far below 2,000 kernel stacks. */
#define ZOMBIE_PAGES_MAX (NZOMBIES / 8)

static struct sys_info sys(void)
{
	struct sys_info si;

	assert(info(&si) == ERR_OK);
	return si;
}

/* Reap every child; each must have exited with its index's status. */
static void reap_all(int n)
{
	int status, reaped = 0;

	while (wait(-1, &status) >= 0) {
		assert(status >= 0 && status < n);
		reaped++;
	}
	if (reaped != n)
		error("reaped %d children, want %d", reaped, n);
}

static void zombies(void)
{
	size_t free0 = sys().free_pages, live0 = sys().live_procs;

	for (int i = 0; i < NZOMBIES; i++) {
		int pid = fork();
		assert(pid >= 0);
		if (pid == 0)
			exit(i);
		/* Wait until it is a zombie before making the next one. */
		while (sys().live_procs > live0)
			sleep(0);
	}
	if (free0 - sys().free_pages > ZOMBIE_PAGES_MAX)
		error("%d zombies hold %zu pages", NZOMBIES,
		      free0 - sys().free_pages);
	reap_all(NZOMBIES);
}

/* Did a fork refused with ERR_NOMEM after n live children meet memory's
 * end, not a fixed limit? Only if the free pages left would not hold a
 * few more children at what each one cost so far. */
static bool out_of_memory(size_t free0, int n)
{
	size_t free_now = sys().free_pages;
	size_t cost = n > 0 ? (free0 - free_now) / (size_t)n : 0;

	return n > 0 && free_now <= RESERVE + SPARE_CHILDREN * (cost + 1);
}

/* NLIVE children alive at once, or as many as memory holds (a small
 * machine: MEM=8M has room for about a hundred). Return: how many. */
static int live(void)
{
	size_t live0 = sys().live_procs, free0 = sys().free_pages;
	int fds[2], n = 0;
	char c;

	assert(pipe(fds) == ERR_OK);
	for (; n < NLIVE; n++) {
		int pid = fork();
		if (pid == ERR_NOMEM && out_of_memory(free0, n))
			break;
		if (pid < 0)
			error("fork %d of %d failed: %d, with %zu pages free",
			      n + 1, NLIVE, pid, sys().free_pages);
		if (pid == 0) {
			close(fds[1]);
			exit(read(fds[0], &c, 1) == 0 ? n : NLIVE);
		}
	}
	if (sys().live_procs != live0 + (size_t)n)
		error("%zu processes alive, want %zu", sys().live_procs,
		      live0 + (size_t)n);
	close(fds[0]);
	close(fds[1]);
	reap_all(n);
	return n;
}

int main(void)
{
	int n;

	zombies();
	n = live();
	pass("limits: %d zombies, then %d processes alive at once%s", NZOMBIES,
	     n, n < NLIVE ? " (all that memory holds)" : "");
	return 0;
}
