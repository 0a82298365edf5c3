/* Stack on demand: the stack region is the 10 pages below USTACK_UPPERBOUND
 * and pages appear, zeroed, on first touch. Growth by recursion and by one
 * big local array; the kernel's copy-out into (read()) and copy-in from
 * (write()) a page not yet present; the lowest page usable; the byte below
 * it, USTACK_UPPERBOUND itself and unbounded recursion fatal. Each case runs
 * in a forked child, whose stack below main's frames is not yet present. */
#include <lib/stddef.h>
#include <lib/test.h>

#define PAGE_SIZE 4096ul /* both arches */
#define STACK_PAGES 10
#define STACK_BOTTOM (USTACK_UPPERBOUND - STACK_PAGES * PAGE_SIZE)
#define BIG_PAGES 8
#define CHUNK 2048 /* what one pipe write always takes whole */

static struct sys_info si; /* in bss: asking for it takes no stack page */
static unsigned char pattern[CHUNK];
static unsigned char got[CHUNK];

/* Return: pages zero-filled so far, system-wide. */
static size_t zerofills(void)
{
	assert(info(&si) == ERR_OK);
	return si.num_zerofill;
}

/* Return: processes killed so far. */
static size_t kills(void)
{
	assert(info(&si) == ERR_OK);
	return si.num_kill;
}

/* Recurse, one small frame per level, until a frame lies in the lowest two
 * pages of the stack; each level checks that its frame survived the deeper
 * ones. Return: the number of levels below this one. */
static __attribute__((noinline)) int recurse(int level)
{
	volatile unsigned char frame[200];
	int below = 0;

	for (size_t i = 0; i < sizeof(frame); i++)
		frame[i] = (unsigned char)(level + i);
	if ((uintptr_t)frame >= STACK_BOTTOM + 2 * PAGE_SIZE)
		below = recurse(level + 1) + 1;
	for (size_t i = 0; i < sizeof(frame); i++)
		if (frame[i] != (unsigned char)(level + i))
			error("recursion: level %d's frame changed at byte %zu",
			      level, i);
	return below;
}

static void grow_by_recursion(void)
{
	size_t z0 = zerofills();
	int levels = recurse(0);

	/* Pages 2 to 8 below the top one at least were new. */
	if (zerofills() - z0 < STACK_PAGES - 3)
		error("recursion %d levels deep filled %zu pages, want >= %d",
		      levels, zerofills() - z0, STACK_PAGES - 3);
}

/* One local array of BIG_PAGES pages, first touched at its lowest byte,
 * far below any present page, then everywhere. */
static __attribute__((noinline)) void grow_by_array(void)
{
	volatile unsigned char big[BIG_PAGES * PAGE_SIZE];
	size_t z0 = zerofills();

	big[0] = 0x5a;
	for (size_t i = 1; i < sizeof(big); i++)
		if (big[i] != 0 && i % 512 == 0)
			error("array: fresh stack byte %zu is %d", i, big[i]);
	for (size_t i = sizeof(big); i-- > 1;)
		big[i] = (unsigned char)(i * 13);
	for (size_t i = 1; i < sizeof(big); i++)
		if (big[i] != (unsigned char)(i * 13))
			error("array: byte %zu lost its value", i);
	if (big[0] != 0x5a)
		error("array: its lowest byte lost its value");
	if (zerofills() - z0 < BIG_PAGES - 1)
		error("array of %d pages filled %zu pages, want >= %d",
		      BIG_PAGES, zerofills() - z0, BIG_PAGES - 1);
}

/* The kernel reads from, then writes into, stack pages nothing has
 * touched: write() from the bottom of a big local buffer sends zeros;
 * read() into a page two pages up lands the data. Both succeed, and each
 * fills at least one page. */
static __attribute__((noinline)) void kernel_access(void)
{
	unsigned char buf[6 * PAGE_SIZE];
	unsigned char *into = buf + 2 * PAGE_SIZE;
	int fds[2];
	size_t z0;

	assert(pipe(fds) == ERR_OK);
	z0 = zerofills();
	if (write(fds[1], buf, CHUNK) != CHUNK)
		error("write() from a fresh stack page failed");
	if (zerofills() - z0 < 1)
		error("write() from a fresh stack page filled no page");
	assert(read(fds[0], got, CHUNK) == CHUNK);
	for (size_t i = 0; i < CHUNK; i++)
		if (got[i] != 0)
			error("write() from a fresh stack page sent %d at %zu",
			      got[i], i);

	for (size_t i = 0; i < CHUNK; i++)
		pattern[i] = (unsigned char)(i * 7 + 1);
	assert(write(fds[1], pattern, CHUNK) == CHUNK);
	z0 = zerofills();
	if (read(fds[0], into, CHUNK) != CHUNK)
		error("read() into a fresh stack page failed");
	if (zerofills() - z0 < 1)
		error("read() into a fresh stack page filled no page");
	if (memcmp(into, pattern, CHUNK) != 0)
		error("read() into a fresh stack page: wrong data");
	close(fds[0]);
	close(fds[1]);
}

/* The lowest page of the region works, first byte and last. */
static void lowest_page(void)
{
	volatile unsigned char *low = (volatile unsigned char *)STACK_BOTTOM;

	low[0] = 1;
	low[PAGE_SIZE - 1] = 2;
	if (low[0] != 1 || low[PAGE_SIZE - 1] != 2 || low[1] != 0)
		error("the lowest stack page does not hold its values");
}

static void below_bottom(void)
{
	*(volatile unsigned char *)(STACK_BOTTOM - 1) = 1;
}

static void read_upper_bound(void)
{
	(void)*(volatile unsigned char *)USTACK_UPPERBOUND;
}

static void write_upper_bound(void)
{
	*(volatile unsigned char *)USTACK_UPPERBOUND = 1;
}

/* Recurse forever: the stack must run out, and kill. */
static __attribute__((noinline)) int unbounded(volatile int *up)
{
	volatile int frame[64];

	frame[0] = *up + 1;
	if (frame[0] > 0) /* always: the compiler cannot tell */
		return unbounded(frame) + frame[1];
	return 0;
}

static void overflow(void)
{
	int zero = 0;

	unbounded(&zero);
}

/* Run fn in a forked child; it must exit 0 (want_killed false) or be
 * killed, counted once in num_kill (want_killed true). */
static void run(const char *name, void (*fn)(void), bool want_killed)
{
	size_t k0 = kills();
	int status, pid = fork();

	assert(pid >= 0);
	if (pid == 0) {
		fn();
		exit(0);
	}
	assert(wait(pid, &status) == pid);
	if (status != (want_killed ? -1 : 0))
		error("%s: exit status %d, want %d", name, status,
		      want_killed ? -1 : 0);
	if (kills() - k0 != (want_killed ? 1u : 0u))
		error("%s: num_kill moved by %zu", name, kills() - k0);
}

int main(void)
{
	run("kernel access to fresh stack pages", kernel_access, false);
	run("growth by recursion", grow_by_recursion, false);
	run("growth by a big local array", grow_by_array, false);
	run("the lowest stack page", lowest_page, false);
	run("write one byte below the stack", below_bottom, true);
	run("read at USTACK_UPPERBOUND", read_upper_bound, true);
	run("write at USTACK_UPPERBOUND", write_upper_bound, true);
	run("unbounded recursion", overflow, true);
	pass("stack_growth: recursion, an %d-page array, read()/write() on "
	     "fresh pages, the lowest page; below it and the top are fatal",
	     BIG_PAGES);
	return 0;
}
