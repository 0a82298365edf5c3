/* Pipes, full. A writer of more than a pipe holds blocks once it is full
 * (still alive; one read gets the whole pipe, less than was written) and
 * resumes as the pipe is drained: every byte arrives, in order. A writer
 * blocked on a full pipe whose reader goes away returns the bytes it
 * wrote, and its next write gives ERR_END. One process makes pipes until
 * ERR_NOMEM: every fd is used but an odd one, which that failure left
 * free. Then pipes everywhere: with user memory held down to the kernel's
 * reserve, NPROCS processes make pipes (a frame each, from that reserve)
 * until ERR_NOMEM; one at least is refused for memory with fds to spare,
 * the kernel goes on at its last frames, and every frame comes back. */
#include <lib/stddef.h>
#include <lib/test.h>
#include <lib/testkit.h>

#define PAGE_SIZE 4096ul /* both arches */
#define RESERVE 32 /* mm/pmem.h PMEM_RESERVE: frames only the kernel takes */
#define TOTAL (10 * 2048 + 123) /* bytes the blocking writer writes */
#define NPROCS 8

static struct sys_info si;
static unsigned char out[TOTAL], in[TOTAL];

static size_t free_pages(void)
{
	assert(info(&si) == ERR_OK);
	return si.free_pages;
}

static void notify(int fd, char c)
{
	assert(write(fd, &c, 1) == 1);
}

/* Close every fd but keep, keep2 and keep3. */
static void close_all_but(int keep, int keep2, int keep3)
{
	for (int fd = 0; fd < NUM_FILES; fd++)
		if (fd != keep && fd != keep2 && fd != keep3)
			close(fd);
}

/* Return: how much one pipe held when its writer blocked. */
static long blocking_writer(void)
{
	int fds[2], pid, status;
	size_t live0;
	long got, n, first;

	for (size_t i = 0; i < TOTAL; i++)
		out[i] = (unsigned char)(i * 7 + 3);
	assert(pipe(fds) == ERR_OK);
	live0 = (free_pages(), si.live_procs);
	pid = fork();
	assert(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		exit(write(fds[1], out, TOTAL) == TOTAL ? 0 : 1);
	}
	close(fds[1]);
	sleep(50);
	if ((free_pages(), si.live_procs) != live0 + 1)
		error("a writer of %d bytes to a pipe did not block", TOTAL);
	got = read(fds[0], in, TOTAL);
	if (got <= 0 || got >= TOTAL)
		error("a full pipe gave %ld bytes of %d", got, TOTAL);
	first = got;
	for (n = got; n < TOTAL; n += got)
		if ((got = read(fds[0], in + n, TOTAL - n)) <= 0)
			error("a pipe ended after %ld bytes of %d", n, TOTAL);
	if (memcmp(in, out, TOTAL) != 0)
		error("the bytes through a pipe changed");
	assert(wait(pid, &status) == pid);
	if (status != 0)
		error("the blocked writer's write() did not return %d", TOTAL);
	close(fds[0]);
	return first;
}

/* A writer blocked on a full pipe (capacity cap) whose reader closes. */
static void reader_gone(long cap)
{
	int fds[2], pid, status;

	assert(pipe(fds) == ERR_OK);
	pid = fork();
	assert(pid >= 0);
	if (pid == 0) {
		long r;
		close(fds[0]);
		r = write(fds[1], out, cap + 1000);
		exit(r != cap + 100			? 1
		     : write(fds[1], out, 1) != ERR_END ? 2
							: 0);
	}
	close(fds[1]);
	sleep(50);
	assert(read(fds[0], in, 100) == 100);
	sleep(50);
	close(fds[0]);
	assert(wait(pid, &status) == pid);
	if (status == 1)
		error("a writer whose reader went away: not the bytes written");
	if (status != 0)
		error("a write after the reader went away: not ERR_END");
}

/* Pipes until the fd table is full: ERR_NOMEM, the last fd still free. */
static int fds_until_nomem(void)
{
	int fds[2], n = 0, open = 0, r, fd;

	while ((r = pipe(fds)) == ERR_OK)
		n++;
	if (r != ERR_NOMEM)
		error("pipe with the fd table full: %d", r);
	while ((fd = dup(0)) >= 0)
		open++;
	if (fd != ERR_NOMEM)
		error("dup with the fd table full: %d", fd);
	if (3 + 2 * n + open < NUM_FILES || open > 1)
		error("%d pipes and %d dups fit with 3 fds open", n, open);
	for (fd = 3; fd < NUM_FILES; fd++)
		close(fd);
	return n;
}

/* "exhaust_pipes pipes GO RELEASE W": once GO closes, make pipes until
 * an error; say on W 'm' (ERR_NOMEM with fds to spare), 'f' (fds used
 * up) or 'x' (another error); hold them until RELEASE closes. */
static int pipes(int go, int release, int w)
{
	int fds[2], r, n = 0;

	close_all_but(go, release, w);
	(void)pipe_await(go);
	while ((r = pipe(fds)) == ERR_OK)
		n++;
	notify(w, r != ERR_NOMEM	       ? 'x'
		  : 3 + 2 * n + 2 <= NUM_FILES ? 'm'
					       : 'f');
	(void)pipe_await(release);
	return 0;
}

/* "exhaust_pipes hold TARGET R W": keep at most TARGET frames free. */
static int hold(size_t target, int r, int w)
{
	size_t free;

	close_all_but(r, w, w);
	while ((free = free_pages()) > target) {
		size_t n = (free - target + 1) / 2;
		volatile char *p = sbrk((ssize_t)(n * PAGE_SIZE));
		if (p == (volatile char *)ERR_NOMEM)
			return 1;
		for (size_t i = 0; i < n; i++)
			p[i * PAGE_SIZE] = 1;
	}
	notify(w, 'r');
	(void)pipe_await(r);
	return 0;
}

/* Return: the processes refused for memory; *bottom: the free frames
 * seen then. */
static int pipes_everywhere(size_t *bottom)
{
	int go[2], release[2], says[2], hold_r[2], ready[2], pids[NPROCS];
	int holder, status, memory = 0;
	char c;

	assert(pipe(go) == ERR_OK && pipe(release) == ERR_OK &&
	       pipe(says) == ERR_OK && pipe(hold_r) == ERR_OK &&
	       pipe(ready) == ERR_OK);
	for (int i = 0; i < NPROCS; i++)
		pids[i] = spawnf("exhaust_pipes pipes %d %d %d", go[0],
				 release[0], says[1]);
	holder = spawnf("exhaust_pipes hold %d %d %d", RESERVE + 2, hold_r[0],
			ready[1]);
	close(ready[1]);
	if (pipe_await(ready[0]) != 1)
		error("the holder ended before it held memory down");
	close(go[1]); /* all at once */
	for (int i = 0; i < NPROCS; i++) {
		if (read(says[0], &c, 1) != 1 || c == 'x')
			error("a process making pipes failed otherwise");
		memory += c == 'm';
	}
	*bottom = free_pages();
	close(release[1]);
	for (int i = 0; i < NPROCS; i++)
		if (wait(pids[i], &status) != pids[i] || status != 0)
			error("a process making pipes exited with %d", status);
	close(hold_r[1]);
	if (wait(holder, &status) != holder || status != 0)
		error("the holder of memory exited with %d", status);
	close(go[0]);
	close(release[0]);
	close(says[0]);
	close(says[1]);
	close(hold_r[0]);
	close(ready[0]);
	return memory;
}

int main(int argc, char **argv)
{
	size_t free0, bottom;
	long cap;
	int n, memory;

	if (argc == 5 && strcmp(argv[1], "pipes") == 0)
		return pipes(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
	if (argc == 5 && strcmp(argv[1], "hold") == 0)
		return hold(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
	free0 = free_pages();
	cap = blocking_writer();
	reader_gone(cap);
	n = fds_until_nomem();
	memory = pipes_everywhere(&bottom);
	if (memory == 0)
		error("no process was refused a pipe for memory");
	if (free_pages() != free0)
		error("%ld frames leaked", (long)free0 - (long)free_pages());
	pass("exhaust_pipes: a writer blocked at %ld bytes; %d pipes filled "
	     "the fd table; %d of %d processes refused pipes for memory, "
	     "%zu frames free then",
	     cap, n, memory, NPROCS, bottom);
	return 0;
}
