/* vmmap, the picture behind pmap, checked against what the test knows of
 * itself: regions in order with their kinds and permissions, text r, data
 * and the stack page in use w, the stack's bottom page and fresh heap pages
 * ., touched ones w with count 1; after fork every written page c with
 * count 2 and the same frame in both; after the child's write its page w
 * (count 1, a new frame) while the parent's stays c, count 1, until its own
 * write reuses it (w, count 1, same frame); looking at a process faults
 * nothing in and moves no counter; a bad pid, a zombie, bad and short
 * buffers, a buffer too small (untouched, the size returned); children that
 * exit, grow and shrink their heap, or exec while being looked at (CPUS=2
 * runs them in parallel). A FORK=eager kernel passes too: after fork each side
 * has its own writable copy. */
#include <lib/stddef.h>
#include <lib/test.h>
#include <lib/testkit.h>
#include <lib/vmmap.h>

#define PAGE_SIZE 4096ul /* both arches */
#define HEAP_PAGES 4
#define PICTURE_MAX 8192
#define RACE_ROUNDS 20

/* Pictures and counters live in bss, made present at the start, so that
 * asking for them takes no fault. */
static char picture[PICTURE_MAX], other[PICTURE_MAX];
static size_t picture_len;
static struct sys_info si;
static const char rodata_word[] = "rodata";
static volatile int data_word = 1;
static bool eager; /* fork copied every page: no COW to see */

/* Read the counters into si. */
static void sys(void)
{
	assert(info(&si) == ERR_OK);
}

/* Take the picture of pid into picture; it must fit. */
static void take(int pid)
{
	ssize_t len = vmmap(pid, picture, sizeof(picture));

	if (len < 0 || (size_t)len > sizeof(picture))
		error("vmmap(%d) returned %zd", pid, len);
	picture_len = (size_t)len;
}

/* Return: the record of the page holding va in the last picture. */
static const struct vmmap_page *page(const void *va)
{
	const struct vmmap_page *p =
	    vmmap_find(picture, picture_len, (uintptr_t)va, NULL);

	if (!p)
		error("no region holds %p", va);
	return p;
}

/* The page holding va must be in state with reference count ref (for
 * absent pages: 0, with frame 0); what names it. */
static void expect(const void *va, char state, unsigned ref, const char *what)
{
	const struct vmmap_page *p = page(va);

	if (p->state != state || p->refcount != ref)
		error("%s at %p: %c%u, want %c%u", what, va, p->state,
		      p->refcount, state, ref);
	if ((p->frame == 0) != (state == VMMAP_ABSENT))
		error("%s at %p: %c with frame 0x%x", what, va, p->state,
		      p->frame);
}

/* Return: the region holding va in the last picture. */
static const struct vmmap_region *region(const void *va)
{
	const struct vmmap_region *r;

	if (!vmmap_find(picture, picture_len, (uintptr_t)va, &r))
		error("no region holds %p", va);
	return r;
}

/* The regions tile the picture in increasing order, each as long as its
 * range, and the heap's end is the break to the byte. */
static void check_layout(void)
{
	const struct vmmap_region *r = NULL;
	size_t used = 0, n = 0;
	uintptr_t last_end = 0;
	char *brk = sbrk(0);

	while ((r = vmmap_next(picture, picture_len, r))) {
		if (r->start % PAGE_SIZE || r->start < last_end ||
		    r->npages !=
			(r->end - r->start + PAGE_SIZE - 1) / PAGE_SIZE)
			error("region [%p, %p) with %zu pages",
			      (void *)r->start, (void *)r->end, r->npages);
		last_end = r->end;
		used += sizeof(*r) + r->npages * sizeof(struct vmmap_page);
		n++;
	}
	if (used != picture_len || n != 5)
		error("%zu regions in %zu bytes, picture of %zu", n, used,
		      picture_len);
	if (region(brk - 1)->end != (uintptr_t)brk)
		error("the heap ends at %p, the break is %p",
		      (void *)region(brk - 1)->end, brk);
}

/* Each region has the kind and permissions the loader gives it. */
static void check_kinds(unsigned char *heap)
{
	static const struct {
		const void *va;
		unsigned kind, perm;
	} want[] = {
	    {(const void *)check_kinds, VMMAP_TEXT, VMMAP_R | VMMAP_X},
	    {rodata_word, VMMAP_RODATA, VMMAP_R},
	    {(const void *)&data_word, VMMAP_DATA, VMMAP_R | VMMAP_W},
	    {(const void *)(USTACK_UPPERBOUND - 1), VMMAP_STACK,
	     VMMAP_R | VMMAP_W},
	};

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct vmmap_region *r = region(want[i].va);
		if (r->kind != want[i].kind || r->perm != want[i].perm)
			error("region of %p: kind %u perm %u, want %u %u",
			      want[i].va, r->kind, r->perm, want[i].kind,
			      want[i].perm);
	}
	if (region(heap)->kind != VMMAP_HEAP)
		error("the heap's kind is %u", region(heap)->kind);
	if (region((void *)(USTACK_UPPERBOUND - 1))->npages != 10)
		error("the stack has %zu pages",
		      region((void *)(USTACK_UPPERBOUND - 1))->npages);
}

/* The picture of the test itself before any fork. */
static void check_self(unsigned char *heap)
{
	int local = 0;

	take(getpid());
	check_layout();
	check_kinds(heap);
	expect((const void *)check_self, VMMAP_READONLY, 1, "text");
	expect(rodata_word, VMMAP_READONLY, 1, "rodata");
	expect((const void *)&data_word, VMMAP_WRITABLE, 1, "data");
	expect(&local, VMMAP_WRITABLE, 1, "the stack page in use");
	expect((void *)(USTACK_UPPERBOUND - 10 * PAGE_SIZE), VMMAP_ABSENT, 0,
	       "the stack's bottom page");
	for (int i = 0; i < HEAP_PAGES; i++)
		expect(heap + i * PAGE_SIZE, VMMAP_ABSENT, 0,
		       "a fresh heap page");
	heap[0] = 1;
	heap[2 * PAGE_SIZE] = 1;
	take(getpid());
	expect(heap, VMMAP_WRITABLE, 1, "touched heap page 0");
	expect(heap + PAGE_SIZE, VMMAP_ABSENT, 0, "untouched heap page 1");
	expect(heap + 2 * PAGE_SIZE, VMMAP_WRITABLE, 1, "touched heap page 2");
	expect(heap + 3 * PAGE_SIZE, VMMAP_ABSENT, 0, "untouched heap page 3");
}

/* Taking the picture of pid again changes neither it nor any counter. */
static void check_no_change(int pid)
{
	size_t faults, zerofill, copies, reuses, free_pages;

	/* Make the buffers private first: after a fork, a copy-on-write copy
	 * of one would change a count that pid's picture shows. */
	memset(other, 0, sizeof(other));
	sys();
	take(pid);
	memcpy(other, picture, picture_len);
	sys();
	faults = si.num_pgfault;
	zerofill = si.num_zerofill;
	copies = si.num_cow_copy;
	reuses = si.num_cow_reuse;
	free_pages = si.free_pages;
	take(pid);
	sys();
	if (si.num_pgfault != faults || si.num_zerofill != zerofill ||
	    si.num_cow_copy != copies || si.num_cow_reuse != reuses ||
	    si.free_pages != free_pages)
		error("looking at pid %d moved the counters", pid);
	if (memcmp(other, picture, picture_len) != 0)
		error("two pictures of pid %d differ", pid);
}

/* The frame of the page holding va, in the last picture. */
static unsigned frame(const void *va)
{
	return page(va)->frame;
}

/* Right after fork: pages written before are c2 in both, on one frame
 * (eager fork: w1 in both, on two frames); absent ones absent in both; the
 * text is shared as it is, r. */
static void check_after_fork(int child, unsigned char *heap, unsigned *f0)
{
	take(getpid());
	*f0 = frame(heap);
	eager = fork_is_eager(); /* the pictures below must then agree */
	expect(heap, eager ? VMMAP_WRITABLE : VMMAP_COW, eager ? 1 : 2,
	       "parent's heap page 0 after fork");
	expect(heap + PAGE_SIZE, VMMAP_ABSENT, 0, "parent's heap page 1");
	expect((const void *)check_self, VMMAP_READONLY, eager ? 1 : 2,
	       "parent's text");
	check_no_change(child);
	expect(heap, eager ? VMMAP_WRITABLE : VMMAP_COW, eager ? 1 : 2,
	       "child's heap page 0 after fork");
	expect(heap + PAGE_SIZE, VMMAP_ABSENT, 0, "child's heap page 1");
	expect(heap + 2 * PAGE_SIZE, eager ? VMMAP_WRITABLE : VMMAP_COW,
	       eager ? 1 : 2, "child's heap page 2 after fork");
	expect((const void *)check_self, VMMAP_READONLY, eager ? 1 : 2,
	       "child's text");
	if ((frame(heap) == *f0) == eager)
		error("heap page 0: frame 0x%x in the child, 0x%x in the "
		      "parent",
		      frame(heap), *f0);
}

/* After the child wrote heap page 0: its page is its own (w1, a new
 * frame); the parent's is still c, now with count 1, on the old frame;
 * page 2 is c2 in both still. */
static void check_child_wrote(int child, unsigned char *heap, unsigned f0)
{
	take(child);
	expect(heap, VMMAP_WRITABLE, 1, "child's heap page 0 after its write");
	if (frame(heap) == f0)
		error("the child's write did not give it a frame of its own");
	expect(heap + PAGE_SIZE, VMMAP_ABSENT, 0,
	       "child's heap page 1: looking faulted it in");
	take(getpid());
	expect(heap, eager ? VMMAP_WRITABLE : VMMAP_COW, 1,
	       "parent's heap page 0 after the child's write");
	expect(heap + 2 * PAGE_SIZE, eager ? VMMAP_WRITABLE : VMMAP_COW,
	       eager ? 1 : 2, "parent's heap page 2");
	if (frame(heap) != f0)
		error("the parent's heap page 0 moved to frame 0x%x",
		      frame(heap));
}

/* The parent writes heap page 0 last: the reuse, no copy, same frame. */
static void check_parent_reuses(unsigned char *heap, unsigned f0)
{
	size_t copies, reuses;

	sys();
	copies = si.num_cow_copy;
	reuses = si.num_cow_reuse;
	heap[0] = 3;
	sys();
	if (!eager && (si.num_cow_copy != copies || si.num_cow_reuse == reuses))
		error("the parent's last write: %zu copies, %zu reuses",
		      si.num_cow_copy - copies, si.num_cow_reuse - reuses);
	take(getpid());
	expect(heap, VMMAP_WRITABLE, 1, "parent's heap page 0 after reuse");
	if (frame(heap) != f0)
		error("the reuse moved heap page 0 to frame 0x%x", frame(heap));
}

/* The whole copy-on-write story, seen in both processes. */
static void check_fork(unsigned char *heap)
{
	int cmd[2], ack[2], pid;
	unsigned f0;

	assert(pipe(cmd) == ERR_OK && pipe(ack) == ERR_OK);
	pid = fork();
	assert(pid >= 0);
	if (pid == 0) {
		close(cmd[1]);
		pipe_notify(ack[1]); /* it runs: its stack is its own */
		while (pipe_await(cmd[0]) == 1) {
			heap[0] = 2;
			pipe_notify(ack[1]);
		}
		exit(0);
	}
	close(cmd[0]);
	close(ack[1]);
	assert(pipe_await(ack[0]) == 1);
	check_after_fork(pid, heap, &f0);
	pipe_notify(cmd[1]);
	assert(pipe_await(ack[0]) == 1);
	check_child_wrote(pid, heap, f0);
	check_parent_reuses(heap, f0);
	close(cmd[1]);
	close(ack[0]);
	assert(wait(pid, NULL) == pid);
}

/* Return: the processes alive now. */
static size_t live_procs(void)
{
	sys();
	return si.live_procs;
}

/* No such process: never was, is a zombie, or was reaped. */
static void check_bad_pids(void)
{
	size_t live = live_procs();
	int pid;

	if (vmmap(-1, picture, sizeof(picture)) != ERR_NOTEXIST ||
	    vmmap(0, picture, sizeof(picture)) != ERR_NOTEXIST ||
	    vmmap(1 << 30, picture, sizeof(picture)) != ERR_NOTEXIST)
		error("vmmap of no process is not ERR_NOTEXIST");
	pid = fork();
	assert(pid >= 0);
	if (pid == 0)
		exit(0);
	/* A zombie once it has left the live processes. */
	while (live_procs() > live)
		sleep(0);
	if (vmmap(pid, picture, sizeof(picture)) != ERR_NOTEXIST)
		error("vmmap of a zombie is not ERR_NOTEXIST");
	assert(wait(pid, NULL) == pid);
	if (vmmap(pid, picture, sizeof(picture)) != ERR_NOTEXIST)
		error("vmmap of a reaped child is not ERR_NOTEXIST");
}

/* Bad buffers are ERR_FAULT; a too small one is left alone and the size
 * returned; exactly the size fits. */
static void check_buffers(unsigned char *heap)
{
	ssize_t size = vmmap(getpid(), NULL, 0);
	unsigned char *heap_end = heap + HEAP_PAGES * PAGE_SIZE;

	if (size <= 0 || vmmap(getpid(), NULL, 10) != size)
		error("vmmap asking the size returned %zd", size);
	if (vmmap(getpid(), NULL, PICTURE_MAX) != ERR_FAULT ||
	    vmmap(getpid(), (void *)KMAP_BASE, PICTURE_MAX) != ERR_FAULT ||
	    vmmap(getpid(), (void *)check_buffers, PICTURE_MAX) != ERR_FAULT)
		error("vmmap into NULL, the kernel or the text is not "
		      "ERR_FAULT");
	/* A buffer that runs off the end of the heap region. */
	if (vmmap(getpid(), heap_end - 64, PICTURE_MAX) != ERR_FAULT)
		error("vmmap into a buffer past the heap is not ERR_FAULT");
	memset(picture, 0x5a, sizeof(picture));
	if (vmmap(getpid(), picture, (size_t)size - 1) != size)
		error("a buffer one byte short did not return the size");
	for (size_t i = 0; i < sizeof(picture); i++)
		if ((unsigned char)picture[i] != 0x5a)
			error("a buffer too small was written at byte %zu", i);
	if (vmmap(getpid(), picture, (size_t)size) != size)
		error("a buffer of exactly the size did not fit");
}

/* The child of a race round: exit at once, or first move its break up
 * and down, or exec a program that exits at once. */
static void racer(int round)
{
	for (int i = 0; round % 3 == 1 && i < 50; i++) {
		volatile char *p = sbrk(2 * PAGE_SIZE);
		p[0] = p[PAGE_SIZE] = 1;
		sbrk(-(ssize_t)(2 * PAGE_SIZE));
	}
	if (round % 3 == 2) {
		close(1); /* echo's empty line goes nowhere */
		exec("echo");
	}
	exit(0);
}

/* Children that exit, grow and shrink, or exec while the parent looks at
 * them: every answer is a whole picture or ERR_NOTEXIST. */
static void check_races(void)
{
	for (int round = 0; round < RACE_ROUNDS; round++) {
		int pid = fork();
		ssize_t len;

		assert(pid >= 0);
		if (pid == 0)
			racer(round);
		do {
			len = vmmap(pid, picture, sizeof(picture));
			if (len != ERR_NOTEXIST &&
			    (len <= 0 || (size_t)len > sizeof(picture)))
				error("vmmap of a racing child returned %zd",
				      len);
		} while (len != ERR_NOTEXIST);
		assert(wait(pid, NULL) == pid);
	}
}

int main(void)
{
	unsigned char *heap;

	memset(picture, 0, sizeof(picture));
	memset(other, 0, sizeof(other));
	sys();
	stack_prefault(16 * 1024);
	heap = sbrk(HEAP_PAGES * PAGE_SIZE);
	assert(heap != (unsigned char *)ERR_NOMEM);
	check_self(heap);
	check_no_change(getpid());
	check_fork(heap);
	check_bad_pids();
	check_buffers(heap);
	check_races();
	if (eager)
		pass("vmmap: pictures, errors and races (eager fork: no COW to "
		     "see)");
	else
		pass("vmmap: pictures, copy-on-write, errors and races");
	exit(0);
}
