/* Allocation until out of memory. NEATERS processes at once each touch
 * heap pages until no frame is left: each is killed (status -1, counted
 * once in num_kill) and leaks nothing. Copy-on-write until out of memory:
 * NCOW children of one parent all write every page of its big heap; some
 * are killed, the rest find their own values in every page. With every
 * frame but the kernel's reserve held by another process, the kernel's
 * copies into a page never touched give ERR_NOMEM and do not kill, and
 * fork and spawn give ERR_NOMEM; once it lets go, all of it works again.
 * The roles run as spawned copies of this program, so that no process
 * shares pages with another that writes them; a spawned hog holds the
 * frames above CAP, so the time does not grow with MEM. */
#include <lib/stddef.h>
#include <lib/test.h>
#include <lib/testkit.h>

#define PAGE_SIZE 4096ul /* both arches */
#define RESERVE 32 /* mm/pmem.h PMEM_RESERVE: frames only the kernel takes */
#define CAP 20000  /* free frames the test may use */
#define NEATERS 4
#define NCOW 12
#define PREFAULT (16 * 1024)

/* Statuses of the roles. */
enum {
	OK = 0,
	NOT_KILLED = 2, /* an eater ate more than the machine has */
	CORRUPT = 3,	/* a copy-on-write child found another's value */
	FAILED = 4,	/* something else went wrong */
};

static struct sys_info si;

static size_t free_pages(void)
{
	assert(info(&si) == ERR_OK);
	return si.free_pages;
}

/* Close every fd but keep and keep2: a spawned role must not hold the
 * write end of a pipe it waits to see closed. */
static void close_all_but(int keep, int keep2)
{
	for (int fd = 0; fd < NUM_FILES; fd++)
		if (fd != keep && fd != keep2)
			close(fd);
}

/* Touch n fresh heap pages, one write each. Return: the first. */
static volatile char *touch(size_t n)
{
	volatile char *p = sbrk((ssize_t)(n * PAGE_SIZE));

	if (p == (volatile char *)ERR_NOMEM)
		exit(FAILED);
	for (size_t i = 0; i < n; i++)
		p[i * PAGE_SIZE] = 1;
	return p;
}

/* "exhaust_mem eat GO": wait for GO to close, then touch pages until
 * killed. */
static int eat(int go)
{
	volatile char *p = sbrk((ssize_t)(si.total_pages * PAGE_SIZE));

	close_all_but(go, go);
	(void)pipe_await(go);
	if (p == (volatile char *)ERR_NOMEM)
		return FAILED;
	for (size_t i = 0; i < si.total_pages; i++)
		p[i * PAGE_SIZE] = 1;
	return NOT_KILLED;
}

/* "exhaust_mem hold TARGET R W": touch pages until at most TARGET frames
 * are free, say so on W, hold them until R closes. */
static int hold(size_t target, int r, int w)
{
	size_t free;

	close_all_but(r, w);
	stack_prefault(PREFAULT);
	while ((free = free_pages()) > target) /* halves: page tables too */
		touch((free - target + 1) / 2);
	pipe_notify(w);
	(void)pipe_await(r);
	return OK;
}

/* A cow child: once go says so, write index i into the byte it looks at
 * in every page and check it back; then say so on done and keep its
 * copies until release ends. Exits OK, or CORRUPT. */
static __attribute__((noreturn)) void cow_child(volatile char *heap,
						size_t pages, int i, int go,
						int done, int release)
{
	char c;

	(void)read(go, &c, 1);
	for (size_t p = 0; p < pages; p++)
		heap[p * PAGE_SIZE + 64 + i] = (char)(i + 1);
	for (size_t p = 0; p < pages; p++)
		if (heap[p * PAGE_SIZE + 64 + i] != (char)(i + 1) ||
		    heap[p * PAGE_SIZE + 64 + (i + 1) % NCOW] != 0)
			exit(CORRUPT);
	(void)write(done, "d", 1);
	close(done);
	(void)read(release, &c, 1);
	exit(OK);
}

/* "exhaust_mem cow PAGES": fill PAGES heap pages; fork NCOW children
 * that, once all exist, write their index into every byte they look at
 * in every page and check it back, and hold their copies until every one
 * has finished or been killed, so that all of their copies are wanted at
 * once whatever the scheduler does; reap them. Return: completed * 100 +
 * killed, or FAILED. */
static int cow(size_t pages)
{
	volatile char *heap = touch(pages);
	int go[2], done[2], release[2], status, completed = 0, killed = 0;
	char c;

	close_all_but(-1, -1);
	if (pipe(go) != ERR_OK || pipe(done) != ERR_OK ||
	    pipe(release) != ERR_OK)
		return FAILED;
	for (int i = 0; i < NCOW; i++) {
		int pid = fork();
		if (pid < 0)
			return FAILED;
		if (pid == 0) {
			close(go[1]);
			close(done[0]);
			close(release[1]);
			cow_child(heap, pages, i, go[0], done[1], release[0]);
		}
	}
	stack_prefault(
	    PREFAULT); /* our stack's own copies, while frames are free */
	close(go[0]);
	close(go[1]);
	close(done[1]);
	close(release[0]);
	/* Every child's end of done closes when it has finished or died. */
	while (read(done[0], &c, 1) == 1)
		;
	close(release[1]);
	for (int i = 0; i < NCOW; i++) {
		if (wait(-1, &status) < 0)
			return FAILED;
		if (status == -1)
			killed++;
		else if (status == OK)
			completed++;
		else
			return status;
	}
	return completed * 100 + killed;
}

/* Spawn a holder that keeps at most target frames free until the
 * returned fd closes. */
static int start_hold(size_t target, int *pid)
{
	int ready[2], release[2];

	assert(pipe(ready) == ERR_OK && pipe(release) == ERR_OK);
	*pid = spawnf("exhaust_mem hold %ld %d %d", (long)target, release[0],
		      ready[1]);
	close(release[0]);
	close(ready[1]);
	if (pipe_await(ready[0]) != 1)
		error("the holder ended before it held memory down");
	close(ready[0]);
	return release[1];
}

static void stop_hold(int fd, int pid)
{
	int status;

	close(fd);
	assert(wait(pid, &status) == pid);
	if (status != OK)
		error("a holder of memory exited with %d", status);
}

static void eaters(void)
{
	int go[2], pids[NEATERS], status;
	size_t kills0 = si.num_kill, free0 = free_pages();

	assert(pipe(go) == ERR_OK);
	for (int i = 0; i < NEATERS; i++)
		pids[i] = spawnf("exhaust_mem eat %d", go[0]);
	close(go[0]);
	close(go[1]); /* all at once */
	for (int i = 0; i < NEATERS; i++) {
		assert(wait(pids[i], &status) == pids[i]);
		if (status != -1)
			error("eater %d: status %d, want -1 (killed)", i,
			      status);
	}
	if (free_pages() != free0)
		error("eaters: %ld frames leaked",
		      (long)free0 - (long)free_pages());
	if (si.num_kill - kills0 != NEATERS)
		error("eaters: num_kill grew by %zu, want %d",
		      si.num_kill - kills0, NEATERS);
}

/* Does fork copy every page? A child touches 64 heap pages and forks; the
 * grandchild reports how many frames that fork took. Everything happens
 * in the child, so no page stays behind here. */
static bool fork_copies_pages(void)
{
	int pid = fork(), status;

	if (pid == 0) {
		size_t before;
		int grandchild;

		touch(64);
		before = free_pages();
		grandchild = fork();
		if (grandchild == 0)
			exit(before - free_pages() >= 64);
		assert(grandchild > 0 &&
		       wait(grandchild, &status) == grandchild);
		exit(status);
	}
	assert(pid > 0 && wait(pid, &status) == pid);
	return status == 1;
}

/* The copy-on-write case: NCOW children of one parent write every page of
 * its big heap until memory runs out (skipped, and both counts 0, when fork
 * copies eagerly: then the forks themselves run out, as exhaust_fork
 * tests). */
static void cow_children(int *completed, int *killed)
{
	size_t kills0, free0;
	int pid, status;

	*completed = *killed = 0;
	if (fork_copies_pages() != fork_is_eager())
		error("fork %s pages, but the kernel says it was built with "
		      "FORK=%s",
		      fork_is_eager() ? "shares" : "copies",
		      fork_is_eager() ? "eager" : "cow");
	if (fork_is_eager())
		return;
	kills0 = si.num_kill;
	free0 = free_pages();
	pid = spawnf("exhaust_mem cow %ld", (long)(free0 / (NCOW / 2)));
	assert(wait(pid, &status) == pid);
	if (status == -1)
		error("the copy-on-write parent was killed");
	if (status == CORRUPT || status == FAILED || status < 100)
		error("copy-on-write: status %d (completed * 100 + killed)",
		      status);
	*completed = status / 100;
	*killed = status % 100;
	if (*killed == 0 || *completed + *killed != NCOW)
		error("copy-on-write: %d completed, %d killed, of %d",
		      *completed, *killed, NCOW);
	if (free_pages() != free0)
		error("copy-on-write: %ld frames leaked",
		      (long)free0 - (long)free_pages());
	if (si.num_kill - kills0 != (size_t)*killed)
		error("copy-on-write: num_kill grew by %zu, %d were killed",
		      si.num_kill - kills0, *killed);
}

/* With memory held down to the reserve (a frame or two above it): of
 * FRESH_PAGES untouched pages, the kernel's copies into most are refused
 * with ERR_NOMEM (the pointer is good: memory is what lacks) and no kill;
 * fork and spawn are refused. Then, memory
 * back, all of it works. */
#define FRESH_PAGES 8
static void at_the_limit(void)
{
	char *fresh = sbrk(FRESH_PAGES * PAGE_SIZE); /* no frames yet */
	int fds[2], pid, holder, release, status, refused = 0;
	long r;

	assert(fresh != (char *)ERR_NOMEM && pipe(fds) == ERR_OK);
	assert(write(fds[1], "0123456789abcdef", 16) == 16);
	release = start_hold(RESERVE + 2, &holder);
	for (int i = 0; i < FRESH_PAGES; i++) {
		r = i % 2 ? read(fds[0], fresh + i * PAGE_SIZE, 1)
			  : info((struct sys_info *)(fresh + i * PAGE_SIZE));
		if (r == ERR_NOMEM)
			refused++;
		else if (r < 0)
			error("a copy into a fresh page at the limit: %ld", r);
	}
	if (refused < FRESH_PAGES - 2)
		error("at the limit, only %d of %d copies into fresh pages "
		      "were refused",
		      refused, FRESH_PAGES);
	if ((r = fork()) != ERR_NOMEM)
		error("fork with no frame left: %ld", r);
	if ((r = spawn("exhaust_mem")) != ERR_NOMEM)
		error("spawn with no frame left: %ld", r);
	stop_hold(release, holder);
	for (int i = 0; i < FRESH_PAGES; i++)
		if (info((struct sys_info *)(fresh + i * PAGE_SIZE)) != ERR_OK)
			error("info() into a fresh page, memory back: failed");
	pid = fork();
	if (pid == 0)
		exit(OK);
	if (pid < 0 || wait(pid, &status) != pid || status != OK)
		error("fork with memory back: %d", pid);
	close(fds[0]);
	close(fds[1]);
	sbrk(-FRESH_PAGES * (ssize_t)PAGE_SIZE);
}

int main(int argc, char **argv)
{
	size_t free0;
	int completed, killed, hog = 0, release = -1;

	assert(info(&si) == ERR_OK);
	if (argc == 3 && strcmp(argv[1], "eat") == 0)
		return eat(atoi(argv[2]));
	if (argc == 5 && strcmp(argv[1], "hold") == 0)
		return hold(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
	if (argc == 3 && strcmp(argv[1], "cow") == 0)
		return cow(atoi(argv[2]));
	if (argc > 1)
		return FAILED;
	stack_prefault(PREFAULT);
	free0 = free_pages();
	if (free0 > CAP)
		release = start_hold(CAP, &hog);
	eaters();
	cow_children(&completed, &killed);
	if (release >= 0)
		stop_hold(release, hog);
	if (free_pages() != free0)
		error("%ld frames leaked by the eaters and the copy-on-write "
		      "writers",
		      (long)free0 - (long)free_pages());
	at_the_limit();
	if (free_pages() != free0)
		error("%ld frames leaked at the limit",
		      (long)free0 - (long)free_pages());
	pass("exhaust_mem: %d eaters killed at once; copy-on-write: %d of %d "
	     "children completed, %d killed; at the reserve, copies refused "
	     "without a kill, fork and spawn refused",
	     NEATERS, completed, NCOW, killed);
	return 0;
}
