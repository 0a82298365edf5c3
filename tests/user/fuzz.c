/* The syscall fuzzer. NCHILDREN forked children each make random system
 * calls with hostile arguments -- NULL, kernel, non-canonical and unmapped
 * addresses, the bytes around each of their regions, unaligned pointers,
 * huge and wrapping lengths, negative, closed and huge fds, bad program
 * strings, sbrk extremes, unknown call numbers, garbage in the unused
 * argument registers -- and random memory accesses. Fatal accesses, kills
 * and successful execs happen in grandchildren, each reaped at once.
 * Every result must be a success or an error code lib/usyscall.h documents
 * for that call, and the exact one where the outcome is certain: a model
 * of each child's fds, pipes and break predicts fd numbers, byte counts and
 * sbrk's results. At the end the parent has reaped everyone, num_kill grew
 * by the grandchildren killed for a fault, and the free pages are back.
 * Seed and number of calls: the initrd file FUZZ ("seed=S n=N", from
 * `make fuzz SEED= N=`), else DEFAULT_SEED and DEFAULT_CALLS. The program
 * run as "fuzz exit S" exits with status S at once: spawn and exec use it.
 * When the kernel injects failures (sys_info.failinject), a call that
 * gives ERR_NOMEM is made again, up to RETRIES times, and the model then
 * proves that the failed call changed nothing; a process may also be
 * killed for want of memory (status -1) wherever it touches a page.
 * Run as "fuzz storm S N" (by fuzz_storm, beside other fuzzers) it takes
 * seed S and N calls from argv, prints on fd 1 "@child PID CHILD" for each
 * child and "@calls K" as its children make calls, and leaves out the
 * checks of system-wide counters (num_kill, free pages), which the other
 * fuzzers move too. */
#include <lib/stddef.h>
#include <lib/syscall-num.h>
#include <lib/test.h>
#include <lib/testkit.h>
#include <lib/trap.h>

int main(int argc, char **argv);

#define PAGE_SIZE 4096ul /* both arches */
#define ROUND_DOWN(x) ((uintptr_t)(x) & ~(PAGE_SIZE - 1))
#define ROUND_UP(x) ROUND_DOWN((uintptr_t)(x) + PAGE_SIZE - 1)
#define STACK_BOTTOM (USTACK_UPPERBOUND - 10 * PAGE_SIZE)
#define STACK_SCRATCH (5 * PAGE_SIZE) /* lowest stack bytes: never in use */
#define TOP_SCRATCH 16 /* highest stack bytes: argv's strings, done with */
#define PIPE_CAP 4096  /* kernel/pipe.c: the bytes a pipe holds */
#define NCHILDREN 4
#define DEFAULT_SEED 1
#define DEFAULT_CALLS 12000
#define HEAP_FLOOR (2 * PAGE_SIZE) /* the heap a child always keeps */
#define HEAP_MAX (32 * PAGE_SIZE)
#define SCRATCH_SIZE (2 * PAGE_SIZE)
#define NCANARY 256
#define BURST 24	/* calls a grandchild makes before it exits */
#define RETRIES 64	/* attempts at a call that gives injected ERR_NOMEM */
#define GENERATIONS 200 /* of children, at most, to make N calls */
#define UNLIMITED ((size_t)-1)
#define PROGRESS (-1)	   /* record.failed of a progress record */
#define PROGRESS_CALLS 100 /* calls between two progress records */
#define BIT(err) (1u << -(err))

#if defined(__x86_64__)
#define KERNEL_TEXT 0xffffffff80100000ul
static const unsigned char ret_insn[] = {0xc3};
#elif defined(__riscv)
#define KERNEL_TEXT 0xffffffff80080000ul
static const unsigned char ret_insn[] = {0x82, 0x80};
#endif

/* Exit statuses of grandchildren that went wrong. */
#define GC_NOT_KILLED 111 /* survived what should have killed it */
#define GC_FAILED 112	  /* found an error, and reported it */

/* What each child sends its parent on the report pipe, once. */
struct record {
	int failed;
	long calls;   /* system calls made */
	long faults;  /* grandchildren killed for a fault */
	long kills;   /* grandchildren killed by kill() */
	long retries; /* calls made again after an injected ERR_NOMEM */
	long starved; /* processes that ended with -1 where another status
		       * was due: killed for want of memory (injected) */
	char msg[180];
};

/* The fuzzer's model of one fd and of one pipe. */
enum kind { FD_FREE, FD_FILE, FD_DIR, FD_PIPE_R, FD_PIPE_W, FD_REPORT };
struct pipe_model {
	int content, readers, writers;
};

/* A user address and what the kernel must make of it. */
struct ptr {
	uintptr_t p;
	size_t rd, wr;	   /* bytes from p surely readable, writable */
	size_t room;	   /* bytes from p the kernel may write harmlessly */
	bool no_rd, no_wr; /* p itself is surely refused */
};

/* A program string for spawn and exec and what it must give. */
struct args {
	uintptr_t p;
	unsigned errs; /* the errors allowed */
	bool valid;    /* runs "fuzz exit status" */
	int status;
};

struct seg {
	uintptr_t start, end;
};

static unsigned long seed = DEFAULT_SEED;
static long ncalls = DEFAULT_CALLS;
static char prog[32]; /* our own name, argv[0] */
static uint64_t rng;
static int child, mypid, report_fd = -1;
static bool grandchild; /* pipes are shared with the parent: no pipe I/O */
static bool storm; /* run by fuzz_storm: progress records, no global checks */
static long reported; /* calls a progress record has counted */
static long calls, faults, kills, retries, starved, last_pid;
static bool injecting; /* the kernel injects failures */
static long last_nr;
static uint64_t last_arg[3];

static struct sys_info injected_si;

/* Failures injected so far, system-wide (0 when unknown). */
static size_t injected(void)
{
	return injecting && info(&injected_si) == ERR_OK
		   ? injected_si.num_injected
		   : 0;
}

/* Make the call again while it gives ERR_NOMEM and a failure was injected
 * meanwhile (then it changed nothing: the model checks that), up to
 * RETRIES times; an ERR_NOMEM of a full fd table stays. Return: its last
 * result. */
#define AGAIN(call)                                                            \
	({                                                                     \
		long r_;                                                       \
		size_t k_;                                                     \
		int n_ = 0;                                                    \
		do                                                             \
			k_ = injected(), r_ = (call);                          \
		while (r_ == ERR_NOMEM && injected() != k_ &&                  \
		       n_++ < RETRIES && ++retries);                           \
		r_;                                                            \
	})

static struct seg text, rodata, data; /* the ELF segments, exactly */
static uintptr_t heap_start, brk;     /* brk: what sbrk(0) must say */
static size_t max_heap;		      /* the machine's memory in bytes */
static uintptr_t anchors[6];	      /* a function, a string, ... */

static unsigned char fd_kind[NUM_FILES];
static short fd_pipe[NUM_FILES];
static struct pipe_model pipes[NUM_FILES];

static unsigned char scratch[SCRATCH_SIZE] __attribute__((aligned(16)));
static uint64_t canary[NCANARY];
static char strbuf[2 * PAGE_SIZE];
static struct record rec;
static volatile uint64_t sink;

/* ---- Randomness, reporting, raw calls ------------------------------------ */

static uint64_t next64(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dul;
}

/* Return: a number in [0, n), or 0 when n is 0. */
static uint64_t below(uint64_t n)
{
	return n ? next64() % n : 0;
}

static uint64_t splitmix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ul;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ul;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebul;
	return x ^ (x >> 31);
}

static void send(const struct record *r)
{
	const char *p = (const char *)r;
	size_t left = sizeof(*r);

	while (left > 0) {
		long n = AGAIN(write(report_fd, p, left));
		if (n <= 0)
			break;
		p += n;
		left -= n;
	}
}

/* Report what went wrong in the last call, then exit. */
static __attribute__((noreturn, format(printf, 1, 2))) void
fail(const char *fmt, ...)
{
	struct record r = {.failed = 1};
	va_list ap;
	int n;

	n = snprintf(r.msg, sizeof(r.msg),
		     "%schild %d seed %lu call %ld nr %ld "
		     "(%lx %lx %lx): ",
		     grandchild ? "grand" : "", child, seed, calls, last_nr,
		     last_arg[0], last_arg[1], last_arg[2]);
	if (n > 0 && (size_t)n < sizeof(r.msg)) {
		va_start(ap, fmt);
		vsnprintf(r.msg + n, sizeof(r.msg) - n, fmt, ap);
		va_end(ap);
	}
	send(&r);
	exit(grandchild ? GC_FAILED : 1);
}

/* System call nr with three arguments and garbage in the other three. */
static long sc(long nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	last_nr = nr;
	last_arg[0] = a0;
	last_arg[1] = a1;
	last_arg[2] = a2;
	calls++;
	return AGAIN(arch_syscall(nr, (long)a0, (long)a1, (long)a2,
				  (long)next64(), (long)next64(),
				  (long)next64()));
}

/* Status got of a process that was due to end with want: the same, or,
 * with failures injected, -1 (killed for want of memory: counted). */
static bool status_ok(int got, int want)
{
	if (got == want)
		return true;
	starved += injecting && got == -1;
	return injecting && got == -1;
}

/* The result r must be a success (when success is allowed) or one of the
 * errors in errs. */
static void expect(long r, bool success, unsigned errs, const char *what)
{
	if (r >= 0 ? success : r >= -31 && (errs & BIT(r)))
		return;
	fail("%s: got %ld", what, r);
}

/* ---- Addresses ----------------------------------------------------------- */

/* An address where no region is: every access to it is refused. */
static uintptr_t bad_addr(void)
{
	uintptr_t heap_top = ROUND_UP(brk);

	switch (below(12)) {
	case 0:
		return 0;
	case 1:
		return below(text.start); /* below the program */
	case 2:
		return KMAP_BASE + below(1ul << 31); /* the direct map */
	case 3:
		return KERNEL_TEXT + below(1ul << 22);
	case 4:
		return ~0ul - below(PAGE_SIZE);
	case 5: /* non-canonical: between the halves */
		return USER_TOP + below(KMAP_BASE - USER_TOP);
	case 6:
		return USTACK_UPPERBOUND + below(PAGE_SIZE);
	case 7:
		return STACK_BOTTOM - 1 - below(PAGE_SIZE); /* the guard */
	case 8:
		return heap_top + below(STACK_BOTTOM - heap_top);
	case 9: /* a top-level slot of the kernel half */
		return KMAP_BASE + below(256) * TOP_SLOT_SIZE + below(4096);
	case 10:
		return text.start - 1 - below(16);
	default:
		return 1ul << 63 | next64();
	}
}

/* A byte at, just before or just after the edge of a region, a page of
 * one of the anchors, or the scratch area. */
static uintptr_t edge_addr(void)
{
	static const int delta[] = {-9, -8, -3, -1, 0, 1, 2, 7};
	uintptr_t a = anchors[below(6)];
	uintptr_t edges[] = {
	    text.start,
	    text.end,
	    ROUND_UP(text.end),
	    rodata.start,
	    rodata.end,
	    ROUND_UP(rodata.end),
	    data.start,
	    data.end,
	    heap_start,
	    brk,
	    ROUND_UP(brk),
	    STACK_BOTTOM,
	    USTACK_UPPERBOUND,
	    (uintptr_t)scratch,
	    ROUND_DOWN(a),
	    ROUND_UP(a + 1),
	    (uintptr_t)scratch + SCRATCH_SIZE,
	};

	return edges[below(sizeof(edges) / sizeof(edges[0]))] + delta[below(8)];
}

/* Any address the fuzzer finds interesting. */
static uintptr_t any_addr(void)
{
	switch (below(11)) {
	case 0:
	case 1:
		return bad_addr();
	case 2:
	case 3:
		return edge_addr();
	case 4:
		return text.start + below(text.end - text.start);
	case 5:
		return rodata.start + below(rodata.end - rodata.start);
	case 6:
		return data.start + below(data.end - data.start);
	case 7:
		return (uintptr_t)scratch + below(SCRATCH_SIZE);
	case 8:
		return heap_start + below(ROUND_UP(brk) - heap_start + 1);
	case 9:
		return STACK_BOTTOM + below(STACK_SCRATCH);
	default:
		return STACK_BOTTOM + below(10 * PAGE_SIZE);
	}
}

/* What the kernel must make of user address p, from the regions: text,
 * rodata, data+bss+heap (contiguous), stack. The kernel rounds each
 * region's end up to a page. */
static struct ptr classify(uintptr_t p)
{
	struct ptr r = {.p = p, .room = UNLIMITED};
	uintptr_t heap_top = ROUND_UP(brk), s = (uintptr_t)scratch;

	if (p >= text.start && p < ROUND_UP(text.end)) {
		r.rd = ROUND_UP(text.end) - p;
		r.no_wr = true;
	} else if (p >= rodata.start && p < ROUND_UP(rodata.end)) {
		r.rd = ROUND_UP(rodata.end) - p;
		r.no_wr = true;
	} else if (p >= data.start && p < heap_top) {
		r.rd = r.wr = heap_top - p;
		if (p >= s && p < s + SCRATCH_SIZE)
			r.room = s + SCRATCH_SIZE - p;
		else if (p < data.end)
			r.room = 0; /* our variables */
	} else if (p >= STACK_BOTTOM && p < USTACK_UPPERBOUND) {
		r.rd = r.wr = USTACK_UPPERBOUND - p;
		if (p < STACK_BOTTOM + STACK_SCRATCH)
			r.room = STACK_BOTTOM + STACK_SCRATCH - p;
		else if (p < USTACK_UPPERBOUND - TOP_SCRATCH)
			r.room = 0; /* our frames */
	} else {
		r.no_rd = r.no_wr = true;
	}
	return r;
}

/* Somewhere the kernel may write size bytes (or more: see room). */
static struct ptr dst_ptr(size_t size)
{
	for (int tries = 0; tries < 4; tries++) {
		struct ptr r = classify(any_addr());
		if (r.room >= size)
			return r;
	}
	return classify((uintptr_t)scratch + below(SCRATCH_SIZE - size + 1));
}

/* A length for a buffer at p: small, page-sized, huge, negative as an
 * ssize_t, wrapping the address space, or cut by 32-bit truncation. */
static size_t any_len(uintptr_t p)
{
	switch (below(12)) {
	case 0:
		return 0;
	case 1:
		return 1;
	case 2:
		return below(64);
	case 3:
		return below(PAGE_SIZE);
	case 4:
		return PAGE_SIZE + 1 - below(3);
	case 5:
		return below(3 * PAGE_SIZE);
	case 6:
		return 1ul << (20 + below(43));
	case 7:
		return (~0ul >> 1) - below(4);
	case 8:
		return ~0ul - below(16);
	case 9:
		return (size_t)0 - p + below(PAGE_SIZE);
	case 10:
		return (1ul << 32) + below(16);
	default:
		return 1ul << 31;
	}
}

/* ---- The fd model -------------------------------------------------------- */

static int kind_of(uint64_t fd)
{
	return fd < NUM_FILES ? fd_kind[fd] : FD_FREE;
}

/* Return: the lowest free fd, or -1. */
static int lowest_free(int after)
{
	for (int fd = after + 1; fd < NUM_FILES; fd++)
		if (fd_kind[fd] == FD_FREE)
			return fd;
	return -1;
}

static struct pipe_model *pipe_of(uint64_t fd)
{
	int k = kind_of(fd);

	return k == FD_PIPE_R || k == FD_PIPE_W ? &pipes[fd_pipe[fd]] : NULL;
}

static void model_install(int fd, int kind, int pipe)
{
	fd_kind[fd] = (unsigned char)kind;
	fd_pipe[fd] = (short)pipe;
	if (kind == FD_PIPE_R)
		pipes[pipe].readers++;
	if (kind == FD_PIPE_W)
		pipes[pipe].writers++;
}

static void model_close(int fd)
{
	if (fd_kind[fd] == FD_PIPE_R)
		pipes[fd_pipe[fd]].readers--;
	if (fd_kind[fd] == FD_PIPE_W)
		pipes[fd_pipe[fd]].writers--;
	fd_kind[fd] = FD_FREE;
}

/* An fd: mostly an open one, else negative, closed, huge, or one whose
 * low 32 bits name an open fd. Never the report pipe. */
static uint64_t any_fd(void)
{
	uint64_t fd;

	if (below(4) != 0) {
		int start = (int)below(NUM_FILES);
		for (int i = 0; i < NUM_FILES; i++) {
			int f = (start + i) % NUM_FILES;
			if (fd_kind[f] != FD_FREE && fd_kind[f] != FD_REPORT)
				return f;
		}
	}
	switch (below(7)) {
	case 0:
		return ~0ul;
	case 1:
		return ~0ul - 1 - below(1000);
	case 2:
		return NUM_FILES + below(1000);
	case 3:
		return (1ul << 32) + below(NUM_FILES);
	case 4:
		return 0xffffffff80000000ul;
	default:
		fd = below(NUM_FILES);
		return fd_kind[fd] == FD_REPORT ? ~0ul : fd;
	}
}

/* ---- Checks shared by several calls -------------------------------------- */

static void fill_canaries(void)
{
	for (int i = 0; i < NCANARY; i++)
		canary[i] = splitmix(seed * 1000 + child * 100 + i);
}

static void check_canaries(const char *when)
{
	for (int i = 0; i < NCANARY; i++)
		if (canary[i] != splitmix(seed * 1000 + child * 100 + i))
			fail("canary %d changed %s", i, when);
}

/* Wait for pid until it is reaped, first with hostile status pointers.
 * Return: whether *status was stored. */
static bool reap(long pid, int *status)
{
	for (;;) {
		struct ptr d = below(3) ? dst_ptr(sizeof(int))
					: classify((uintptr_t)scratch);
		long r = sc(SYS_wait, (uint64_t)pid | (next64() << 32), d.p,
			    next64());

		if (r == pid) {
			if (d.p == 0)
				return false;
			if (d.wr < sizeof(int))
				fail("wait stored a status at a bad address");
			memcpy(status, (void *)d.p, sizeof(int));
			return true;
		}
		if (r == ERR_FAULT && d.p != 0 && d.wr < sizeof(int))
			continue; /* the child is left unreaped */
		fail("wait(%ld): got %ld", pid, r);
	}
}

/* A new pid must be above every pid seen so far. */
static void check_pid(long pid, const char *what)
{
	if (pid <= last_pid)
		fail("%s: pid %ld, not above %ld", what, pid, last_pid);
	last_pid = pid;
}

/* ---- Program strings ----------------------------------------------------- */

static const char *const not_programs[] = {
    "TESTS",	"elf_truncated", "elf_kernel", "elf_huge",
    "elf_wrap", "elf_overlap",	 "elf_filesz",
};

/* Append n random words of min to max letters to s at *at. */
static void add_words(char *s, size_t *at, int n, int min, int max)
{
	for (int i = 0; i < n; i++) {
		int l = min + (int)below(max - min + 1);
		s[(*at)++] = ' ';
		while (l-- > 0)
			s[(*at)++] = (char)('a' + below(26));
	}
	s[*at] = '\0';
}

/* A program string: a bad pointer, a string running into unmapped memory,
 * no such program, a file that is no program, blank, no NUL within a page,
 * argv too big for the stack's top page, or (when allowed) our own program
 * with "exit S" and random words. Built in strbuf, at the heap's end or at
 * the stack's top; never random memory, which might name a program. */
static struct args make_args(bool allow_valid)
{
	struct args a = {.p = (uintptr_t)strbuf, .errs = BIT(ERR_INVAL)};
	size_t at = 0, k;

	switch (below(allow_valid ? 10 : 8)) {
	case 0:
		a.p = bad_addr();
		a.errs = BIT(ERR_FAULT);
		break;
	case 1: /* no NUL before the heap's end: a fault, or too long */
		k = 1 + below(2 * PAGE_SIZE - 1);
		a.p = ROUND_UP(brk) - k;
		memset((char *)a.p, 'a' + (int)below(26), k);
		a.errs = k < PAGE_SIZE ? BIT(ERR_FAULT) : BIT(ERR_INVAL);
		break;
	case 2: /* no NUL before the stack's top */
		k = 1 + below(TOP_SCRATCH);
		a.p = USTACK_UPPERBOUND - k;
		memset((char *)a.p, 'z', k);
		a.errs = BIT(ERR_FAULT);
		break;
	case 3:
		at = snprintf(strbuf, 64, "%szz_%lx", below(2) ? "" : "  /",
			      (unsigned long)next64());
		add_words(strbuf, &at, (int)below(4), 1, 8);
		a.errs = BIT(ERR_NOTEXIST);
		break;
	case 4:
		at = snprintf(strbuf, 64, "%s",
			      not_programs[below(sizeof(not_programs) /
						 sizeof(not_programs[0]))]);
		add_words(strbuf, &at, (int)below(3), 1, 4);
		break;
	case 5: /* no word */
		k = below(8);
		memset(strbuf, ' ', k);
		strbuf[k] = '\0';
		break;
	case 6: /* a NUL only after a page */
		k = PAGE_SIZE + below(PAGE_SIZE - 1);
		memset(strbuf, 'q', k);
		strbuf[k] = '\0';
		break;
	case 7: /* under a page, but the words and argv are over one */
		at = snprintf(strbuf, 64, "%s exit 0", prog);
		add_words(strbuf, &at, 190 + (int)below(40), 16, 16);
		break;
	default:
		a.valid = true;
		a.status = below(2) ? (int)below(256) : (int)next64();
		at = snprintf(strbuf, 64, "%s%s exit %d", below(4) ? "" : " /",
			      prog, a.status);
		add_words(strbuf, &at, (int)below(6), 1, 8);
		break;
	}
	return a;
}

/* ---- The calls ----------------------------------------------------------- */

static void op_read(void)
{
	uint64_t fd = any_fd();
	int k = kind_of(fd);
	struct pipe_model *pm = k == FD_PIPE_R ? pipe_of(fd) : NULL;
	struct ptr d = dst_ptr(0);
	size_t len = any_len(d.p), avail;
	bool neg = (long)len < 0, good;
	unsigned bad = d.no_wr ? BIT(ERR_FAULT) : 0;
	long r;

	if (pm && grandchild)
		return;
	if (!neg && len > d.room)
		len = d.room;
	if (pm && !neg && pm->content == 0 && pm->writers > 0)
		len = 0; /* it would block */
	r = sc(SYS_read, fd, d.p, len);
	if (k != FD_FILE && k != FD_PIPE_R) {
		expect(r, false, BIT(ERR_INVAL) | bad, "read: fd not readable");
		return;
	}
	if (neg) {
		expect(r, false, BIT(ERR_INVAL) | bad, "read: negative count");
		return;
	}
	good = len <= d.wr;
	expect(r, true, good ? 0 : BIT(ERR_FAULT), "read");
	if (r > (long)len)
		fail("read: %ld bytes for a count of %zu", r, len);
	if (!pm)
		return;
	avail = len < (size_t)pm->content ? len : (size_t)pm->content;
	if (r > (long)avail || (good && r != (long)avail))
		fail("read: %ld bytes from a pipe holding %d, count %zu", r,
		     pm->content, len);
	if (r > 0)
		pm->content -= (int)r;
}

static void op_write(void)
{
	uint64_t fd = any_fd();
	int k = kind_of(fd);
	struct pipe_model *pm = k == FD_PIPE_W ? pipe_of(fd) : NULL;
	struct ptr s = classify(any_addr());
	size_t len = any_len(s.p), space;
	bool neg = (long)len < 0, good;
	unsigned bad = s.no_rd ? BIT(ERR_FAULT) : 0;
	long r;

	if (pm && grandchild)
		return;
	if (pm && !neg && pm->readers > 0) {
		space = PIPE_CAP - pm->content;
		if (len > space && !(s.no_rd && space > 0))
			len = space; /* it would block */
	}
	r = sc(SYS_write, fd, s.p, len);
	if (k != FD_PIPE_W) {
		expect(r, false, BIT(ERR_INVAL) | bad,
		       "write: fd not writable");
		return;
	}
	if (neg) {
		expect(r, false, BIT(ERR_INVAL) | bad, "write: negative count");
		return;
	}
	if (len == 0) {
		if (r != 0)
			fail("write of 0 bytes: got %ld", r);
		return;
	}
	if (pm->readers == 0) {
		expect(r, false, BIT(ERR_END) | bad, "write: no reader");
		return;
	}
	good = len <= s.rd;
	expect(r, true, good ? 0 : BIT(ERR_FAULT), "write");
	if (r > (long)len || (good && r != (long)len))
		fail("write: %ld bytes of %zu", r, len);
	if (r > 0)
		pm->content += (int)r;
}

/* open: known files and the directory, no such file, too long, bad and
 * unterminated paths, random memory; flags right, wrong or truncated to
 * right by the kernel's int. */
static void op_open(void)
{
	static const char *const files[] = {"TESTS", "/TESTS", "//elf_wrap",
					    "echo"};
	static const char *const none[] = {"zz_nofile", "TESTS/", "./TESTS", "",
					   "fuzz/"};
	uint64_t flags = below(3) ? 0 : below(2) ? 1ul << 32 : next64();
	int want = -1, fd = lowest_free(-1); /* want: the kind, if known */
	bool may_succeed = false;
	unsigned errs = 0;
	uintptr_t path;
	struct stat st;
	size_t k;
	long r;

	switch (below(8)) {
	case 0:
		path = (uintptr_t)files[below(4)];
		want = FD_FILE;
		may_succeed = true;
		break;
	case 1:
		path = (uintptr_t)(below(2) ? "." : "/");
		want = FD_DIR;
		may_succeed = true;
		break;
	case 2:
		path = (uintptr_t)none[below(5)];
		errs = BIT(ERR_NOTEXIST);
		break;
	case 3: /* longer than any name */
		k = 200 + below(200);
		memset(strbuf, 'n', k);
		strbuf[k] = '\0';
		path = (uintptr_t)strbuf;
		errs = BIT(ERR_NOTEXIST);
		break;
	case 4:
		path = bad_addr();
		errs = BIT(ERR_FAULT);
		break;
	case 5: /* no NUL before the heap's end */
		k = 1 + below(PAGE_SIZE);
		path = ROUND_UP(brk) - k;
		memset((char *)path, 'u', k);
		errs = k < 256 ? BIT(ERR_FAULT) : BIT(ERR_NOTEXIST);
		break;
	default:
		path = any_addr();
		may_succeed = true;
		errs = BIT(ERR_FAULT) | BIT(ERR_NOTEXIST) | BIT(ERR_INVAL);
		break;
	}
	if ((int)flags != FS_RDONLY) {
		may_succeed = false;
		errs |= BIT(ERR_INVAL);
	}
	if (may_succeed && fd < 0) {
		may_succeed = false;
		errs |= BIT(ERR_NOMEM);
	}
	r = sc(SYS_open, path, flags, next64());
	expect(r, may_succeed, errs, "open");
	if (r < 0)
		return;
	if (r != fd)
		fail("open: fd %ld, the lowest free is %d", r, fd);
	if (sc(SYS_fstat, r, (uintptr_t)&st, 0) != ERR_OK)
		fail("fstat of a new fd failed");
	model_install(fd, st.ftype == FTYPE_DIR ? FD_DIR : FD_FILE, 0);
	if (want >= 0 && fd_kind[fd] != want)
		fail("open: the file has type %d", st.ftype);
}

static void op_close(void)
{
	uint64_t fd = any_fd();
	long r = sc(SYS_close, fd, next64(), next64());

	if (kind_of(fd) == FD_FREE) {
		expect(r, false, BIT(ERR_INVAL), "close of a closed fd");
		return;
	}
	expect(r, true, 0, "close");
	model_close((int)fd);
}

/* dup(fd), checked against the model. Return: whether it made an fd. */
static bool do_dup(uint64_t fd)
{
	int k = kind_of(fd), want = lowest_free(-1);
	long r = sc(SYS_dup, fd, next64(), next64());

	if (k == FD_FREE) {
		expect(r, false, BIT(ERR_INVAL), "dup of a closed fd");
		return false;
	}
	expect(r, want >= 0, want >= 0 ? 0 : BIT(ERR_NOMEM), "dup");
	if (r < 0)
		return false;
	if (r != want)
		fail("dup: fd %ld, the lowest free is %d", r, want);
	model_install(want, k, fd_pipe[fd]);
	return true;
}

static void op_dup(void)
{
	do_dup(any_fd());
}

/* dup one fd until the table is full, and once more: ERR_NOMEM. */
static void op_fill_fds(void)
{
	uint64_t fd = any_fd();

	if (kind_of(fd) == FD_FREE)
		return;
	while (do_dup(fd))
		;
}

/* pipe() through d. Return: whether it made one, with its fds in fds. */
static bool make_pipe(struct ptr d, int fds[2])
{
	int lo = lowest_free(-1), hi = lo < 0 ? -1 : lowest_free(lo), slot;
	long r = sc(SYS_pipe, d.p, next64(), next64());

	if (hi < 0) {
		expect(r, false, BIT(ERR_NOMEM) | BIT(ERR_FAULT),
		       "pipe with under two fds free");
		return false;
	}
	if (d.wr < 2 * sizeof(int)) {
		expect(r, false, BIT(ERR_FAULT), "pipe at a bad address");
		return false;
	}
	expect(r, true, 0, "pipe");
	memcpy(fds, (void *)d.p, 2 * sizeof(int));
	if (fds[0] != lo || fds[1] != hi)
		fail("pipe: fds %d and %d, the lowest free are %d and %d",
		     fds[0], fds[1], lo, hi);
	for (slot = 0; pipes[slot].readers + pipes[slot].writers > 0; slot++)
		;
	pipes[slot].content = 0;
	model_install(lo, FD_PIPE_R, slot);
	model_install(hi, FD_PIPE_W, slot);
	return true;
}

static void op_pipe(void)
{
	int fds[2];

	make_pipe(dst_ptr(2 * sizeof(int)), fds);
}

/* Return: whether name, of FNAME_LEN bytes, holds a NUL. */
static bool has_nul(const char *name)
{
	for (int i = 0; i < FNAME_LEN; i++)
		if (name[i] == '\0')
			return true;
	return false;
}

static void op_readdir(void)
{
	uint64_t fd = any_fd();
	int k = kind_of(fd);
	struct ptr d = dst_ptr(sizeof(struct dirent));
	bool good = d.wr >= sizeof(struct dirent);
	unsigned bad = good ? 0 : BIT(ERR_FAULT);
	long r = sc(SYS_readdir, fd, d.p, next64());
	struct dirent de;

	if (k == FD_FREE) {
		expect(r, false, BIT(ERR_INVAL), "readdir of a closed fd");
		return;
	}
	if (k != FD_DIR) {
		expect(r, false, BIT(ERR_FTYPE) | bad, "readdir of a non-dir");
		return;
	}
	expect(r, good, BIT(ERR_END) | bad, "readdir");
	if (r != ERR_OK)
		return;
	memcpy(&de, (void *)d.p, sizeof(de));
	if (has_nul(de.name) && de.inode_num > 0)
		return;
	fail("readdir: a bad entry");
}

static void op_fstat(void)
{
	uint64_t fd = any_fd();
	int k = kind_of(fd);
	struct ptr d = dst_ptr(sizeof(struct stat));
	bool good = d.wr >= sizeof(struct stat);
	unsigned bad = good ? 0 : BIT(ERR_FAULT);
	long r = sc(SYS_fstat, fd, d.p, next64());
	struct stat st;

	if (k == FD_FREE) {
		expect(r, false, BIT(ERR_INVAL), "fstat of a closed fd");
		return;
	}
	if (k != FD_FILE && k != FD_DIR) {
		expect(r, false, BIT(ERR_INVAL) | bad, "fstat of a pipe");
		return;
	}
	expect(r, good, bad, "fstat");
	if (r != ERR_OK)
		return;
	memcpy(&st, (void *)d.p, sizeof(st));
	if (st.ftype != (k == FD_DIR ? FTYPE_DIR : FTYPE_FILE))
		fail("fstat: type %d", st.ftype);
}

static void op_info(void)
{
	struct ptr d = dst_ptr(sizeof(struct sys_info));
	bool good = d.wr >= sizeof(struct sys_info);
	long r = sc(SYS_info, d.p, next64(), next64());
	struct sys_info si;

	expect(r, good, good ? 0 : BIT(ERR_FAULT), "info");
	if (r != ERR_OK)
		return;
	memcpy(&si, (void *)d.p, sizeof(si));
	if (si.free_pages > si.total_pages || si.live_procs < 2 ||
	    si.total_pages * PAGE_SIZE != max_heap)
		fail("info: free %zu, total %zu, live %zu", si.free_pages,
		     si.total_pages, si.live_procs);
}

static void op_getpid(void)
{
	long r = sc(SYS_getpid, next64(), next64(), next64());

	if (r != mypid)
		fail("getpid: got %ld, want %d", r, mypid);
}

/* A short sleep; the kernel takes ms as an unsigned int. */
static void op_sleep(void)
{
	uint64_t ms = below(3) | (below(2) ? next64() << 32 : 0);
	long r = sc(SYS_sleep, ms, next64(), next64());

	if (r != ERR_OK)
		fail("sleep: got %ld", r);
}

/* wait with no child: any pid (-1 too), any status pointer. */
static void op_wait(void)
{
	static const uint32_t pids[] = {~0u, 0, 1, 0x7fffffff, 0x80000000};
	uint64_t pid = below(2)	  ? pids[below(5)]
		       : below(2) ? next64()
				  : (uint64_t)mypid;
	long r = sc(SYS_wait, pid, any_addr(), next64());

	expect(r, false, BIT(ERR_CHILD), "wait with no child");
}

/* kill of pids no process has (the kernel takes an int: the high half
 * is garbage). Never -1, never a live process. */
static void op_kill(void)
{
	static const uint32_t pids[] = {0, ~0u - 1, 0x80000000, 0x7fffffff};
	uint32_t low;
	long r;

	switch (below(4)) {
	case 0:
		low = pids[below(4)];
		break;
	case 1:
		low = 0x7fffffff - (uint32_t)below(1000);
		break;
	case 2:
		low = ~0u - 1 - (uint32_t)below(1000);
		break;
	default:
		low = last_pid > 0 ? (uint32_t)last_pid : 0; /* reaped */
		break;
	}
	r = sc(SYS_kill, low | (below(2) ? next64() << 32 : 0), next64(),
	       next64());
	expect(r, false, BIT(ERR_NOTEXIST), "kill of no process");
}

/* Call numbers the kernel does not have, some that truncate to real ones
 * (getpid: harmless if the kernel gets it wrong). */
static void op_badnr(void)
{
	static const uint64_t nrs[] = {
	    0,
	    SYS_COUNT,
	    SYS_COUNT + 1,
	    255,
	    1000,
	    0x80000000,
	    ~0ul,
	    1ul << 32 | SYS_getpid,
	    1ul << 63 | SYS_getpid,
	    1ul << 32,
	    ~0ul - SYS_COUNT,
	};
	uint64_t nr = below(2) ? nrs[below(sizeof(nrs) / sizeof(nrs[0]))]
			       : (next64() & ~0xfffffffful) |
				     (SYS_COUNT + below(1ul << 30));
	long r = sc((long)nr, next64(), next64(), next64());

	expect(r, false, BIT(ERR_INVAL), "unknown call number");
}

/* sbrk(d), checked against the model, which it updates. */
static long do_sbrk(intptr_t d)
{
	uintptr_t old = brk, new = old + d;
	bool grows = d > 0 && new > old &&new <=
				  STACK_BOTTOM &&new - heap_start <= max_heap;
	long r = sc(SYS_sbrk, (uint64_t)d, next64(), next64());

	if (d > 0 && !grows) {
		expect(r, false, BIT(ERR_NOMEM), "sbrk beyond the limits");
		return r;
	}
	if (r != (long)old)
		fail("sbrk(%ld): got %lx, the break was %lx", (long)d, r,
		     (unsigned long)old);
	if (grows || (d < 0 && new < old &&new >= heap_start))
		brk = new;
	return r;
}

/* Check that [from, to) reads as zeros. */
static void check_zero(uintptr_t from, uintptr_t to, const char *what)
{
	for (uintptr_t p = from; p < to; p += sizeof(uint64_t))
		if (*(volatile uint64_t *)p != 0)
			fail("%s: %lx at %p", what, *(volatile uint64_t *)p,
			     (void *)p);
}

static void op_sbrk(void)
{
	uintptr_t old = brk, top;
	intptr_t d = 0;

	switch (below(8)) {
	case 0:
		do_sbrk(0);
		break;
	case 1:
		if (old - heap_start < HEAP_MAX)
			do_sbrk(1 + below(HEAP_MAX - (old - heap_start)));
		break;
	case 2:
		if (old - heap_start > HEAP_FLOOR)
			do_sbrk(-1 - below(old - heap_start - HEAP_FLOOR));
		break;
	case 3: /* too far, or exactly as far as allowed */
		switch (below(6)) {
		case 0:
			d = (intptr_t)(~0ul >> 1);
			break;
		case 1:
			d = 1l << (40 + below(23));
			break;
		case 2:
			d = heap_start + max_heap - old + 1;
			break;
		case 3:
			d = heap_start + max_heap - old;
			break;
		case 4:
			d = STACK_BOTTOM - old + 1;
			break;
		default:
			d = (intptr_t)(next64() >> 1);
			break;
		}
		do_sbrk(d);
		do_sbrk(old - brk); /* back, if it grew */
		break;
	case 4: /* below the heap's start or wrapping: nothing happens */
		switch (below(4)) {
		case 0:
			d = (intptr_t)(1ul << 63);
			break;
		case 1:
			d = -(1l << (30 + below(33)));
			break;
		case 2:
			d = heap_start - old - 1 - below(1ul << 20);
			break;
		default:
			d = (intptr_t)(next64() | 1ul << 63);
			break;
		}
		do_sbrk(d);
		do_sbrk(old - brk);
		break;
	case 5: /* a big growth, allocating nothing until touched */
		d = PAGE_SIZE * (64 + below(max_heap / PAGE_SIZE / 4));
		do_sbrk(d);
		for (int i = 0; i < 8; i++) {
			uintptr_t p = ROUND_DOWN(old + below(d)) + PAGE_SIZE;
			if (p + PAGE_SIZE > ROUND_DOWN(brk))
				continue;
			if (*(volatile uint64_t *)p == p)
				continue; /* touched already */
			check_zero(p, p + PAGE_SIZE, "a fresh heap page");
			*(volatile uint64_t *)p = p;
		}
		do_sbrk(-d);
		break;
	default: /* all freed, then fresh pages: zeros */
		top = ROUND_UP(old);
		memset((void *)heap_start, 0xa5, top - heap_start);
		do_sbrk(heap_start - old);
		do_sbrk(old - heap_start);
		check_zero(heap_start, top, "the heap freed and grown again");
		break;
	}
}

/* Accesses that must work: reads of every region, writes where they
 * harm nothing, unaligned ones, and a look at the canaries. */
static void op_memory(void)
{
	struct ptr c = classify(any_addr());
	uint64_t v = next64();

	switch (below(5)) {
	case 0:
		if (c.rd > 0)
			sink += *(volatile unsigned char *)c.p;
		break;
	case 1:
		if (c.rd >= sizeof(v))
			sink += *(volatile uint64_t *)c.p; /* maybe unaligned */
		break;
	case 2:
		c = dst_ptr(sizeof(v));
		if (c.wr < sizeof(v))
			break;
		*(volatile uint64_t *)c.p = v;
		if (*(volatile uint64_t *)c.p != v)
			fail("memory at %p did not keep its value",
			     (void *)c.p);
		break;
	case 3:
		c = classify(STACK_BOTTOM + below(STACK_SCRATCH - 64));
		memset((void *)c.p, (int)v, 64);
		if (*(volatile unsigned char *)(c.p + 63) != (unsigned char)v)
			fail("stack at %p did not keep its value", (void *)c.p);
		break;
	default:
		check_canaries("during the run");
		break;
	}
}

/* An access that must kill: a read, write or execute where no region is,
 * a write to text or rodata, an execute of data, heap or stack (of a
 * return instruction, so that a kernel that allows it is found out), a
 * read of a heap page sbrk has just freed (a stale TLB entry would let it
 * through). */
static void fatal_access(void)
{
	uintptr_t p;

	switch (below(6)) {
	case 0:
		sink = *(volatile unsigned char *)bad_addr();
		break;
	case 1:
		*(volatile unsigned char *)bad_addr() = 1;
		break;
	case 2:
		((void (*)(void))bad_addr())();
		break;
	case 3:
		p = below(2) ? text.start + below(text.end - text.start)
			     : rodata.start + below(rodata.end - rodata.start);
		*(volatile unsigned char *)p = 0;
		break;
	case 4:
		switch (below(3)) {
		case 0:
			p = (uintptr_t)scratch + below(SCRATCH_SIZE - 8);
			break;
		case 1:
			p = heap_start + below(brk - heap_start - 8);
			break;
		default:
			p = STACK_BOTTOM + below(STACK_SCRATCH);
			break;
		}
		p &= ~1ul;
		memcpy((void *)p, ret_insn, sizeof(ret_insn));
		((void (*)(void))p)();
		break;
	default:
		p = ROUND_DOWN(brk - 1);
		*(volatile unsigned char *)p = 1;
		do_sbrk(p - brk);
		sink = *(volatile unsigned char *)p;
		break;
	}
}

/* ---- Processes ----------------------------------------------------------- */

/* What a grandchild does. */
enum {
	GC_EXIT,	/* exit(status) */
	GC_FAULT,	/* fatal_access() */
	GC_KILL_SELF,	/* kill(getpid()) */
	GC_SLEEP,	/* sleep(~0u), until killed */
	GC_BLOCK_READ,	/* read an empty pipe, until killed */
	GC_BLOCK_WRITE, /* write a full pipe, until killed */
	GC_SPIN,	/* loop in user mode, until killed */
	GC_BURST,	/* BURST random calls, copy-on-write, exit(status) */
	GC_EXEC_OK,	/* exec "fuzz exit status" */
	GC_EXEC_BAD,	/* a failing exec, then exit(status) */
	GC_VARIANTS
};

static void one_op(void);

/* exec of a bad program string: it must fail and leave us intact. */
static void op_exec(void)
{
	struct args a = make_args(false);
	long r = sc(SYS_exec, a.p, next64(), next64());

	expect(r, false, a.errs, "exec of a bad program string");
	check_canaries("after a failed exec");
}

static __attribute__((noreturn)) void be_grandchild(int v, int status, int rfd,
						    int wfd)
{
	grandchild = true;
	mypid = (int)sc(SYS_getpid, 0, 0, 0);
	switch (v) {
	case GC_EXIT:
		exit(status);
	case GC_FAULT:
		if (below(2))
			op_memory();
		fatal_access();
		break;
	case GC_KILL_SELF:
		sc(SYS_kill, (uint64_t)mypid, 0, 0);
		break;
	case GC_SLEEP:
		sc(SYS_sleep, below(2) ? 0xffffffffu : ~0ul, 0, 0);
		break;
	case GC_BLOCK_READ:
		sc(SYS_read, rfd, (uintptr_t)scratch, 1);
		break;
	case GC_BLOCK_WRITE:
		sc(SYS_write, wfd, (uintptr_t)scratch, 1 + below(PIPE_CAP));
		break;
	case GC_SPIN:
		for (;;)
			sink++;
	case GC_BURST:
		for (int i = 0; i < BURST; i++)
			one_op();
		check_canaries("in a grandchild");
		for (int i = 0; i < NCANARY; i++)
			canary[i] = ~canary[i]; /* our copy only */
		exit(status);
	case GC_EXEC_OK:
		snprintf(strbuf, 64, "%s exit %d", prog, status);
		sc(SYS_exec, (uintptr_t)strbuf, 0, 0);
		fail("exec of \"%s\" returned", strbuf);
	default:
		op_exec();
		exit(status);
	}
	exit(GC_NOT_KILLED);
}

/* fork a grandchild doing one of the GC_ things, kill it if it waits to
 * be killed, reap it and check its status; our canaries must not see its
 * copy-on-write writes. */
static void op_fork(void)
{
	int v = (int)below(GC_VARIANTS), fds[2] = {-1, -1}, got, want;
	int status = below(2) ? (int)below(256) : (int)next64();
	bool blocked = v == GC_BLOCK_READ || v == GC_BLOCK_WRITE;
	bool killed = blocked || v == GC_SLEEP || v == GC_SPIN;
	long pid, r;

	if (blocked && !make_pipe(classify((uintptr_t)scratch), fds))
		return;
	if (v == GC_BLOCK_WRITE) {
		if (sc(SYS_write, fds[1], (uintptr_t)scratch, PIPE_CAP) !=
		    PIPE_CAP)
			fail("write of %d bytes to an empty pipe", PIPE_CAP);
		pipes[fd_pipe[fds[1]]].content = PIPE_CAP;
	}
	pid = sc(SYS_fork, next64(), next64(), next64());
	if (pid == 0)
		be_grandchild(v, status, fds[0], fds[1]);
	expect(pid, true, 0, "fork");
	check_pid(pid, "fork");
	if (killed) {
		if (below(2))
			sc(SYS_sleep, below(3), 0, 0);
		/* With failures injected it may have died of want of
		 * memory already. */
		r = sc(SYS_kill, pid, next64(), 0);
		if (r != ERR_OK && !(injecting && r == ERR_NOTEXIST))
			fail("kill of a live grandchild (variant %d): got %ld",
			     v, r);
	}
	want = killed || v == GC_FAULT || v == GC_KILL_SELF ? -1 : status;
	if (reap(pid, &got) && !status_ok(got, want))
		fail("grandchild (variant %d) exited with %d, want %d", v, got,
		     want);
	if (v == GC_FAULT)
		faults++;
	else if (want == -1)
		kills++;
	if (v == GC_BLOCK_WRITE) {
		r = sc(SYS_read, fds[0], (uintptr_t)scratch, SCRATCH_SIZE);
		if (r != PIPE_CAP)
			fail("a full pipe read %ld bytes after its blocked "
			     "writer was killed",
			     r);
		pipes[fd_pipe[fds[0]]].content = 0;
	}
	for (int i = 0; blocked && i < 2; i++) {
		if (sc(SYS_close, fds[i], 0, 0) != ERR_OK)
			fail("close of fd %d", fds[i]);
		model_close(fds[i]);
	}
	check_canaries("after a fork");
}

static void op_spawn(void)
{
	struct args a = make_args(true);
	long r = sc(SYS_spawn, a.p, next64(), next64());
	int got;

	if (!a.valid) {
		expect(r, false, a.errs, "spawn of a bad program string");
		return;
	}
	expect(r, true, 0, "spawn");
	check_pid(r, "spawn");
	if (reap(r, &got) && !status_ok(got, a.status))
		fail("\"%.40s\" exited with %d", strbuf, got);
}

static void op_meminfo(void)
{
	if (sc(SYS_meminfo, next64(), next64(), next64()) < 0)
		fail("meminfo failed");
}

/* vmmap of this process, of a process just below it (a sibling, the
 * parent, init: alive or gone) or of a reaped child, into any buffer with
 * room for the picture; for itself, sometimes with a huge length. A bad
 * buffer may give ERR_FAULT, a process that may be gone ERR_NOTEXIST. */
static void op_vmmap(void)
{
	int who = (int)below(3);
	size_t room = below(2) ? below(SCRATCH_SIZE + 1) : SCRATCH_SIZE;
	struct ptr d = dst_ptr(room);
	size_t len = room;
	unsigned errs = d.wr >= room ? 0 : BIT(ERR_FAULT);
	uint32_t pid = (uint32_t)mypid;
	long r;

	if (who == 0 && room == SCRATCH_SIZE && below(2))
		len = ~0ul - below(PAGE_SIZE);
	if (who == 1) {
		pid = (uint32_t)(mypid - 1 - (int)below(NCHILDREN + 1));
		errs |= BIT(ERR_NOTEXIST);
	} else if (who == 2) {
		pid = last_pid > 0 ? (uint32_t)last_pid
				   : 0x7fffffff - (uint32_t)below(1000);
		errs = BIT(ERR_NOTEXIST);
	}
	r = sc(SYS_vmmap, pid | (below(2) ? next64() << 32 : 0), d.p, len);
	expect(r, who != 2, errs, "vmmap");
	if (who == 0 && r > 0 && (size_t)r <= len && d.wr >= (size_t)r &&
	    ((struct vmmap_region *)d.p)->start != text.start)
		fail("vmmap: the first region starts at %lx, the text at %lx",
		     (unsigned long)((struct vmmap_region *)d.p)->start,
		     (unsigned long)text.start);
}

/* Every call but halt and exit; fork and spawn not in grandchildren. */
static const struct {
	void (*fn)(void);
	int weight;
	bool in_grandchild;
} ops[] = {
    {op_read, 10, true}, {op_write, 10, true},	{op_open, 6, true},
    {op_close, 7, true}, {op_dup, 4, true},	{op_fill_fds, 1, true},
    {op_pipe, 4, true},	 {op_readdir, 4, true}, {op_fstat, 4, true},
    {op_info, 3, true},	 {op_sbrk, 5, true},	{op_getpid, 2, true},
    {op_sleep, 1, true}, {op_wait, 2, true},	{op_kill, 2, true},
    {op_badnr, 3, true}, {op_memory, 8, true},	{op_exec, 3, true},
    {op_fork, 3, false}, {op_spawn, 3, false},	{op_vmmap, 3, true},
};
#define NOPS (sizeof(ops) / sizeof(ops[0]))

static void one_op(void)
{
	int total = 0, pick;

	for (size_t i = 0; i < NOPS; i++)
		total += ops[i].weight;
	for (;;) {
		pick = (int)below(total);
		for (size_t i = 0; i < NOPS; i++) {
			if ((pick -= ops[i].weight) >= 0)
				continue;
			if (grandchild && !ops[i].in_grandchild)
				break;
			ops[i].fn();
			return;
		}
	}
}

/* In a storm, send the calls made since the last progress record. */
static void progress(void)
{
	struct record r = {.failed = PROGRESS, .calls = calls - reported};

	if (storm && r.calls > 0)
		send(&r);
	reported = calls;
}

/* Fuzzing child index of generation gen: n calls, then its record to the
 * parent. Only the report pipe stays open (no console, no runner's pipe:
 * random writes must not reach them). */
static __attribute__((noreturn)) void fuzz_child(int gen, int index, long n)
{
	long meminfo_at;

	child = index;
	rng = splitmix((seed * NCHILDREN + index) ^ (uint64_t)gen << 48) | 1;
	mypid = getpid();
	for (int fd = 0; fd < NUM_FILES; fd++)
		if (fd != report_fd)
			close(fd);
	fd_kind[report_fd] = FD_REPORT;
	fill_canaries();
	if (brk - heap_start < HEAP_FLOOR)
		do_sbrk(heap_start + HEAP_FLOOR - brk);
	meminfo_at = below(n);
	while (calls < n) {
		if (meminfo_at >= 0 && calls >= meminfo_at) {
			op_meminfo();
			meminfo_at = -1;
		}
		one_op();
		if (calls - reported >= PROGRESS_CALLS)
			progress();
	}
	progress();
	check_canaries("at the end");
	rec = (struct record){.calls = calls,
			      .faults = faults,
			      .kills = kills,
			      .retries = retries,
			      .starved = starved};
	send(&rec);
	exit(0);
}

/* ---- The parent ---------------------------------------------------------- */

/* seed= and n= from the file FUZZ, when there is one. */
static void read_params(void)
{
	char buf[128], *s;
	int fd = AGAIN(open("FUZZ", FS_RDONLY, EMPTY_MODE));
	long n;

	if (fd < 0)
		return;
	n = AGAIN(read(fd, buf, sizeof(buf) - 1));
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	if ((s = strstr(buf, "seed=")) && s[5] >= '0' && s[5] <= '9')
		seed = (unsigned long)strtol(s + 5, NULL, 0);
	if ((s = strstr(buf, "n=")) && (s == buf || s[-1] == '\n') &&
	    s[2] >= '0' && s[2] <= '9')
		ncalls = strtol(s + 2, NULL, 0);
}

/* Our own segments, from our ELF program headers (64-bit). */
static void read_layout(void)
{
	struct {
		uint32_t type, flags;
		uint64_t offset, vaddr, paddr, filesz, memsz, align;
	} ph;
	unsigned char eh[64];
	uint64_t phoff;
	uint16_t phnum;
	struct seg *s;
	int fd = AGAIN(open(prog, FS_RDONLY, EMPTY_MODE));

	if (fd < 0 || AGAIN(read(fd, eh, sizeof(eh))) != sizeof(eh))
		error("cannot read my ELF header from \"%s\"", prog);
	memcpy(&phoff, eh + 32, sizeof(phoff));
	memcpy(&phnum, eh + 56, sizeof(phnum));
	for (uint64_t at = sizeof(eh); at < phoff; at++)
		assert(AGAIN(read(fd, eh, 1)) == 1);
	for (int i = 0; i < phnum; i++) {
		assert(AGAIN(read(fd, &ph, sizeof(ph))) == sizeof(ph));
		if (ph.type != 1 /* PT_LOAD */)
			continue;
		s = ph.flags & 1 ? &text : ph.flags & 2 ? &data : &rodata;
		s->start = ph.vaddr;
		s->end = ph.vaddr + ph.memsz;
	}
	close(fd);
	heap_start = ROUND_UP(data.end);
	brk = (uintptr_t)sbrk(0);
	if ((uintptr_t)main < text.start || (uintptr_t)main >= text.end ||
	    (uintptr_t)&canary < data.start || (uintptr_t)&canary >= data.end ||
	    brk < heap_start)
		error("my segments make no sense: text %p-%p data %p-%p",
		      (void *)text.start, (void *)text.end, (void *)data.start,
		      (void *)data.end);
}

/* Read one record. Return: whether there was one. */
static bool read_record(int fd)
{
	size_t got = 0;
	long n;

	while (got < sizeof(rec) &&
	       (n = AGAIN(read(fd, (char *)&rec + got, sizeof(rec) - got))) > 0)
		got += n;
	return got == sizeof(rec);
}

/* What the fuzzing children reported, summed over every generation. */
struct totals {
	long calls, faults, kills, retries, starved;
	int bad_status, lost; /* children that failed; that left no record */
	char first[sizeof(rec.msg)]; /* the first failure reported */
};

/* Run generation gen of NCHILDREN fuzzing children, sharing n calls, and
 * add what they report to t. */
static void run_generation(int gen, long n, struct totals *t)
{
	int rep[2], status, records = 0;

	assert(AGAIN(pipe(rep)) == ERR_OK);
	report_fd = rep[1];
	for (int i = 0; i < NCHILDREN; i++) {
		int pid = AGAIN(fork());
		if (pid == 0)
			fuzz_child(gen, i, n / NCHILDREN + (i < n % NCHILDREN));
		assert(pid > 0);
		if (storm)
			printf("@child %d %d\n", getpid(), pid);
	}
	close(rep[1]);
	while (read_record(rep[0])) {
		if (rec.failed == PROGRESS) {
			printf("@calls %ld\n", rec.calls);
			continue;
		}
		if (rec.failed && t->first[0] == '\0')
			memcpy(t->first, rec.msg, sizeof(t->first));
		if (rec.failed)
			continue;
		records++;
		t->calls += rec.calls;
		t->faults += rec.faults;
		t->kills += rec.kills;
		t->retries += rec.retries;
		t->starved += rec.starved;
	}
	close(rep[0]);
	starved = 0;
	for (int i = 0; i < NCHILDREN; i++) {
		assert(AGAIN(wait(-1, &status)) > 0);
		t->bad_status += !status_ok(status, 0);
	}
	t->starved += starved;
	t->lost += NCHILDREN - records - (int)starved;
}

int main(int argc, char **argv)
{
	struct sys_info si;
	struct totals t = {0};
	size_t free0, kill0, kill_growth;
	int anchor = 0, gens = 0;
	long batch = ncalls;

	if (argc >= 2 && strcmp(argv[1], "exit") == 0)
		return argc >= 3 ? atoi(argv[2]) : 0;
	injecting = true; /* until info() says: retries cost nothing else */
	assert(AGAIN(info(&si)) == ERR_OK);
	injecting = si.failinject != 0;
	strncpy(prog, argv[0], sizeof(prog) - 1);
	if (argc >= 4 && strcmp(argv[1], "storm") == 0) {
		storm = true;
		seed = (unsigned long)strtol(argv[2], NULL, 0);
		ncalls = strtol(argv[3], NULL, 0);
	} else {
		read_params();
	}
	read_layout();
	anchors[0] = (uintptr_t)main;
	anchors[1] = (uintptr_t) "a string in rodata";
	anchors[2] = (uintptr_t)&canary;
	anchors[3] = brk;
	anchors[4] = (uintptr_t)&anchor;
	anchors[5] = USTACK_UPPERBOUND - 1;
	assert(AGAIN(info(&si)) == ERR_OK);
	max_heap = si.total_pages * PAGE_SIZE;
	free0 = si.free_pages;
	kill0 = si.num_kill;
	/* With failures injected, children killed for want of memory take
	 * their calls with them: new generations make up the rest, in
	 * smaller shares while none lives to the end of its share. */
	do {
		long before = t.calls, left = ncalls - t.calls;

		run_generation(gens++, batch < left ? batch : left, &t);
		if (t.calls == before && batch > 8 * NCHILDREN)
			batch /= 2;
	} while (injecting && t.first[0] == '\0' && t.calls < ncalls &&
		 gens < GENERATIONS);
	assert(wait(-1, NULL) == ERR_CHILD);
	if (t.first[0] != '\0')
		error("fuzz: %s", t.first);
	if (t.bad_status || t.lost)
		error("fuzz: %d children failed, %d left no report",
		      t.bad_status, t.lost);
	assert(AGAIN(info(&si)) == ERR_OK);
	/* Kills for a fault: the grandchildren's; with failures injected
	 * also the processes starved of memory, whose own counts may have
	 * died with them. */
	kill_growth = si.num_kill - kill0;
	if (!storm && (injecting ? kill_growth < (size_t)t.faults
				 : kill_growth != (size_t)t.faults))
		error("fuzz: num_kill grew by %zu, %ld grandchildren faulted",
		      kill_growth, t.faults);
	if (!storm && si.free_pages != free0)
		error("fuzz: %ld pages leaked",
		      (long)free0 - (long)si.free_pages);
	if (injecting)
		printf("fuzz: failures injected: %d generations of children, "
		       "%ld calls made again, %ld processes killed for want of "
		       "memory\n",
		       gens, t.retries + retries, t.starved);
	pass("fuzz: %ld calls, seed %lu, %ld children killed (%ld for a "
	     "fault, %ld by kill)",
	     t.calls, seed, t.faults + t.kills, t.faults, t.kills);
	return 0;
}
