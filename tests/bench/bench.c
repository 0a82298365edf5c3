/* bench [GROUP...]: what the kernel's operations cost, timed with the user
 * clock (lib/clock.h). Each measurement runs RUNS times and prints one line
 *
 *   BENCH name=N param=P unit=U median_ns=M min_ns=A max_ns=B runs=R
 *
 * with the time per unit U: one operation (op), one page (page) or one MiB
 * (mib). P is the size of one run: the MiB it covers, the calls it makes
 * (null_syscall) or the pages it grows (stack_growth). Without arguments
 * every group runs; otherwise only the groups named (see `groups` below).
 * Ends with "passed bench", so that init's test runner can run it
 * (`runtests test=bench`, which make bench does). docs/performance.md
 * describes every measurement.
 *
 * Written only against the course's API (lib/usyscall.h, lib/stdio.h,
 * lib/string.h, lib/clock.h) so that the same source builds for Linux. */
#include <lib/clock.h>
#include <lib/stdio.h>
#include <lib/string.h>
#include <lib/usyscall.h>

#define PAGE 4096ul
#define MIB (1024ul * 1024)
#define RUNS 9
#define NULL_SYSCALLS 10000 /* getpid calls per run */
#define COW_MIB 16	    /* heap shared by fork, then written */
#define ZERO_FILL_MIB 16    /* heap touched, then shrunk */
#define TEARDOWN_MIB 16	    /* heap of the child that exits */
#define PIPE_CHUNK 4096	    /* bytes per read and write */
#define STACK_FRAME 1024    /* bytes of stack per level of recursion */
#define STACK_LEVELS 26	    /* about 6 pages: the stack region has 10 */
#define STACK_CHILD_HEAP (64 * (ssize_t)PAGE)
#define NOP_PROGRAM "bench_nop"

/* One measurement's runs, each in nanoseconds per unit. */
struct sample {
	uint64_t ns[RUNS];
	int runs;
};

/* One run of the stack_growth child, sent to the parent through a pipe. */
struct stack_run {
	uint64_t ticks;
	uint64_t pages;
};

static char *heap_base; /* the break when bench started */
static size_t heap_len; /* bytes above heap_base, every page touched */
static char pipe_buf[PIPE_CHUNK];

/* Print "ERROR: bench: what" and exit with status 1. */
static __attribute__((noreturn)) void fail(const char *what)
{
	printf("ERROR: bench: %s\n", what);
	exit(1);
}

/* Record a run that took ticks of the clock for units units. */
static void sample_add(struct sample *s, uint64_t ticks, uint64_t units)
{
	s->ns[s->runs++] = clock_ns(ticks) / (units ? units : 1);
}

/* Sort the runs, smallest first (insertion sort: there are RUNS). */
static void sample_sort(struct sample *s)
{
	for (int i = 1; i < s->runs; i++) {
		uint64_t v = s->ns[i];
		int j = i;

		for (; j > 0 && s->ns[j - 1] > v; j--)
			s->ns[j] = s->ns[j - 1];
		s->ns[j] = v;
	}
}

/* Print the BENCH line of a measurement. */
static void report(const char *name, uint64_t param, const char *unit,
		   struct sample *s)
{
	sample_sort(s);
	printf("BENCH name=%s param=%llu unit=%s median_ns=%llu min_ns=%llu "
	       "max_ns=%llu runs=%d\n",
	       name, (unsigned long long)param, unit,
	       (unsigned long long)((s->ns[(s->runs - 1) / 2] +
				     s->ns[s->runs / 2]) /
				    2),
	       (unsigned long long)s->ns[0],
	       (unsigned long long)s->ns[s->runs - 1], s->runs);
}

/* Write one byte into every page of [p, p + bytes). */
static void touch_pages(char *p, size_t bytes)
{
	for (size_t off = 0; off < bytes; off += PAGE)
		((volatile char *)p)[off] = 1;
}

/* Grow the heap to at least bytes above heap_base, every page touched.
 * Return: heap_base. */
static char *heap_touch(size_t bytes)
{
	if (bytes <= heap_len)
		return heap_base;
	if (sbrk((ssize_t)(bytes - heap_len)) == (void *)ERR_NOMEM)
		fail("sbrk: out of memory");
	touch_pages(heap_base + heap_len, bytes - heap_len);
	heap_len = bytes;
	return heap_base;
}

/* Give back the whole heap grown by heap_touch. */
static void heap_release(void)
{
	sbrk(-(ssize_t)heap_len);
	heap_len = 0;
}

/* Read exactly n bytes from fd into buf, or fail. */
static void read_full(int fd, void *buf, size_t n)
{
	for (size_t got = 0; got < n;) {
		ssize_t r = read(fd, (char *)buf + got, n - got);
		if (r <= 0)
			fail("read from a pipe");
		got += (size_t)r;
	}
}

/* Write exactly n bytes from buf to fd, or fail. */
static void write_full(int fd, const void *buf, size_t n)
{
	for (size_t done = 0; done < n;) {
		ssize_t w = write(fd, (const char *)buf + done, n - done);
		if (w <= 0)
			fail("write to a pipe");
		done += (size_t)w;
	}
}

/* Wait for the child pid, which must exit with status 0. */
static void reap(int pid)
{
	int status;

	if (pid < 0)
		fail("fork or spawn failed");
	if (wait(pid, &status) != pid || status != 0)
		fail("a child failed");
}

/* Make a pipe into fds, or fail. */
static void make_pipe(int *fds)
{
	if (pipe(fds) != ERR_OK)
		fail("pipe");
}

/* null_syscall: getpid, NULL_SYSCALLS times per run. */
static void bench_null_syscall(void)
{
	struct sample s = {0};

	for (int r = 0; r < RUNS; r++) {
		uint64_t t0 = clock_now();
		for (int i = 0; i < NULL_SYSCALLS; i++)
			getpid();
		sample_add(&s, clock_now() - t0, NULL_SYSCALLS);
	}
	report("null_syscall", NULL_SYSCALLS, "op", &s);
}

/* Return: the ticks of one fork whose child exits at once, and its wait. */
static uint64_t fork_exit_wait_once(void)
{
	uint64_t t0 = clock_now();
	int pid = fork();

	if (pid == 0)
		exit(0);
	reap(pid);
	return clock_now() - t0;
}

/* fork_exit_wait: fork + exit + wait with 0, 1, 16 and 64 MiB of heap
 * touched before the fork. */
static void bench_fork_exit_wait(void)
{
	static const int mibs[] = {0, 1, 16, 64};

	for (size_t m = 0; m < sizeof(mibs) / sizeof(mibs[0]); m++) {
		struct sample s = {0};

		heap_touch(mibs[m] * MIB);
		for (int r = 0; r < RUNS; r++)
			sample_add(&s, fork_exit_wait_once(), 1);
		report("fork_exit_wait", mibs[m], "op", &s);
	}
	heap_release();
}

/* cow_copy: after a fork, the child writes every page of COW_MIB of heap
 * (one copy-on-write copy each); cow_reuse: once the child has exited, the
 * parent writes every page (the last owner takes it back without a copy).
 * Under FORK=eager both are plain writes. */
static void bench_cow(void)
{
	size_t bytes = COW_MIB * MIB;
	char *heap = heap_touch(bytes);
	struct sample copy = {0}, reuse = {0};
	uint64_t t0, ticks;
	int fds[2], pid;

	make_pipe(fds);
	for (int r = 0; r < RUNS; r++) {
		pid = fork();
		if (pid == 0) {
			t0 = clock_now();
			touch_pages(heap, bytes);
			ticks = clock_now() - t0;
			write_full(fds[1], &ticks, sizeof(ticks));
			exit(0);
		}
		read_full(fds[0], &ticks, sizeof(ticks));
		reap(pid);
		sample_add(&copy, ticks, bytes / PAGE);
		t0 = clock_now();
		touch_pages(heap, bytes);
		sample_add(&reuse, clock_now() - t0, bytes / PAGE);
	}
	close(fds[0]);
	close(fds[1]);
	heap_release();
	report("cow_copy", COW_MIB, "page", &copy);
	report("cow_reuse", COW_MIB, "page", &reuse);
}

/* zero_fill: sbrk, then the first touch of each page; sbrk_shrink: sbrk
 * giving those pages back. */
static void bench_zero_fill(void)
{
	size_t bytes = ZERO_FILL_MIB * MIB;
	struct sample fill = {0}, shrink = {0};

	for (int r = 0; r < RUNS; r++) {
		char *p = sbrk((ssize_t)bytes);
		uint64_t t0;

		if (p == (char *)ERR_NOMEM)
			fail("sbrk: out of memory");
		t0 = clock_now();
		touch_pages(p, bytes);
		sample_add(&fill, clock_now() - t0, bytes / PAGE);
		t0 = clock_now();
		sbrk(-(ssize_t)bytes);
		sample_add(&shrink, clock_now() - t0, bytes / PAGE);
	}
	report("zero_fill", ZERO_FILL_MIB, "page", &fill);
	report("sbrk_shrink", ZERO_FILL_MIB, "page", &shrink);
}

/* Recurse levels deep, each level touching a frame of STACK_FRAME bytes.
 * Return: the lowest address touched. */
static __attribute__((noinline)) uintptr_t stack_descend(int levels)
{
	volatile char frame[STACK_FRAME];
	uintptr_t low = (uintptr_t)frame;

	frame[0] = 1;
	if (levels > 1)
		low = stack_descend(levels - 1);
	frame[1] = 1; /* after the call: no tail call, every frame stays */
	return low;
}

/* Grow the stack by levels frames of STACK_FRAME bytes, timed.
 * Return: the lowest address touched, with the ticks it took in *ticks. */
static uintptr_t stack_grow_timed(int levels, uint64_t *ticks)
{
	uint64_t t0 = clock_now();
	uintptr_t low = stack_descend(levels);

	*ticks = clock_now() - t0;
	return low;
}

/* The stack_growth child, run fresh by spawn so that only the stack's top
 * page exists: grow the stack by recursion and send the time and the pages
 * it took to fd. Untimed first: two levels, which touch only the page the
 * timed run starts in (an emulator translates a new process's code the
 * first time it runs), and STACK_CHILD_HEAP of heap touched and given back,
 * so that the stack's new pages get those frames (the kernel reuses the
 * last freed first) rather than ones that held the last child's code:
 * under QEMU's TCG the first write to such a frame costs milliseconds,
 * which is not the kernel's cost. */
static __attribute__((noreturn)) void stack_child(int fd)
{
	struct stack_run run;
	char *heap = sbrk(STACK_CHILD_HEAP);
	uintptr_t start, low;

	if (heap == (char *)ERR_NOMEM)
		fail("sbrk: out of memory");
	touch_pages(heap, STACK_CHILD_HEAP);
	sbrk(-STACK_CHILD_HEAP);
	start = stack_grow_timed(2, &run.ticks);
	low = stack_grow_timed(STACK_LEVELS, &run.ticks);
	run.pages = start / PAGE - low / PAGE;
	write_full(fd, &run, sizeof(run));
	exit(0);
}

/* stack_growth: a fresh process's stack grown by STACK_LEVELS frames, per
 * page grown (each page below the top one is zero-filled on first touch). */
static void bench_stack_growth(void)
{
	struct sample s = {0};
	struct stack_run run = {0};
	char args[64];
	int fds[2];

	make_pipe(fds);
	snprintf(args, sizeof(args), "bench stack_child %d", fds[1]);
	for (int r = 0; r < RUNS; r++) {
		int pid = spawn(args);

		if (pid < 0)
			fail("spawn bench");
		read_full(fds[0], &run, sizeof(run));
		reap(pid);
		sample_add(&s, run.ticks, run.pages);
	}
	close(fds[0]);
	close(fds[1]);
	report("stack_growth", run.pages, "page", &s);
}

/* Return: the ticks of spawning NOP_PROGRAM and waiting for it. */
static uint64_t spawn_wait_once(void)
{
	uint64_t t0 = clock_now();

	reap(spawn(NOP_PROGRAM));
	return clock_now() - t0;
}

/* Return: the ticks of a fork whose child execs NOP_PROGRAM, and its wait. */
static uint64_t fork_exec_wait_once(void)
{
	uint64_t t0 = clock_now();
	int pid = fork();

	if (pid == 0) {
		exec(NOP_PROGRAM);
		exit(127);
	}
	reap(pid);
	return clock_now() - t0;
}

/* spawn_wait and fork_exec_wait: starting NOP_PROGRAM, a program that
 * returns at once, and waiting for it, in one call or as fork + exec. */
static void bench_exec(void)
{
	struct sample spawned = {0}, forked = {0};

	for (int r = 0; r < RUNS; r++) {
		sample_add(&spawned, spawn_wait_once(), 1);
		sample_add(&forked, fork_exec_wait_once(), 1);
	}
	report("spawn_wait", 0, "op", &spawned);
	report("fork_exec_wait", 0, "op", &forked);
}

/* exit_teardown: from a child's last instruction to its parent's wait
 * returning, for a child with TEARDOWN_MIB of heap of its own, per MiB. */
static void bench_exit_teardown(void)
{
	size_t bytes = TEARDOWN_MIB * MIB;
	struct sample s = {0};
	uint64_t t0;
	int fds[2];

	make_pipe(fds);
	for (int r = 0; r < RUNS; r++) {
		int pid = fork();

		if (pid == 0) {
			char *p = sbrk((ssize_t)bytes);
			if (p == (char *)ERR_NOMEM)
				fail("sbrk: out of memory");
			touch_pages(p, bytes);
			t0 = clock_now();
			write_full(fds[1], &t0, sizeof(t0));
			exit(0);
		}
		read_full(fds[0], &t0, sizeof(t0));
		reap(pid);
		sample_add(&s, clock_now() - t0, TEARDOWN_MIB);
	}
	close(fds[0]);
	close(fds[1]);
	report("exit_teardown", TEARDOWN_MIB, "mib", &s);
}

/* The pipe_mib reader: read data MiB by MiB, answering a byte on ack after
 * each, until end of file; then exit. */
static __attribute__((noreturn)) void pipe_reader(int data, int ack)
{
	static char buf[PIPE_CHUNK];
	ssize_t n = 1;

	memset(buf, 0, sizeof(buf));
	while (n > 0) {
		size_t got = 0;

		while (got < MIB && (n = read(data, buf, sizeof(buf))) > 0)
			got += (size_t)n;
		if (got == MIB)
			write_full(ack, "k", 1);
	}
	exit(n < 0);
}

/* pipe_mib: 1 MiB written to a pipe in PIPE_CHUNK writes, until another
 * process has read all of it in PIPE_CHUNK reads. */
static void bench_pipe(void)
{
	struct sample s = {0};
	int data[2], ack[2], pid;
	char c;

	make_pipe(data);
	make_pipe(ack);
	pid = fork();
	if (pid == 0) {
		close(data[1]);
		close(ack[0]);
		pipe_reader(data[0], ack[1]);
	}
	close(data[0]);
	close(ack[1]);
	memset(pipe_buf, 1, sizeof(pipe_buf));
	for (int r = 0; r < RUNS; r++) {
		uint64_t t0 = clock_now();
		for (size_t sent = 0; sent < MIB; sent += sizeof(pipe_buf))
			write_full(data[1], pipe_buf, sizeof(pipe_buf));
		read_full(ack[0], &c, 1);
		sample_add(&s, clock_now() - t0, 1);
	}
	close(data[1]);
	reap(pid);
	close(ack[0]);
	report("pipe_mib", 1, "mib", &s);
}

/* The measurement groups, in the order they run; `bench NAME...` picks. */
static const struct group {
	const char *name;
	void (*run)(void);
} groups[] = {
    {"null_syscall", bench_null_syscall},
    {"fork_exit_wait", bench_fork_exit_wait},
    {"cow", bench_cow},
    {"zero_fill", bench_zero_fill},
    {"stack_growth", bench_stack_growth},
    {"exec", bench_exec},
    {"exit_teardown", bench_exit_teardown},
    {"pipe_mib", bench_pipe},
};

/* Return: whether group name was asked for (every group when none was). */
static bool wanted(const char *name, int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return true;
	return argc < 2;
}

int main(int argc, char **argv)
{
	int ran = 0;

	if (argc == 3 && strcmp(argv[1], "stack_child") == 0)
		stack_child(atoi(argv[2]));
	heap_base = sbrk(0);
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		if (!wanted(groups[g].name, argc, argv))
			continue;
		groups[g].run();
		ran++;
	}
	if (ran == 0)
		fail("no such group");
	printf("passed bench: %d groups\n", ran);
	return 0;
}
