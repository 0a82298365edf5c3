/* Copy-on-write fork, seen from user space: fork of a process with 8 MiB
 * touched costs page tables, not 2,048 frames; the child reads it all
 * without a fault, and its writes copy while the parent's later writes
 * reuse (counters); isolation both ways for data, bss, heap and stack, with
 * the parent writing right after fork returns (a stale writable TLB entry
 * would leak its write to the child); one frame shared four ways; a sharer
 * that exits first, and the last holder reusing; sbrk giving back pages
 * that fork shared; parent and child writing the same pages in turn. A
 * FORK=eager kernel passes too: it skips only the copy-on-write checks. */
#include <lib/stddef.h>
#include <lib/test.h>
#include <lib/testkit.h>

#define PAGE_SIZE 4096ul /* both arches */
#define BIG_PAGES 2048	 /* 8 MiB */
#define ROUNDS 16
#define SHARED_PAGES 8
#define CONCURRENT_PAGES 64

static struct sys_info si; /* in bss: asking for it takes no fault */
static bool eager;	   /* fork copied everything: no COW to check */
static size_t big_pages;   /* pages touched for big_fork */

/* What the child of the 8 MiB fork measured. */
static struct {
	size_t fork_cost;   /* frames gone between before fork and its start */
	size_t copies;	    /* COW copies while it wrote every page */
	size_t free_drop;   /* frames those writes took */
	size_t read_faults; /* page faults while it read every page */
} child_report;

static volatile int data_word = 1;
static volatile int bss_word;

/* Read the counters into si. si is written first, so that a fork that
 * shared its page has its copy counted before, not within, the answer. */
static void sys(void)
{
	memset(&si, 0, sizeof(si));
	assert(info(&si) == ERR_OK);
}

/* Return: n fresh heap pages, page-aligned, not yet touched. */
static unsigned char *heap_pages(size_t n)
{
	uintptr_t b = (uintptr_t)sbrk(0);

	if (b % PAGE_SIZE)
		sbrk(PAGE_SIZE - b % PAGE_SIZE);
	b = (uintptr_t)sbrk(n * PAGE_SIZE);
	if (b == (uintptr_t)ERR_NOMEM)
		error("sbrk of %zu pages failed", n);
	return (unsigned char *)b;
}

/* Give back the n heap pages that heap_pages returned at p. */
static void heap_free(unsigned char *p, size_t n)
{
	assert((unsigned char *)sbrk(-(ssize_t)(n * PAGE_SIZE)) ==
	       p + n * PAGE_SIZE);
}

/* Fill n pages at p with tag (first and last word of each page, then a
 * byte in the middle, so that each page is written). */
static void fill(volatile unsigned char *p, size_t n, unsigned char tag)
{
	for (size_t i = 0; i < n; i++) {
		volatile unsigned char *page = p + i * PAGE_SIZE;
		page[0] = tag;
		page[PAGE_SIZE / 2] = (unsigned char)(tag + i);
		page[PAGE_SIZE - 1] = tag;
	}
}

/* Return: whether the n pages at p hold what fill(p, n, tag) wrote. */
static bool holds(volatile unsigned char *p, size_t n, unsigned char tag)
{
	for (size_t i = 0; i < n; i++) {
		volatile unsigned char *page = p + i * PAGE_SIZE;
		if (page[0] != tag ||
		    page[PAGE_SIZE / 2] != (unsigned char)(tag + i) ||
		    page[PAGE_SIZE - 1] != tag)
			return false;
	}
	return true;
}

/* Wait for child pid, which must exit 0; what names it in the message. */
static void reap(int pid, const char *what)
{
	int status;

	assert(wait(pid, &status) == pid);
	if (status != 0)
		error("%s: child exited with status %d", what, status);
}

/* Fork with 8 MiB of heap touched. The child measures what fork cost, then
 * writes every page (2,048 copies); the parent, last holder once the child
 * has gone, writes every page again (2,048 reuses, not one copy). Sets
 * eager when fork copied everything. */
static void big_fork(void)
{
	size_t n = BIG_PAGES, free0, copy0, reuse0, faults0;
	unsigned char *p;
	int fds[2], go[2], pid;
	char c;

	sys();
	if (si.total_pages < 8 * n)
		n = si.total_pages / 8; /* small machine: 1/8 of RAM */
	big_pages = n;
	p = heap_pages(n);
	fill(p, n, 0x11);
	assert(pipe(fds) == ERR_OK && pipe(go) == ERR_OK);
	sys();
	free0 = si.free_pages;
	pid = fork();
	assert(pid >= 0);
	if (pid == 0) {
		/* Measure only once the parent has taken its own copy-on-write
		 * faults (its stack), which another CPU would count too. */
		assert(read(go[0], &c, 1) == 1);
		sys();
		child_report.fork_cost = free0 - si.free_pages;
		copy0 = si.num_cow_copy;
		free0 = si.free_pages;
		faults0 = si.num_pgfault;
		if (!holds(p, n, 0x11))
			error("big fork: the child does not see the data");
		sys();
		child_report.read_faults = si.num_pgfault - faults0;
		fill(p, n, 0x22);
		sys();
		child_report.copies = si.num_cow_copy - copy0;
		child_report.free_drop = free0 - si.free_pages;
		if (!holds(p, n, 0x22))
			error("big fork: the child's writes did not stick");
		assert(write(fds[1], &child_report, sizeof(child_report)) ==
		       sizeof(child_report));
		exit(0);
	}
	close(fds[1]); /* a child killed before it reports: the end, no hang */
	pipe_notify(go[1]);
	assert(read(fds[0], &child_report, sizeof(child_report)) ==
	       sizeof(child_report));
	reap(pid, "big fork");
	close(fds[0]);
	close(go[0]);
	close(go[1]);
	if (!holds(p, n, 0x11))
		error("big fork: the child's writes reached the parent");
	eager = fork_is_eager();
	if ((child_report.fork_cost >= n) != eager)
		error("big fork took %zu frames for %zu pages, but the kernel "
		      "says it was built with FORK=%s",
		      child_report.fork_cost, n, eager ? "eager" : "cow");
	if (child_report.read_faults != 0)
		error("the child read %zu pages fork shared with %zu faults", n,
		      child_report.read_faults);
	if (!eager && child_report.fork_cost > n / 8)
		error("fork with %zu pages touched took %zu frames", n,
		      child_report.fork_cost);
	if (!eager && child_report.copies < n)
		error("the child wrote %zu shared pages with %zu COW copies", n,
		      child_report.copies);
	if (!eager && child_report.free_drop < n)
		error("the child's writes to %zu shared pages took %zu frames",
		      n, child_report.free_drop);

	sys();
	copy0 = si.num_cow_copy;
	reuse0 = si.num_cow_reuse;
	free0 = si.free_pages;
	fill(p, n, 0x33);
	sys();
	if (!eager && si.num_cow_reuse - reuse0 < n)
		error("the last holder wrote %zu pages with %zu reuses", n,
		      si.num_cow_reuse - reuse0);
	if (si.num_cow_copy != copy0)
		error("the last holder's writes made %zu copies",
		      si.num_cow_copy - copy0);
	if (si.free_pages < free0)
		error("the last holder's writes took %zu frames",
		      free0 - si.free_pages);
	heap_free(p, n);
}

/* Return: whether data, bss, heap page and stack word all hold v. */
static bool all_hold(volatile int *heap, volatile int *stack, int v)
{
	return data_word == v && bss_word == v && *heap == v && *stack == v;
}

static void set_all(volatile int *heap, volatile int *stack, int v)
{
	data_word = v;
	bss_word = v;
	*heap = v;
	*stack = v;
}

/* Each round: write data, bss, heap and stack (so their writable
 * translations are cached), fork, and write again at once on one side;
 * the other side must still see the value from before the fork. Odd
 * rounds the parent writes, even rounds the child. */
static void write_after_fork(void)
{
	volatile int *heap = (volatile int *)heap_pages(1);
	volatile int stack_word = 0;
	int go[2];

	assert(pipe(go) == ERR_OK);
	for (int round = 0; round < ROUNDS; round++) {
		int v = round * 2 + 1, pid, status;
		bool parent_writes = round % 2;

		set_all(heap, &stack_word, v);
		pid = fork();
		assert(pid >= 0);
		if (pid == 0 && parent_writes) {
			close(go[1]);
			assert(pipe_await(go[0]) == 1);
			exit(all_hold(heap, &stack_word, v) ? 0 : 1);
		}
		if (pid == 0) {
			set_all(heap, &stack_word, v + 1);
			exit(all_hold(heap, &stack_word, v + 1) ? 0 : 2);
		}
		if (parent_writes) {
			set_all(heap, &stack_word, v + 1);
			pipe_notify(go[1]);
		}
		assert(wait(pid, &status) == pid);
		if (status == 1)
			error("round %d: the parent wrote right after fork and "
			      "the child saw it (stale writable TLB entry?)",
			      round);
		if (status != 0)
			error("round %d: the child exited with status %d",
			      round, status);
		if (!parent_writes && !all_hold(heap, &stack_word, v))
			error("round %d: the child wrote right after fork and "
			      "the parent saw it",
			      round);
		if (parent_writes && !all_hold(heap, &stack_word, v + 1))
			error("round %d: the parent lost its own writes",
			      round);
	}
	close(go[0]);
	close(go[1]);
	heap_free((unsigned char *)heap, 1);
}

/* A child that waits for its go byte, checks it still sees before, then
 * (if tag) writes tag and reports on done, then waits again and checks its
 * tag is intact. Exits with 0 when all held. */
static __attribute__((noreturn)) void sharer(int go, int done, unsigned char *p,
					     unsigned char before,
					     unsigned char tag)
{
	assert(pipe_await(go) == 1);
	if (!holds(p, SHARED_PAGES, before))
		exit(1);
	if (tag) {
		fill(p, SHARED_PAGES, tag);
		pipe_notify(done);
		assert(pipe_await(go) == 1);
		if (!holds(p, SHARED_PAGES, tag))
			exit(2);
	}
	exit(0);
}

/* In sharer keep: close every end of the n go and done pipes but its own
 * go's read end and done's write end, so that a parent that dies ends
 * every wait of the sharer. The parent lets go of done[keep]'s write end
 * once keep is forked, so that a sharer that dies (killed for want of
 * memory) ends the parent's wait for it too. */
static void keep_own_ends(int (*go)[2], int (*done)[2], int n, int keep)
{
	for (int j = 0; j < n; j++) {
		close(go[j][1]);
		close(done[j][0]);
		if (j != keep) {
			close(go[j][0]);
			close(done[j][1]);
		}
	}
}

/* Fork n sharers of p (before, tags[i]) with a go and a done pipe each;
 * their pids in pid. */
static void start_sharers(int n, int (*go)[2], int (*done)[2], int *pid,
			  unsigned char *p, unsigned char before,
			  const unsigned char *tags)
{
	for (int i = 0; i < n; i++)
		assert(pipe(go[i]) == ERR_OK && pipe(done[i]) == ERR_OK);
	for (int i = 0; i < n; i++) {
		pid[i] = fork();
		assert(pid[i] >= 0);
		if (pid[i] == 0) {
			keep_own_ends(go, done, n, i);
			sharer(go[i][0], done[i][1], p, before, tags[i]);
		}
		close(done[i][1]);
	}
}

/* Close the parent's ends of n sharers' pipes. */
static void close_sharers(int n, int (*go)[2], int (*done)[2])
{
	for (int i = 0; i < n; i++) {
		close(go[i][0]);
		close(go[i][1]);
		close(done[i][0]);
	}
}

/* One set of frames shared by the parent and three children; the children
 * write one by one (each copies), then the parent, last holder, reuses. */
static void four_way(void)
{
	static const unsigned char tags[3] = {0x50, 0x51, 0x52};
	unsigned char *p = heap_pages(SHARED_PAGES);
	int go[3][2], done[3][2], pid[3];
	size_t copy0, reuse0;

	fill(p, SHARED_PAGES, 0x44);
	start_sharers(3, go, done, pid, p, 0x44, tags);
	sys();
	copy0 = si.num_cow_copy;
	reuse0 = si.num_cow_reuse;
	for (int i = 0; i < 3; i++) {
		pipe_notify(go[i][1]);
		assert(pipe_await(done[i][0]) == 1);
		if (!holds(p, SHARED_PAGES, 0x44))
			error("four-way: child %d's writes reached the parent",
			      i);
	}
	fill(p, SHARED_PAGES, 0x60);
	sys();
	if (!eager && si.num_cow_copy - copy0 < 3 * SHARED_PAGES)
		error("four-way: three children wrote %d shared pages each "
		      "with %zu copies in all",
		      SHARED_PAGES, si.num_cow_copy - copy0);
	if (!eager && si.num_cow_reuse - reuse0 < SHARED_PAGES)
		error("four-way: the last holder wrote %d pages with %zu "
		      "reuses",
		      SHARED_PAGES, si.num_cow_reuse - reuse0);
	for (int i = 0; i < 3; i++) {
		pipe_notify(go[i][1]);
		reap(pid[i], "four-way sharer");
	}
	close_sharers(3, go, done);
	if (!holds(p, SHARED_PAGES, 0x60))
		error("four-way: the parent lost its writes");
	heap_free(p, SHARED_PAGES);
}

/* Three sharers; one exits without writing, the parent writes (a copy: the
 * other child still holds the frames), then that child, now the last
 * holder, writes without copying. */
static void sharer_exits_first(void)
{
	static const unsigned char tags[2] = {0, 0x72};
	unsigned char *p = heap_pages(SHARED_PAGES);
	int go[2][2], done[2][2], pid[2];
	size_t copy0, reuse0;

	fill(p, SHARED_PAGES, 0x71);
	start_sharers(2, go, done, pid, p, 0x71, tags);
	pipe_notify(go[0][1]);
	reap(pid[0], "the sharer that exits first");
	sys();
	copy0 = si.num_cow_copy;
	fill(p, SHARED_PAGES, 0x73);
	sys();
	if (!eager && si.num_cow_copy - copy0 < SHARED_PAGES)
		error("a sharer exited; the parent wrote %d pages still "
		      "shared with %zu copies",
		      SHARED_PAGES, si.num_cow_copy - copy0);
	reuse0 = si.num_cow_reuse;
	pipe_notify(go[1][1]);
	assert(pipe_await(done[1][0]) == 1);
	sys();
	if (!eager && si.num_cow_reuse - reuse0 < SHARED_PAGES)
		error("the last holder (a child) wrote %d pages with %zu "
		      "reuses",
		      SHARED_PAGES, si.num_cow_reuse - reuse0);
	pipe_notify(go[1][1]);
	reap(pid[1], "the last holder");
	close_sharers(2, go, done);
	if (!holds(p, SHARED_PAGES, 0x73))
		error("sharer exits first: the child's writes reached the "
		      "parent");
	heap_free(p, SHARED_PAGES);
}

/* sbrk shrinks a heap that fork shared. The parent gives its pages back
 * while a child holds them: the child keeps its data, the parent's regrown
 * pages read zero. A child gives its pages back: the parent, now the only
 * holder, writes them without one copy. */
static void shrink_while_shared(void)
{
	unsigned char *p = heap_pages(SHARED_PAGES);
	int go[2], done[2], status, pid;
	size_t copy0, reuse0;

	fill(p, SHARED_PAGES, 0x91);
	assert(pipe(go) == ERR_OK && pipe(done) == ERR_OK);
	pid = fork();
	assert(pid >= 0);
	if (pid == 0) {
		close(go[1]);
		assert(pipe_await(go[0]) == 1);
		exit(holds(p, SHARED_PAGES, 0x91) ? 0 : 1);
	}
	heap_free(p, SHARED_PAGES);
	assert(heap_pages(SHARED_PAGES) == p);
	for (size_t i = 0; i < SHARED_PAGES * PAGE_SIZE; i++)
		if (p[i] != 0)
			error("shrink while shared: a regrown byte reads %d",
			      p[i]);
	pipe_notify(go[1]);
	assert(wait(pid, &status) == pid);
	if (status != 0)
		error("shrink while shared: the child lost its data");

	fill(p, SHARED_PAGES, 0x92);
	pid = fork();
	assert(pid >= 0);
	if (pid == 0) {
		close(go[1]);
		heap_free(p, SHARED_PAGES);
		pipe_notify(done[1]);
		assert(pipe_await(go[0]) == 1);
		exit(0);
	}
	close(done[1]); /* a child that dies first ends the wait */
	assert(pipe_await(done[0]) == 1);
	sys();
	copy0 = si.num_cow_copy;
	reuse0 = si.num_cow_reuse;
	fill(p, SHARED_PAGES, 0x93);
	sys();
	if (!eager && (si.num_cow_copy != copy0 ||
		       si.num_cow_reuse - reuse0 < SHARED_PAGES))
		error("a child gave its shares back; the parent wrote %d "
		      "pages with %zu copies, %zu reuses",
		      SHARED_PAGES, si.num_cow_copy - copy0,
		      si.num_cow_reuse - reuse0);
	pipe_notify(go[1]);
	reap(pid, "shrink while shared");
	close(go[0]);
	close(go[1]);
	close(done[0]);
	heap_free(p, SHARED_PAGES);
}

/* Write tag into every page, in order up or down, yielding after each so
 * that the other side writes in between. Return: whether all hold tag. */
static bool write_interleaved(volatile unsigned char *p, unsigned char tag,
			      bool up)
{
	for (size_t k = 0; k < CONCURRENT_PAGES; k++) {
		size_t i = up ? k : CONCURRENT_PAGES - 1 - k;
		p[i * PAGE_SIZE] = tag;
		sleep(0);
		p[i * PAGE_SIZE + PAGE_SIZE - 1] = tag;
	}
	for (size_t i = 0; i < CONCURRENT_PAGES; i++)
		if (p[i * PAGE_SIZE] != tag ||
		    p[i * PAGE_SIZE + PAGE_SIZE - 1] != tag)
			return false;
	return true;
}

/* Parent and child write the same shared pages, interleaved: each ends
 * with only its own values; every page is copied once and reused once (or,
 * on several CPUs at the same moment, copied twice). */
static void concurrent_writes(void)
{
	volatile unsigned char *p = heap_pages(CONCURRENT_PAGES);
	size_t copy0, reuse0;
	int pid;

	for (size_t i = 0; i < CONCURRENT_PAGES; i++) {
		p[i * PAGE_SIZE] = 0x80;
		p[i * PAGE_SIZE + PAGE_SIZE - 1] = 0x80;
	}
	sys();
	copy0 = si.num_cow_copy;
	reuse0 = si.num_cow_reuse;
	pid = fork();
	assert(pid >= 0);
	if (pid == 0)
		exit(write_interleaved(p, 0x81, false) ? 0 : 1);
	if (!write_interleaved(p, 0x82, true))
		error("concurrent writes: the child's writes reached the "
		      "parent");
	reap(pid, "concurrent writes");
	sys();
	if (!eager && (si.num_cow_copy - copy0 < CONCURRENT_PAGES ||
		       si.num_cow_copy - copy0 + si.num_cow_reuse - reuse0 <
			   2 * CONCURRENT_PAGES))
		error("concurrent writes to %d shared pages: %zu copies and "
		      "%zu reuses",
		      CONCURRENT_PAGES, si.num_cow_copy - copy0,
		      si.num_cow_reuse - reuse0);
	heap_free((unsigned char *)p, CONCURRENT_PAGES);
}

int main(void)
{
	big_fork();
	write_after_fork();
	four_way();
	sharer_exits_first();
	shrink_while_shared();
	concurrent_writes();
	if (eager)
		pass("cow: isolation only, COW counters skipped (eager fork: "
		     "%zu frames for %zu pages)",
		     child_report.fork_cost, big_pages);
	else
		pass("cow: fork with %zu pages touched took %zu frames; "
		     "copies, reuses, 4-way sharing, concurrent writes",
		     big_pages, child_report.fork_cost);
	return 0;
}
