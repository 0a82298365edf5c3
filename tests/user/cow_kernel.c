/* The kernel writing into copy-on-write pages: read() from a pipe, wait()'s
 * status, pipe()'s fds and info() each write into a page shared by parent
 * and child, from either side; the writer gets a copy holding the rest of
 * the page, the other side keeps its old bytes. Text and rodata are shared
 * read-only, not copy-on-write: writing text or rodata after fork kills,
 * and read(), pipe(), wait() and info() into them return ERR_FAULT. */
#include <lib/stddef.h>
#include <lib/test.h>
#include <lib/testkit.h>

#define PAGE_SIZE 4096ul /* both arches */
#define SLOT_WORDS (PAGE_SIZE / sizeof(int))
#define FILLER 0x5a5a5a5a
#define READ_BYTES 64
#define WAIT_STATUS 77
#define PROBE_PAGES 256

static struct sys_info si; /* in bss: asking for it takes no fault */
/* The page the kernel writes into, alone in its page. */
static int slot[SLOT_WORDS] __attribute__((aligned(PAGE_SIZE)));
static const unsigned char rodata_bytes[16] = {1, 2, 3, 4};
static int data_pipe[2]; /* READ_BYTES bytes of 0xbb wait in it */
static bool eager;

/* Read the counters into si. si is written first, so that a fork that
 * shared its page has its copy counted before, not within, the answer. */
static void sys(void)
{
	memset(&si, 0, sizeof(si));
	assert(info(&si) == ERR_OK);
}

/* A function whose code the tests try to change. */
static __attribute__((noinline)) int text_fn(int x)
{
	return x * 3 + 1;
}

/* Return: whether fork copies every page: a child of a
 * process with PROBE_PAGES heap pages touched finds that many frames
 * gone. */
static bool fork_copies_pages(void)
{
	char *p = sbrk(PROBE_PAGES * PAGE_SIZE);
	size_t free0;
	int status, pid;

	assert(p != (char *)ERR_NOMEM);
	for (size_t i = 0; i < PROBE_PAGES; i++)
		p[i * PAGE_SIZE] = 1;
	sys();
	free0 = si.free_pages;
	pid = fork();
	assert(pid >= 0);
	if (pid == 0) {
		sys();
		exit(free0 - si.free_pages >= PROBE_PAGES);
	}
	assert(wait(pid, &status) == pid);
	assert(sbrk(-(ssize_t)(PROBE_PAGES * PAGE_SIZE)) ==
	       p + PROBE_PAGES * PAGE_SIZE);
	return status == 1;
}

/* Each kernel writer writes into slot and returns how many leading bytes
 * of it it wrote, or 0 when the syscall failed or wrote the wrong thing. */

static size_t by_read(void)
{
	unsigned char *b = (unsigned char *)slot;

	if (read(data_pipe[0], slot, READ_BYTES) != READ_BYTES)
		return 0;
	for (size_t i = 0; i < READ_BYTES; i++)
		if (b[i] != 0xbb)
			return 0;
	return READ_BYTES;
}

static size_t by_wait(void)
{
	int pid = fork();

	if (pid == 0)
		exit(WAIT_STATUS);
	if (pid < 0 || wait(pid, slot) != pid || slot[0] != WAIT_STATUS)
		return 0;
	return sizeof(int);
}

static size_t by_pipe(void)
{
	if (pipe(slot) != ERR_OK || slot[0] < 0 || slot[1] < 0 ||
	    slot[0] == slot[1])
		return 0;
	close(slot[0]);
	close(slot[1]);
	return 2 * sizeof(int);
}

static size_t by_info(void)
{
	struct sys_info *s = (struct sys_info *)slot;

	if (info(s) != ERR_OK || s->total_pages == 0)
		return 0;
	return sizeof(*s);
}

static const struct {
	const char *name;
	size_t (*write)(void);
	bool counted; /* makes exactly this one copy-on-write copy */
} writers[] = {
    {"read()", by_read, true},
    {"wait()'s status", by_wait, false},
    {"pipe()'s fds", by_pipe, true},
    {"info()", by_info, true},
};

static void fill_slot(void)
{
	for (size_t i = 0; i < SLOT_WORDS; i++)
		slot[i] = FILLER;
}

/* Return: whether slot holds only FILLER from byte `from` on. */
static bool slot_filler_from(size_t from)
{
	for (size_t i = (from + sizeof(int) - 1) / sizeof(int); i < SLOT_WORDS;
	     i++)
		if (slot[i] != FILLER)
			return false;
	return true;
}

/* Put READ_BYTES bytes of 0xbb in the data pipe for by_read. */
static void refill_pipe(void)
{
	unsigned char b[READ_BYTES];

	memset(b, 0xbb, sizeof(b));
	assert(write(data_pipe[1], b, sizeof(b)) == sizeof(b));
}

/* Writer w runs in a child while the parent shares slot: the child must
 * see its write over the rest of the old page, the parent only FILLER. */
static void child_writes(size_t w)
{
	int status, pid;

	fill_slot();
	pid = fork();
	assert(pid >= 0);
	if (pid == 0) {
		size_t n = writers[w].write();
		exit(n == 0 ? 1 : !slot_filler_from(n) ? 2 : 0);
	}
	assert(wait(pid, &status) == pid);
	if (status == 1)
		error("%s into a shared page failed in the child",
		      writers[w].name);
	if (status == 2)
		error("%s into a shared page: the child's copy lost the rest "
		      "of the page",
		      writers[w].name);
	if (status != 0)
		error("%s in the child: status %d", writers[w].name, status);
	if (!slot_filler_from(0))
		error("%s into a shared page in the child reached the parent",
		      writers[w].name);
}

/* Writer w runs in the parent while a child shares slot: the child must
 * still see FILLER, and (copy-on-write) one copy was counted. */
static void parent_writes(size_t w)
{
	int go[2], status, pid;
	size_t n, copy0;

	fill_slot();
	assert(pipe(go) == ERR_OK);
	pid = fork();
	assert(pid >= 0);
	if (pid == 0) {
		close(go[1]);
		assert(pipe_await(go[0]) == 1);
		exit(slot_filler_from(0) ? 0 : 1);
	}
	sys();
	copy0 = si.num_cow_copy;
	n = writers[w].write();
	sys();
	if (n == 0)
		error("%s into a shared page failed in the parent",
		      writers[w].name);
	if (!slot_filler_from(n))
		error("%s into a shared page: the parent's copy lost the rest "
		      "of the page",
		      writers[w].name);
	if (!eager && writers[w].counted && si.num_cow_copy == copy0)
		error("%s into a shared page counted no copy-on-write copy",
		      writers[w].name);
	assert(write(go[1], "g", 1) == 1);
	assert(wait(pid, &status) == pid);
	close(go[0]);
	close(go[1]);
	if (status == 1)
		error("%s into a shared page in the parent reached the child",
		      writers[w].name);
	if (status != 0)
		error("%s: the child's status is %d", writers[w].name, status);
}

/* In a child: write to address a, which must kill. */
static void write_kills(const char *what, volatile unsigned char *a)
{
	size_t kills;
	int status, pid;

	sys();
	kills = si.num_kill;
	pid = fork();
	assert(pid >= 0);
	if (pid == 0) {
		*a = 0;
		exit(0);
	}
	assert(wait(pid, &status) == pid);
	sys();
	if (status != -1 || si.num_kill != kills + 1)
		error("writing %s after fork: status %d, %zu kills", what,
		      status, si.num_kill - kills);
}

/* The syscalls that write user memory refuse a read-only address a. */
static void syscalls_refuse(const char *what, void *a)
{
	int status, pid;

	refill_pipe();
	if (read(data_pipe[0], a, READ_BYTES) != ERR_FAULT)
		error("read() into %s did not return ERR_FAULT", what);
	if (pipe(a) != ERR_FAULT)
		error("pipe() into %s did not return ERR_FAULT", what);
	if (info(a) != ERR_FAULT)
		error("info() into %s did not return ERR_FAULT", what);
	pid = fork();
	assert(pid >= 0);
	if (pid == 0)
		exit(3);
	status = wait(pid, a);
	if (status != ERR_FAULT)
		error("wait() into %s returned %d, want ERR_FAULT", what,
		      status);
	if (wait(pid, &status) != pid || status != 3)
		error("after wait() into %s failed, the child was not left "
		      "to reap",
		      what);
}

/* Text and rodata after fork: writes kill, syscalls refuse, nothing
 * changes, with a child sharing them alive meanwhile. */
static void read_only_after_fork(void)
{
	unsigned char text0[16], rodata0[16];
	int go[2], status, pid;

	memcpy(text0, (const void *)(uintptr_t)text_fn, sizeof(text0));
	memcpy(rodata0, rodata_bytes, sizeof(rodata0));
	assert(pipe(go) == ERR_OK);
	pid = fork();
	assert(pid >= 0);
	if (pid == 0) {
		close(go[1]);
		assert(pipe_await(go[0]) == 1);
		exit(text_fn(2) == 7 && memcmp((const void *)(uintptr_t)text_fn,
					       text0, sizeof(text0)) == 0
			 ? 0
			 : 1);
	}
	write_kills("text", (volatile unsigned char *)(uintptr_t)text_fn);
	write_kills("rodata", (volatile unsigned char *)rodata_bytes);
	syscalls_refuse("text", (void *)(uintptr_t)text_fn);
	syscalls_refuse("rodata", (void *)rodata_bytes);
	if (text_fn(2) != 7 ||
	    memcmp((const void *)(uintptr_t)text_fn, text0, sizeof(text0)))
		error("the text changed");
	if (memcmp(rodata_bytes, rodata0, sizeof(rodata0)))
		error("the rodata changed");
	assert(write(go[1], "g", 1) == 1);
	assert(wait(pid, &status) == pid);
	if (status != 0)
		error("the child sharing the text saw it change (status %d)",
		      status);
	close(go[0]);
	close(go[1]);
}

int main(void)
{
	size_t n = sizeof(writers) / sizeof(writers[0]);

	eager = fork_is_eager();
	if (fork_copies_pages() != eager)
		error("fork %s pages, but the kernel says it was built with "
		      "FORK=%s",
		      eager ? "shares" : "copies", eager ? "eager" : "cow");
	assert(pipe(data_pipe) == ERR_OK);
	for (size_t w = 0; w < n; w++) {
		if (writers[w].write == by_read)
			refill_pipe();
		child_writes(w);
		if (writers[w].write == by_read)
			refill_pipe();
		parent_writes(w);
	}
	read_only_after_fork();
	close(data_pipe[0]);
	close(data_pipe[1]);
	pass("cow_kernel: %zu kernel writers into shared pages, both ways%s; "
	     "text and rodata read-only after fork",
	     n, eager ? " (eager fork: copy counts skipped)" : "");
	return 0;
}
