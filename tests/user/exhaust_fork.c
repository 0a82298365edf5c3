/* Fork flood, to the last frame. A forker forks until ERR_NOMEM; each
 * child at once execs "exhaust_fork child", which says it lives on a pipe
 * and blocks reading another; a child whose exec finds no memory exits. A
 * round also ends after ROUND_FORKS forks (children whose exec fails free
 * memory for more); rounds go on until one adds no live child. Then the
 * process table is as full as memory allows: live_procs counts every
 * child, and killing one makes room for a fork. Then a fork tree: each
 * node forks (and execs "exhaust_fork node") until ERR_NOMEM or NODE_FORKS
 * children, its children too. Everything is released and reaped by its
 * parent, no process is killed for a fault, and not one frame leaks.
 * Why no fault can kill: the flood loop is a few instructions of assembly
 * that write no memory, and before its parent writes again every child has
 * left the parent's pages (by exec, or exit): the parent blocks until each
 * has closed a gate pipe, reading it into NULL. The forker and the tree's
 * top are spawned, so no one else shares their pages; a spawned hog holds
 * the frames above CAP, so the flood's time does not grow with MEM. */
#include <lib/stddef.h>
#include <lib/syscall-num.h>
#include <lib/test.h>
#include <lib/testkit.h>

#define CAP 10000	     /* free frames the floods may use */
#define PAGE_SIZE 4096ul     /* both arches */
#define EXEC_FAILED (-2)     /* status of a child whose exec failed */
#define PREFAULT (16 * 1024) /* stack bytes touched while frames are free */
#define MAX_ROUNDS 100
#define ROUND_FORKS 256
#define NODE_FORKS 3

/* Exit statuses of the forker. */
enum {
	OK = 0,
	BAD_FORK = 2,  /* fork failed with another error */
	BAD_LIVE = 3,  /* live_procs disagreed with the children counted */
	BAD_SPAWN = 4, /* spawn at the limit failed otherwise */
	NO_ROOM = 5,   /* a killed child's memory did not make room */
	BAD_CHILD = 6, /* a child exited otherwise */
	NO_LIMIT = 7,  /* the flood never settled */
};

static struct sys_info si;

static size_t live_procs(void)
{
	assert(info(&si) == ERR_OK);
	return si.live_procs;
}

/* fork until fork fails or *n reaches max; each child execs args at once,
 * or exits with EXEC_FAILED. Then close gate[1] and read gate[0] into NULL:
 * that returns once every child has closed gate[1] (no one writes it), so
 * none shares our pages any more. No memory is written on the way.
 * Return: how fork failed, or 0 at max; *n: the children forked, *last:
 * the last one's pid. */
static long flood(const char *args, long max, int gate[2], long *n, long *last)
{
	long r, gate_r = gate[0], gate_w = gate[1];

#if defined(__x86_64__)
	asm volatile(
	    "1: xorl %%eax, %%eax\n\t"
	    "cmpq %[max], %[n]\n\t"
	    "jae 2f\n\t"
	    "movq %[fork], %%rax\n\t"
	    "int $0x80\n\t"
	    "testq %%rax, %%rax\n\t"
	    "jz 3f\n\t"
	    "js 2f\n\t"
	    "incq %[n]\n\t"
	    "movq %%rax, %[last]\n\t"
	    "jmp 1b\n"
	    "3: movq %[exec], %%rax\n\t"
	    "movq %[args], %%rdi\n\t"
	    "int $0x80\n\t"
	    "movq %[exit], %%rax\n\t"
	    "movq %[failed], %%rdi\n\t"
	    "int $0x80\n"
	    "2: movq %%rax, %[r]\n\t"
	    "movq %[close], %%rax\n\t"
	    "movq %[gate_w], %%rdi\n\t"
	    "int $0x80\n\t"
	    "movq %[read], %%rax\n\t"
	    "movq %[gate_r], %%rdi\n\t"
	    "xorl %%esi, %%esi\n\t"
	    "movl $1, %%edx\n\t"
	    "int $0x80"
	    : [n] "+r"(*n), [last] "+r"(*last), [r] "=&r"(r)
	    : [args] "r"(args), [max] "r"(max), [gate_r] "r"(gate_r),
	      [gate_w] "r"(gate_w), [fork] "i"(SYS_fork), [exec] "i"(SYS_exec),
	      [exit] "i"(SYS_exit), [failed] "i"(EXEC_FAILED),
	      [close] "i"(SYS_close), [read] "i"(SYS_read)
	    : "rax", "rdi", "rsi", "rdx", "memory", "cc");
#elif defined(__riscv)
	asm volatile(
	    "1: li a0, 0\n\t"
	    "bgeu %[n], %[max], 2f\n\t"
	    "li a7, %[fork]\n\t"
	    "ecall\n\t"
	    "beqz a0, 3f\n\t"
	    "bltz a0, 2f\n\t"
	    "addi %[n], %[n], 1\n\t"
	    "mv %[last], a0\n\t"
	    "j 1b\n"
	    "3: li a7, %[exec]\n\t"
	    "mv a0, %[args]\n\t"
	    "ecall\n\t"
	    "li a7, %[exit]\n\t"
	    "li a0, %[failed]\n\t"
	    "ecall\n"
	    "2: mv %[r], a0\n\t"
	    "li a7, %[close]\n\t"
	    "mv a0, %[gate_w]\n\t"
	    "ecall\n\t"
	    "li a7, %[read]\n\t"
	    "mv a0, %[gate_r]\n\t"
	    "li a1, 0\n\t"
	    "li a2, 1\n\t"
	    "ecall"
	    : [n] "+r"(*n), [last] "+r"(*last), [r] "=&r"(r)
	    : [args] "r"(args), [max] "r"(max), [gate_r] "r"(gate_r),
	      [gate_w] "r"(gate_w), [fork] "i"(SYS_fork), [exec] "i"(SYS_exec),
	      [exit] "i"(SYS_exit), [failed] "i"(EXEC_FAILED),
	      [close] "i"(SYS_close), [read] "i"(SYS_read)
	    : "a0", "a1", "a2", "a7", "memory");
#endif
	close(gate[0]);
	return r;
}

/* Close every fd but keep and keep2. */
static void close_all_but(int keep, int keep2)
{
	for (int fd = 0; fd < NUM_FILES; fd++)
		if (fd != keep && fd != keep2)
			close(fd);
}

/* "exhaust_fork child R W": say so on W, close it, block on R. */
static int child(int r, int w)
{
	close_all_but(r, w);
	pipe_notify(w);
	close(w);
	(void)pipe_await(r);
	return OK;
}

/* "exhaust_fork node R W": flood with nodes, say so on W ("r", or "x"
 * when a fork failed otherwise), block on R, reap the children and
 * return the size of the subtree. */
static int node(int r, int w)
{
	char args[48];
	long n = 0, last = 0, err;
	int gate[2], status, size = 1;

	close_all_but(r, w);
	snprintf(args, sizeof(args), "exhaust_fork node %d %d", r, w);
	if (pipe(gate) != ERR_OK)
		err = ERR_NOMEM; /* no memory for the gate: no children */
	else
		err = flood(args, NODE_FORKS, gate, &n, &last);
	(void)write(w, err == ERR_NOMEM || err == 0 ? "r" : "x", 1);
	close(w);
	(void)pipe_await(r);
	while (wait(-1, &status) >= 0)
		size += status > 0 ? status : 0;
	return size;
}

/* "exhaust_fork hog K R W": take K frames, say so on W, block on R. */
static int hog(size_t k, int r, int w)
{
	char *p = sbrk((ssize_t)(k * PAGE_SIZE));

	close_all_but(r, w);
	for (size_t i = 0; p != (char *)ERR_NOMEM && i < k; i++)
		p[i * PAGE_SIZE] = 1;
	pipe_notify(w);
	(void)pipe_await(r);
	return OK;
}

/* One round: flood, count the children that said they live (the end of
 * the ready pipe comes once each has spoken or exited) and reap the
 * others. Return: the children forked; *alive of them live. */
static long flood_round(int release, long *alive, long *last)
{
	int ready[2], gate[2], status;
	char args[48], buf[64];
	long n = 0, err, got;

	if (pipe(ready) != ERR_OK || pipe(gate) != ERR_OK)
		exit(BAD_FORK);
	snprintf(args, sizeof(args), "exhaust_fork child %d %d", release,
		 ready[1]);
	err = flood(args, ROUND_FORKS, gate, &n, last);
	if (err != ERR_NOMEM && err != 0)
		exit(BAD_FORK);
	close(ready[1]);
	*alive = 0;
	while ((got = read(ready[0], buf, sizeof(buf))) > 0)
		*alive += got;
	close(ready[0]);
	for (long i = *alive; i < n; i++)
		if (wait(-1, &status) < 0 || status != EXEC_FAILED)
			exit(BAD_CHILD);
	return n;
}

/* Kill the live child with the highest pid (only our children have pids
 * above ours) and reap it. */
static void kill_one(long last)
{
	int status;

	for (long pid = last; pid > getpid(); pid--) {
		if (kill((int)pid) != ERR_OK)
			continue; /* its exec failed: reaped */
		if (wait((int)pid, &status) != pid || status != -1)
			exit(BAD_CHILD);
		return;
	}
	exit(BAD_CHILD);
}

/* "exhaust_fork forker R RW W": flood until a round adds no live child
 * (children block on R, whose other end is RW); check the full table;
 * spawn (which may fail, or live on what the kernel keeps back); kill one
 * child and fork one; release and reap all. Send main, on W, the
 * children alive at the limit and those whose exec failed on the way. */
static int forker(int release_r, int release_w, int result)
{
	size_t base = live_procs();
	long alive = 0, failed = 0, n, a, last = 0, figures[2];
	int status, rounds = 0, pid;

	stack_prefault(PREFAULT);
	do {
		n = flood_round(release_r, &a, &last);
		alive += a;
		failed += n - a;
		if (++rounds == MAX_ROUNDS)
			return NO_LIMIT;
	} while (a > 0);
	if (live_procs() != base + alive)
		return BAD_LIVE;
	pid = spawn("exhaust_fork at-the-limit");
	if (pid != ERR_NOMEM &&
	    (pid < 0 || wait(pid, &status) != pid || status != 0))
		return BAD_SPAWN;
	kill_one(last);
	pid = fork();
	if (pid == 0) {
		close(release_w);
		(void)pipe_await(release_r);
		exit(OK);
	}
	if (pid < 0)
		return NO_ROOM;
	close(release_r);
	close(release_w);
	if (wait(pid, &status) != pid || status != OK)
		return BAD_CHILD;
	for (long i = 0; i < alive - 1; i++)
		if (wait(-1, &status) < 0 || status != OK)
			return BAD_CHILD;
	if (wait(-1, NULL) != ERR_CHILD)
		return BAD_CHILD;
	figures[0] = alive;
	figures[1] = failed;
	(void)write(result, figures, sizeof(figures));
	return OK;
}

static void flat_flood(long *alive, long *failed)
{
	int release[2], result[2], pid, status;
	long figures[2] = {0, 0};

	assert(pipe(release) == ERR_OK && pipe(result) == ERR_OK);
	pid = spawnf("exhaust_fork forker %d %d %d", release[0], release[1],
		     result[1]);
	close(result[1]);
	close(release[0]);
	close(release[1]);
	(void)read(result[0], figures, sizeof(figures));
	close(result[0]);
	assert(wait(pid, &status) == pid);
	if (status == -1)
		error("fork flood: the forker was killed");
	if (status != OK)
		error("fork flood: the forker's status is %d (see its enum)",
		      status);
	*alive = figures[0];
	*failed = figures[1];
}

/* Return: the size of the tree its top counted; *nodes: the nodes that
 * said they live. */
static int tree_flood(int *nodes)
{
	int release[2], ready[2], pid, status, n = 0;
	size_t base = live_procs();
	char buf[64];
	long got;

	assert(pipe(release) == ERR_OK && pipe(ready) == ERR_OK);
	pid = spawnf("exhaust_fork node %d %d", release[0], ready[1]);
	close(ready[1]);
	close(release[0]);
	while ((got = read(ready[0], buf, sizeof(buf))) > 0)
		for (long i = 0; i < got; i++)
			if (buf[i] == 'r')
				n++;
			else
				error("fork tree: a fork failed otherwise");
	close(ready[0]);
	if (live_procs() != base + n)
		error("fork tree: %zu processes live, %d said they do",
		      live_procs() - base, n);
	close(release[1]);
	assert(wait(pid, &status) == pid);
	*nodes = n;
	return status;
}

/* Above CAP free frames, spawn a hog holding the excess until the
 * returned fd closes. Return: that fd, or -1; *pid: the hog. */
static int start_hog(int *pid)
{
	int ready[2], hold[2];

	assert(info(&si) == ERR_OK);
	if (si.free_pages <= CAP)
		return -1;
	assert(pipe(ready) == ERR_OK && pipe(hold) == ERR_OK);
	*pid = spawnf("exhaust_fork hog %d %d %d", (int)(si.free_pages - CAP),
		      hold[0], ready[1]);
	close(hold[0]);
	close(ready[1]);
	if (pipe_await(ready[0]) != 1)
		error("the holder ended before it held memory down");
	close(ready[0]);
	return hold[1];
}

int main(int argc, char **argv)
{
	size_t free0, kills0;
	long alive, failed;
	int nodes, counted, hog_pid = 0, hold;

	if (argc == 4 && strcmp(argv[1], "child") == 0)
		return child(atoi(argv[2]), atoi(argv[3]));
	if (argc == 4 && strcmp(argv[1], "node") == 0)
		return node(atoi(argv[2]), atoi(argv[3]));
	if (argc == 5 && strcmp(argv[1], "hog") == 0)
		return hog(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
	if (argc == 5 && strcmp(argv[1], "forker") == 0)
		return forker(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
	if (argc > 1)
		return 0; /* spawned at the limit */
	stack_prefault(PREFAULT);
	assert(info(&si) == ERR_OK);
	free0 = si.free_pages;
	kills0 = si.num_kill;
	hold = start_hog(&hog_pid);
	flat_flood(&alive, &failed);
	counted = tree_flood(&nodes);
	if (counted != nodes)
		error("fork tree: %d nodes lived, their parents reaped %d",
		      nodes, counted);
	if (hold >= 0) {
		close(hold);
		assert(wait(hog_pid, NULL) == hog_pid);
	}
	assert(info(&si) == ERR_OK);
	if (si.num_kill != kills0)
		error("%zu processes were killed for a fault",
		      si.num_kill - kills0);
	if (si.free_pages != free0)
		error("%ld frames leaked", (long)free0 - (long)si.free_pages);
	pass("exhaust_fork: %ld children alive at ERR_NOMEM (%ld more could "
	     "not exec); a fork tree of %d processes, all reaped by their "
	     "parents",
	     alive, failed, nodes);
	return 0;
}
