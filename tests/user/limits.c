/* No small fixed limits: the course's tests keep 2,000 zombies and 364 live
 * processes at once. A zombie must cost little more than its pid and
 * status: with 2,000 of them the free pages may drop only by what their
 * process records take, not by their memory or kernel stacks. */
#include <lib/stddef.h>
#include <lib/test.h>

#define NZOMBIES 2000
#define NLIVE 364
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

static void live(void)
{
	size_t live0 = sys().live_procs;
	int fds[2];
	char c;

	assert(pipe(fds) == ERR_OK);
	for (int i = 0; i < NLIVE; i++) {
		int pid = fork();
		if (pid < 0)
			error("fork %d of %d failed: %d", i + 1, NLIVE, pid);
		if (pid == 0) {
			close(fds[1]);
			exit(read(fds[0], &c, 1) == 0 ? i : NLIVE);
		}
	}
	if (sys().live_procs != live0 + NLIVE)
		error("%zu processes alive, want %zu", sys().live_procs,
		      live0 + NLIVE);
	close(fds[0]);
	close(fds[1]);
	reap_all(NLIVE);
}

int main(void)
{
	zombies();
	live();
	pass("limits: %d zombies, then %d processes alive at once", NZOMBIES,
	     NLIVE);
	return 0;
}
