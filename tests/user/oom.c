/* Out of memory. A hog child first takes all but HEADROOM frames, so that
 * the rest is quick. Then: fork until ERR_NOMEM, each child alive, blocked
 * on a pipe, with pages of its own; all released, not one frame leaked.
 * fork at the edge of the kernel's reserve: for each count of free frames
 * just above it, fork either returns ERR_NOMEM or leaves both sides able
 * to take their first copy-on-write faults. A child that touches heap pages
 * until memory runs out is killed (status -1, once in num_kill), having
 * been let down to the reserve and no further, and leaks nothing. Nothing
 * prints while memory is short: errors are reported once the hog is gone. */
#include <lib/stddef.h>
#include <lib/test.h>
#include <lib/testkit.h>

#define PAGE_SIZE 4096ul /* both arches */
#define RESERVE 32    /* mm/pmem.h PMEM_RESERVE: frames only the kernel takes */
#define HEADROOM 1000 /* frames the hog leaves free */
#define CHILD_PAGES 8 /* pages each child of the fork loop touches */
#define EDGE 48	      /* fork with RESERVE + 1 .. RESERVE + EDGE free */

static struct sys_info si; /* in bss: asking for it takes no fault */

/* Exit statuses of the processes below main. */
enum {
	OK = 0,
	FORK_NOMEM = 2,	  /* fork returned ERR_NOMEM */
	FORK_OTHER = 3,	  /* fork returned another error */
	CHILD_KILLED = 4, /* the child of an edge fork was killed */
	NOT_KILLED = 5,	  /* the exhausting child was never stopped */
};

static size_t free_pages(void)
{
	assert(info(&si) == ERR_OK);
	return si.free_pages;
}

/* Touch n fresh heap pages (one write each). Return: the first. */
static volatile char *touch(size_t n)
{
	volatile char *p = sbrk((ssize_t)(n * PAGE_SIZE));

	if (p == (volatile char *)ERR_NOMEM)
		exit(FORK_OTHER);
	for (size_t i = 0; i < n; i++)
		p[i * PAGE_SIZE] = 1;
	return p;
}

/* Touch heap pages until at most target frames are free: in bulk while
 * far from it, then one at a time. */
static void eat_down_to(size_t target)
{
	size_t free;

	while ((free = free_pages()) > target)
		touch(free - target > 64 ? free - target - 32 : 1);
}

/* Start the hog: a child that eats memory down to target free frames,
 * says so on a pipe, then waits until the returned fd is closed. */
static int start_hog(size_t target, int *pid)
{
	int ready[2], release[2];

	assert(pipe(ready) == ERR_OK && pipe(release) == ERR_OK);
	*pid = fork();
	assert(*pid >= 0);
	if (*pid == 0) {
		close(release[1]);
		eat_down_to(target);
		assert(write(ready[1], "r", 1) == 1);
		(void)pipe_await(release[0]);
		exit(OK);
	}
	close(release[0]);
	close(ready[1]);
	if (pipe_await(ready[0]) != 1)
		error("the holder ended before it held memory down");
	close(ready[0]);
	free_pages(); /* write our pages now, while frames are plentiful */
	return release[1];
}

/* The forker: fork children until ERR_NOMEM, each touching CHILD_PAGES
 * pages of its own and then blocked on the release pipe; then release
 * them, reap them and exit with the number that lived (killed ones, out of
 * memory while touching, are allowed) times 4 plus how fork ended. */
static void forker(void)
{
	int release[2], pid, n = 0, alive = 0, status;

	assert(pipe(release) == ERR_OK);
	while ((pid = fork()) > 0)
		n++;
	if (pid == 0) {
		close(release[1]);
		touch(CHILD_PAGES);
		(void)pipe_await(release[0]);
		exit(OK);
	}
	close(release[0]);
	close(release[1]);
	while (n-- > 0) {
		if (wait(-1, &status) < 0)
			exit(FORK_OTHER);
		alive += status == OK;
	}
	exit(alive * 4 + (pid == ERR_NOMEM ? FORK_NOMEM : FORK_OTHER));
}

/* Fork until ERR_NOMEM in a child; then every frame must come back. */
static int fork_until_nomem(void)
{
	size_t free0 = free_pages();
	int status, pid = fork();

	assert(pid >= 0);
	if (pid == 0)
		forker();
	assert(wait(pid, &status) == pid);
	if (status == -1)
		error("fork until ERR_NOMEM: the forking process was killed "
		      "(its copy-on-write fault after a fork found no frame)");
	if (status % 4 != FORK_NOMEM)
		error("fork until ERR_NOMEM: fork failed otherwise (status %d)",
		      status);
	if (status / 4 == 0)
		error("fork until ERR_NOMEM: no child lived");
	if (free_pages() != free0)
		error("fork until ERR_NOMEM: %ld frames leaked",
		      (long)free0 - (long)free_pages());
	return status / 4;
}

/* With target frames free, fork: ERR_NOMEM, or parent and child both get
 * through their first writes (the child exits, the parent waits). */
static void edge_fork(size_t target)
{
	int status, pid;

	eat_down_to(target);
	pid = fork();
	if (pid == ERR_NOMEM)
		exit(FORK_NOMEM);
	if (pid < 0)
		exit(FORK_OTHER);
	if (pid == 0)
		exit(OK);
	if (wait(pid, &status) != pid || status != OK)
		exit(CHILD_KILLED);
	exit(OK);
}

/* Fork at each count of free frames from RESERVE + 1 to RESERVE + EDGE.
 * Return: how many of those forks succeeded. */
static int edge_forks(void)
{
	int status, forked = 0;

	for (size_t k = 1; k <= EDGE; k++) {
		int pid = fork();

		assert(pid >= 0);
		if (pid == 0)
			edge_fork(RESERVE + k);
		assert(wait(pid, &status) == pid);
		if (status == -1)
			error("fork with %zu frames free succeeded, then its "
			      "parent was killed at its first write",
			      RESERVE + k);
		if (status == CHILD_KILLED)
			error("fork with %zu frames free succeeded, then the "
			      "child was killed at its first write",
			      RESERVE + k);
		if (status != OK && status != FORK_NOMEM)
			error("fork with %zu frames free: status %d",
			      RESERVE + k, status);
		forked += status == OK;
	}
	return forked;
}

/* Report, through fd, each free-frame count of at most 2 * RESERVE seen
 * while touching heap pages one at a time, until killed. */
static void exhaust(int fd)
{
	for (size_t i = 0; i < HEADROOM + 64; i++) {
		size_t free;

		touch(1);
		free = free_pages();
		if (free <= 2 * RESERVE &&
		    write(fd, &free, sizeof(free)) != sizeof(free))
			exit(FORK_OTHER);
	}
	exit(NOT_KILLED);
}

/* A child eats memory until it is killed; it must have got down to the
 * reserve, not into it, and everything it held must come back. */
static void exhausting_child(void)
{
	size_t free0 = free_pages(), kills0 = si.num_kill, lowest = -1ul, seen;
	int fds[2], status, pid;

	assert(pipe(fds) == ERR_OK);
	pid = fork();
	assert(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		exhaust(fds[1]);
	}
	close(fds[1]);
	while (read(fds[0], &seen, sizeof(seen)) == sizeof(seen))
		lowest = seen < lowest ? seen : lowest;
	close(fds[0]);
	assert(wait(pid, &status) == pid);
	if (status != -1)
		error("a child eating all memory: status %d, want -1", status);
	if (free_pages() != free0)
		error("a child killed out of memory leaked %ld frames",
		      (long)free0 - (long)free_pages());
	if (si.num_kill != kills0 + 1)
		error("a child killed out of memory: num_kill moved by %zu",
		      si.num_kill - kills0);
	if (lowest > RESERVE + 2 || lowest + 8 < RESERVE)
		error("a child eating all memory was stopped with %zu frames "
		      "free; the reserve is %d",
		      lowest, RESERVE);
}

int main(void)
{
	size_t free0 = free_pages();
	int hog, release, lived, forked;

	release = start_hog(HEADROOM + RESERVE, &hog);
	lived = fork_until_nomem();
	forked = edge_forks();
	exhausting_child();
	close(release);
	assert(wait(hog, NULL) == hog);
	if (free_pages() != free0)
		error("%ld frames leaked in all",
		      (long)free0 - (long)free_pages());
	pass("oom: %d children alive at ERR_NOMEM; %d of %d forks at the "
	     "reserve's edge succeeded; an exhausting child killed cleanly",
	     lived, forked, EDGE);
	return 0;
}
