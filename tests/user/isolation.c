/* Isolation. Probes: a read, a write and an execute of an address in every
 * top-level page-table slot of the kernel half, across the kernel's image
 * (text, rodata, data, bss), in its direct map of RAM, in the addresses
 * that are neither user nor kernel (the non-canonical hole between the
 * halves), and in the user half where no region is; a write of
 * text and rodata, an execute of data: each in a forked child that must be
 * killed (status -1, num_kill up by one), and the kernel's copy-in and
 * copy-out must refuse the same addresses with ERR_FAULT.
 * Memory: after fork each side's writes to data, bss, heap and stack are
 * invisible to the other; two spawned copies of this program hold their
 * own values at the same addresses; after a process filled many frames
 * with a pattern and exited, a new process's fresh heap and stack pages
 * read as zero. "isolation peer R W V" and "isolation fill" / "isolation
 * check" are the spawned roles. */
#include <lib/stddef.h>
#include <lib/test.h>
#include <lib/testkit.h>

#define PAGE_SIZE 4096ul      /* both arches */
#define TEXT_START 0x400000ul /* user/user.ld */
#define STACK_BOTTOM (USTACK_UPPERBOUND - 10 * PAGE_SIZE)
/* Pages one process fills with PATTERN, and fresh pages the next one
 * must find zero: these many, or a quarter and a half of the free pages
 * on a small machine (the next process gets the frames freed last). */
#define FILL_PAGES 1024
#define CHECK_PAGES 2048
#define STACK_CHECK (6 * PAGE_SIZE)
#define FILL_PIPES 16
#define PATTERN 0xa5
#define IMAGE_SPAN (4ul << 20) /* the kernel image probed: 4 MiB */
#define IMAGE_STEP (64ul << 10)

#if defined(__x86_64__)
#define KERNEL_IMAGE 0xffffffff80100000ul
#define RAM_BASE 0x0ul
static const unsigned char ret_insn[] = {0xc3};
#elif defined(__riscv)
#define KERNEL_IMAGE 0xffffffff80080000ul
#define RAM_BASE 0x80000000ul
static const unsigned char ret_insn[] = {0x82, 0x80};
#endif

/* Neither user nor kernel: the ends of the hole and two addresses in it. */
static const uintptr_t neither[] = {
    USER_TOP,
    0x0000deadbeef0000ul,
    0x8000000000000000ul,
    KMAP_BASE - PAGE_SIZE,
    KMAP_BASE - 1,
};

enum access { READ, WRITE, EXEC };
static const char *const access_name[] = {"read", "write", "execute"};

static volatile unsigned char sink;
static int data_word = 1;
static int bss_word;
static unsigned char bss_pages[3 * PAGE_SIZE];
static unsigned char data_code[16] = {1}; /* in .data, not executable */
static const char rodata_string[] = "read-only";
static struct sys_info si;
static int copy_fds[2]; /* a pipe for the kernel's copy probes */
static int killed, copies;

static size_t num_kill(void)
{
	assert(info(&si) == ERR_OK);
	return si.num_kill;
}

/* ---- Probes -------------------------------------------------------------- */

/* In a child of its own, access addr; it must be killed. */
static void must_kill(uintptr_t addr, enum access a)
{
	size_t kills = num_kill();
	int status, pid = fork();

	assert(pid >= 0);
	if (pid == 0) {
		if (a == READ)
			sink = *(volatile unsigned char *)addr;
		else if (a == WRITE)
			*(volatile unsigned char *)addr = 0x5a;
		else
			((void (*)(void))addr)();
		exit(0);
	}
	assert(wait(pid, &status) == pid);
	if (status != -1)
		error("%s at %p: exit status %d, want -1 (killed)",
		      access_name[a], (void *)addr, status);
	if (num_kill() != kills + 1)
		error("%s at %p: num_kill went from %zu to %zu", access_name[a],
		      (void *)addr, kills, num_kill());
	killed++;
}

/* The kernel must neither copy from nor copy to addr for us. */
static void must_refuse_copies(uintptr_t addr)
{
	long r;

	if ((r = write(copy_fds[1], (void *)addr, 16)) != ERR_FAULT)
		error("write() from %p: %ld, want ERR_FAULT", (void *)addr, r);
	assert(write(copy_fds[1], "0123456789abcdef", 16) == 16);
	if ((r = read(copy_fds[0], (void *)addr, 16)) != ERR_FAULT)
		error("read() into %p: %ld, want ERR_FAULT", (void *)addr, r);
	if ((r = info((struct sys_info *)addr)) != ERR_FAULT)
		error("info() into %p: %ld, want ERR_FAULT", (void *)addr, r);
	assert(read(copy_fds[0], bss_pages, 16) == 16);
	copies += 3;
}

/* Every access to addr is refused, by the MMU and by the kernel. */
static void unreachable(uintptr_t addr)
{
	must_kill(addr, READ);
	must_kill(addr, WRITE);
	must_kill(addr, EXEC);
	must_refuse_copies(addr);
}

static void probe_kernel_half(void)
{
	uintptr_t direct[] = {
	    KMAP_BASE,
	    KMAP_BASE + (1ul << 20),
	    KMAP_BASE + (2ul << 30),
	    KMAP_BASE + RAM_BASE + (2ul << 20),
	    KMAP_BASE + RAM_BASE + (64ul << 20),
	    ~0ul,
	};

	/* The first address of every top-level slot of the kernel half, and
	 * one a slot-dependent distance into it. */
	for (uintptr_t i = 0; i < 256; i++) {
		uintptr_t slot = KMAP_BASE + i * TOP_SLOT_SIZE;
		unreachable(slot);
		must_kill(slot +
			      ((i * 0x9e3779b1ul) << 12 & (TOP_SLOT_SIZE - 1)),
			  (enum access)(i % 3));
	}
	for (uintptr_t off = 0; off < IMAGE_SPAN; off += IMAGE_STEP)
		unreachable(KERNEL_IMAGE + off);
	for (size_t i = 0; i < sizeof(direct) / sizeof(direct[0]); i++)
		unreachable(direct[i]);
	for (size_t i = 0; i < sizeof(neither) / sizeof(neither[0]); i++)
		unreachable(neither[i]);
}

/* Where no region is in the user half; and the wrong access to a region. */
static void probe_user_half(void)
{
	uintptr_t heap_top =
	    ((uintptr_t)sbrk(0) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	uintptr_t none[] = {
	    0,
	    PAGE_SIZE,
	    TEXT_START - 1,
	    heap_top,
	    heap_top + (1ul << 30),
	    STACK_BOTTOM - 1,
	    USTACK_UPPERBOUND,
	    USTACK_UPPERBOUND + PAGE_SIZE - 1,
	};
	unsigned char *code = bss_pages + PAGE_SIZE;

	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++)
		unreachable(none[i]);
	memcpy(data_code, ret_insn, sizeof(ret_insn));
	memcpy(code, ret_insn, sizeof(ret_insn));
	must_kill((uintptr_t)probe_user_half, WRITE);
	must_kill((uintptr_t)rodata_string, WRITE);
	must_kill((uintptr_t)data_code, EXEC);
	must_kill((uintptr_t)code, EXEC);
}

/* ---- Private memory ------------------------------------------------------ */

/* Return: whether every word names v: data, bss, heap, stack, and three
 * pages of bss filled with the byte v. */
static bool holds(int v, volatile int *heap, volatile int *stack)
{
	for (size_t i = 0; i < sizeof(bss_pages); i += 512)
		if (bss_pages[i] != (unsigned char)v)
			return false;
	return data_word == v && bss_word == v + 1 && *heap == v + 2 &&
	       *stack == v + 3;
}

static void set(int v, volatile int *heap, volatile int *stack)
{
	memset(bss_pages, v, sizeof(bss_pages));
	data_word = v;
	bss_word = v + 1;
	*heap = v + 2;
	*stack = v + 3;
}

/* Parent and child take turns: each sees its own values only. */
static void fork_isolation(void)
{
	volatile int stack_word, *heap = sbrk(PAGE_SIZE);
	int to_child[2], to_parent[2], status, pid;

	assert(heap != (void *)ERR_NOMEM);
	assert(pipe(to_child) == ERR_OK && pipe(to_parent) == ERR_OK);
	set(10, heap, &stack_word);
	pid = fork();
	assert(pid >= 0);
	if (pid == 0) {
		if (!holds(10, heap, &stack_word))
			exit(1); /* what it had at fork is gone */
		set(20, heap, &stack_word);
		pipe_notify(to_parent[1]);
		(void)pipe_await(to_child[0]);
		exit(holds(20, heap, &stack_word) ? 0 : 2);
	}
	(void)pipe_await(to_parent[0]);
	if (!holds(10, heap, &stack_word))
		error("fork: the child's writes reached the parent");
	set(30, heap, &stack_word);
	pipe_notify(to_child[1]);
	assert(wait(pid, &status) == pid);
	if (status == 1)
		error("fork: the child did not see the parent's memory");
	if (status != 0)
		error("fork: the parent's writes reached the child");
	if (!holds(30, heap, &stack_word))
		error("fork: the parent lost its own writes");
	for (int i = 0; i < 2; i++) {
		close(to_child[i]);
		close(to_parent[i]);
	}
	sbrk(-(ssize_t)PAGE_SIZE);
}

/* A spawned peer: set v everywhere, say so on fd w, wait on fd r, then
 * exit 0 if everything still holds v. */
static int peer(int r, int w, int v)
{
	volatile int stack_word, *heap = sbrk(PAGE_SIZE);

	set(v, heap, &stack_word);
	pipe_notify(w);
	(void)pipe_await(r);
	return holds(v, heap, &stack_word) ? 0 : 1;
}

/* Two copies of this program, alive at once, at the same addresses. */
static void peer_isolation(void)
{
	int ready[2], go[2], pids[2], status;

	assert(pipe(ready) == ERR_OK && pipe(go) == ERR_OK);
	for (int i = 0; i < 2; i++)
		pids[i] = spawnf("isolation peer %d %d %d", go[0], ready[1],
				 1000 * (i + 1));
	for (int i = 0; i < 2; i++)
		if (pipe_await(ready[0]) != 1)
			error("a peer ended before it was ready");
	pipe_notify(go[1]); /* both go (each holds go[1] too: no EOF) */
	pipe_notify(go[1]);
	for (int i = 0; i < 2; i++) {
		assert(wait(pids[i], &status) == pids[i]);
		if (status != 0)
			error("peer %d found another process's values", i);
	}
	for (int i = 0; i < 2; i++) {
		close(go[i]);
		close(ready[i]);
	}
}

/* At most max pages, and at most the free pages / share. Inlined, with
 * its record static: check() must leave the stack below it untouched. */
static inline __attribute__((always_inline)) size_t pages_up_to(size_t max,
								size_t share)
{
	static struct sys_info si;

	assert(info(&si) == ERR_OK);
	return si.free_pages / share < max ? si.free_pages / share : max;
}

/* Fill FILL_PAGES heap pages (pages_up_to), the stack and FILL_PIPES
 * pipes with PATTERN, then exit, leaving all of it to be freed. */
static int fill(void)
{
	size_t pages = pages_up_to(FILL_PAGES, 4);
	unsigned char *heap = sbrk((ssize_t)(pages * PAGE_SIZE));
	volatile unsigned char stack[STACK_CHECK];
	int fds[2];

	if (heap == (void *)ERR_NOMEM)
		return 1;
	memset(heap, PATTERN, pages * PAGE_SIZE);
	for (size_t i = 0; i < sizeof(stack); i++)
		stack[i] = PATTERN;
	for (int i = 0; i < FILL_PIPES; i++)
		if (pipe(fds) != ERR_OK || write(fds[1], heap, 2048) != 2048)
			return 1;
	return 0;
}

/* Fresh heap and stack pages must read zero (below the stack's top page,
 * which the calls before this one may have used). */
static int check(void)
{
	size_t pages = pages_up_to(CHECK_PAGES, 2);
	uint64_t *heap = sbrk((ssize_t)(pages * PAGE_SIZE));
	volatile uint64_t stack[STACK_CHECK / sizeof(uint64_t)];

	if (heap == (void *)ERR_NOMEM)
		return 1;
	for (size_t i = 0; i < pages * PAGE_SIZE / 8; i++)
		if (heap[i] != 0) {
			printf("ERROR: fresh heap byte %zu is %lx\n", i * 8,
			       (unsigned long)heap[i]);
			return 2;
		}
	for (size_t i = 0; i < sizeof(stack) / 8; i++)
		if ((uintptr_t)&stack[i] < USTACK_UPPERBOUND - PAGE_SIZE &&
		    stack[i] != 0) {
			printf("ERROR: fresh stack word %zu is %lx\n", i,
			       (unsigned long)stack[i]);
			return 3;
		}
	return 0;
}

/* Spawn "isolation role" and return its exit status. */
static int run_role(const char *role)
{
	char args[32];
	int pid, status;

	snprintf(args, sizeof(args), "isolation %s", role);
	pid = spawn(args);
	if (pid < 0)
		error("spawn(\"%s\"): %d", args, pid);
	assert(wait(pid, &status) == pid);
	return status;
}

static void reuse_isolation(void)
{
	int status;

	if ((status = run_role("fill")) != 0)
		error("the filling process failed: %d", status);
	if ((status = run_role("check")) != 0)
		error("a new process's fresh pages held old data (%d)", status);
}

int main(int argc, char **argv)
{
	size_t free0;

	if (argc == 5 && strcmp(argv[1], "peer") == 0)
		return peer(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
	if (argc == 2 && strcmp(argv[1], "fill") == 0)
		return fill();
	if (argc == 2 && strcmp(argv[1], "check") == 0)
		return check();
	assert(info(&si) == ERR_OK);
	free0 = si.free_pages;
	assert(pipe(copy_fds) == ERR_OK);
	probe_kernel_half();
	probe_user_half();
	close(copy_fds[0]);
	close(copy_fds[1]);
	fork_isolation();
	peer_isolation();
	reuse_isolation();
	assert(info(&si) == ERR_OK);
	if (si.free_pages != free0)
		error("%ld pages leaked", (long)free0 - (long)si.free_pages);
	pass("isolation: %d probes refused (%d accesses killed, %d kernel "
	     "copies refused); fork, spawned peers and reused frames keep "
	     "memory private",
	     killed + copies, killed, copies);
	return 0;
}
