/* sbrk and the on-demand heap: the break moves by bytes, sbrk(0) reports
 * it, and the last partial page is usable; a 64 MiB sbrk takes no frame and
 * no fault, touching 32 pages takes at least 32 frames, shrinking gives them
 * back; a page given back kills on the next touch, even one still in the
 * TLB; regrown pages read zero; info() into a fresh page counts its fault
 * before it reads the counters; the error cases (64 TiB, into the stack,
 * more than all RAM, past user space, below the heap's start) change
 * nothing. */
#include <lib/stddef.h>
#include <lib/test.h>

#define PAGE_SIZE 4096ul /* both arches */
#define STACK_BOTTOM (USTACK_UPPERBOUND - 10 * PAGE_SIZE)
#define BIG (64ul << 20)
#define TOUCHED 32
#define SSIZE_MAX __LONG_MAX__
#define ROUND_UP(x) (((x) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))

static struct sys_info si; /* in bss: asking for it takes no fault */
static uintptr_t heap_start;

static void sys(void)
{
	assert(info(&si) == ERR_OK);
}

/* Return: the break now. */
static uintptr_t brk_now(void)
{
	return (uintptr_t)sbrk(0);
}

/* Move the break by n bytes; it must have been at want. */
static void move(ssize_t n, uintptr_t want)
{
	uintptr_t old = (uintptr_t)sbrk(n);

	if (old != want)
		error("sbrk(%zd) returned %p, want the old break %p", n,
		      (void *)old, (void *)want);
}

static void byte_granularity(void)
{
	uintptr_t b = brk_now();
	volatile unsigned char *p = (volatile unsigned char *)b;

	if (brk_now() != b)
		error("sbrk(0) moved the break");
	move(1, b);
	move(2, b + 1);
	if (brk_now() != b + 3)
		error("after sbrk(1) and sbrk(2) the break is %p, want %p",
		      (void *)brk_now(), (void *)(b + 3));
	p[0] = 1;
	p[2] = 3;
	/* The region's last page is whole, though the break is not. */
	p[ROUND_UP(b + 3) - b - 1] = 4;
	if (p[0] != 1 || p[1] != 0 || p[2] != 3)
		error("heap bytes do not hold their values");
	move(-3, b + 3);
	if (brk_now() != b)
		error("shrinking by 3 left the break at %p, want %p",
		      (void *)brk_now(), (void *)b);
}

/* Return: a heap size the machine can always grant: BIG, or half of RAM on
 * a machine with less than twice BIG. */
static size_t big_size(void)
{
	sys();
	size_t half = si.total_pages * PAGE_SIZE / 2;

	return half < BIG ? half : BIG;
}

static void laziness(void)
{
	size_t big = big_size(), free0, faults0, zero0, free1;
	uintptr_t b = brk_now();
	volatile unsigned char *p;

	sys();
	free0 = si.free_pages;
	faults0 = si.num_pgfault;
	p = sbrk(big);
	if ((uintptr_t)p != b)
		error("sbrk(%zu) returned %p, want %p", big, (void *)p,
		      (void *)b);
	sys();
	if (free0 - si.free_pages > 2)
		error("sbrk(%zu) took %zu frames", big, free0 - si.free_pages);
	if (si.num_pgfault != faults0)
		error("sbrk took %zu page faults", si.num_pgfault - faults0);

	zero0 = si.num_zerofill;
	free1 = si.free_pages;
	for (size_t i = 0; i < TOUCHED; i++) {
		/* Spread over the region, each page's last byte. */
		size_t at = (i * (big / TOUCHED)) + PAGE_SIZE - 1;
		if (p[at] != 0)
			error("fresh heap page %zu reads %d", i, p[at]);
		p[at] = (unsigned char)(i + 1);
	}
	sys();
	if (free1 - si.free_pages < TOUCHED)
		error("touching %d heap pages took %zu frames", TOUCHED,
		      free1 - si.free_pages);
	if (si.num_zerofill - zero0 < TOUCHED)
		error("touching %d heap pages zero-filled %zu", TOUCHED,
		      si.num_zerofill - zero0);
	for (size_t i = 0; i < TOUCHED; i++)
		if (p[i * (big / TOUCHED) + PAGE_SIZE - 1] != i + 1)
			error("heap page %zu lost its value", i);

	free1 = si.free_pages;
	move(-(ssize_t)big, b + big);
	sys();
	if (si.free_pages - free1 < TOUCHED)
		error("shrinking freed %zu frames, want >= %d",
		      si.free_pages - free1, TOUCHED);
}

/* info() into a heap page not yet present makes it present before it reads
 * the counters: asking again at once gives the same figures. */
static void info_settles(void)
{
	uintptr_t b = brk_now();
	struct sys_info *fresh = (struct sys_info *)b;

	move(PAGE_SIZE, b);
	assert(info(fresh) == ERR_OK);
	sys();
	if (fresh->num_pgfault != si.num_pgfault ||
	    fresh->num_zerofill != si.num_zerofill ||
	    fresh->free_pages != si.free_pages)
		error("info() into a fresh page: faults %zu/%zu, zero-fills "
		      "%zu/%zu, free %zu/%zu, then asked again",
		      fresh->num_pgfault, si.num_pgfault, fresh->num_zerofill,
		      si.num_zerofill, fresh->free_pages, si.free_pages);
	move(-(ssize_t)PAGE_SIZE, b + PAGE_SIZE);
}

/* Regrown pages read zero; the page still holding the break keeps its
 * bytes. */
static void regrow(void)
{
	uintptr_t b = brk_now();
	unsigned char *p = (unsigned char *)b;

	move(2 * PAGE_SIZE + 100, b);
	memset(p, 0xaa, 3 * PAGE_SIZE);
	move(-(ssize_t)(2 * PAGE_SIZE + 50), b + 2 * PAGE_SIZE + 100);
	move(2 * PAGE_SIZE, b + 50);
	for (size_t i = 0; i < 50; i++)
		if (p[i] != 0xaa)
			error("regrow: byte %zu below the break changed", i);
	for (size_t i = PAGE_SIZE; i < 3 * PAGE_SIZE; i++)
		if (p[i] != 0)
			error("regrow: byte %zu of a regrown page is %d", i,
			      p[i]);
	move(-(ssize_t)(2 * PAGE_SIZE + 50), b + 2 * PAGE_SIZE + 50);
}

/* In a child: touch two heap pages, give the second back, then access it
 * (write or read) while its translation may still be cached. */
static void shrink_then_touch(bool write)
{
	uintptr_t b = brk_now();
	volatile unsigned char *p = (volatile unsigned char *)b;

	move(2 * PAGE_SIZE, b);
	p[0] = 1;
	p[PAGE_SIZE] = 2;
	move(-(ssize_t)PAGE_SIZE, b + 2 * PAGE_SIZE);
	if (p[0] != 1)
		error("the page below the break lost its value");
	if (write)
		p[PAGE_SIZE] = 3;
	else
		(void)p[PAGE_SIZE];
}

/* Run shrink_then_touch in a child, which must be killed. */
static void check_killed(bool write)
{
	int status, pid = fork();

	assert(pid >= 0);
	if (pid == 0) {
		shrink_then_touch(write);
		exit(0);
	}
	assert(wait(pid, &status) == pid);
	if (status != -1)
		error("%s of a page given back by sbrk: status %d, want -1",
		      write ? "write" : "read", status);
}

/* sbrk(n) must fail with ERR_NOMEM and change neither the break nor the
 * free frames. */
static void refused(ssize_t n, const char *what)
{
	uintptr_t b = brk_now();
	size_t free0;
	void *got;

	sys();
	free0 = si.free_pages;
	got = sbrk(n);
	if (got != (void *)ERR_NOMEM)
		error("sbrk(0x%zx) (%s) returned %p, want ERR_NOMEM", n, what,
		      got);
	if (brk_now() != b)
		error("a refused sbrk (%s) moved the break", what);
	sys();
	if (si.free_pages != free0)
		error("a refused sbrk (%s) took %zu frames", what,
		      free0 - si.free_pages);
}

/* A shrink below the heap's start returns the break and changes nothing. */
static void below_start(ssize_t n)
{
	uintptr_t b = brk_now();

	move(n, b);
	if (brk_now() != b)
		error("sbrk(%zd) below the heap's start moved the break", n);
}

static void errors(void)
{
	uintptr_t b = brk_now();

	refused((ssize_t)1 << 46, "64 TiB");
	refused((ssize_t)(STACK_BOTTOM - b + 1), "one byte into the stack");
	refused((ssize_t)(USTACK_UPPERBOUND - b + PAGE_SIZE), "past the stack");
	sys();
	refused((ssize_t)((si.total_pages + 1) * PAGE_SIZE), "more than RAM");
	refused(SSIZE_MAX, "past user space");
	below_start(-(ssize_t)(b - heap_start) - 1);
	below_start(-(ssize_t)b - (ssize_t)PAGE_SIZE);
	below_start(-SSIZE_MAX - 1);
	/* Down to the start exactly is allowed, and so is growing again. */
	move(PAGE_SIZE, b);
	move(-(ssize_t)(b + PAGE_SIZE - heap_start), b + PAGE_SIZE);
	move((ssize_t)(b - heap_start), heap_start);
}

int main(void)
{
	heap_start = brk_now();
	byte_granularity();
	laziness();
	regrow();
	info_settles();
	check_killed(true);
	check_killed(false);
	errors();
	if (brk_now() != heap_start)
		error("the break ended at %p, want %p", (void *)brk_now(),
		      (void *)heap_start);
	pass("sbrk: bytes, laziness over %zu MiB, shrink, regrow, errors",
	     big_size() >> 20);
	return 0;
}
