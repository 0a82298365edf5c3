/* malloc under load: a seeded random workload of malloc, calloc, realloc
 * and free over 256 slots, every block checked for alignment, overlap and
 * its own byte pattern; after everything is freed the heap is one block
 * again and the same workload runs without growing it; huge requests give
 * NULL and leave the break alone; blocks around a break the program moved
 * itself; a double or foreign free ends a child with status 1 and the
 * message, read from a pipe so that its ERROR line stays out of this test's
 * output. */
#include <lib/malloc.h>
#include <lib/stddef.h>
#include <lib/test.h>

#define SLOTS 256
#define OPS 20000
#define MAX_SIZE 8192
#define SEED 0x6d616c6c6f63ul

struct slot {
	unsigned char *p;
	size_t size;
	unsigned tag; /* seeds the block's byte pattern */
};

static struct slot slots[SLOTS];
static uint64_t rng_state;
static uintptr_t lowest; /* the lowest pointer malloc has returned */

/* Return: the next number of a xorshift64 sequence. */
static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Return: a size in 1..MAX_SIZE, small sizes the most likely. */
static size_t random_size(void)
{
	return 1 + rng() % (2ul << rng() % 13);
}

/* Return: byte i of the pattern of tag. */
static unsigned char pattern(unsigned tag, size_t i)
{
	return (unsigned char)(tag + i * 131 + (i >> 8));
}

static void fill(struct slot *s)
{
	for (size_t i = 0; i < s->size; i++)
		s->p[i] = pattern(s->tag, i);
}

/* Check that the first n bytes of slot s still hold its pattern. */
static void verify(const struct slot *s, size_t n, int op)
{
	for (size_t i = 0; i < n; i++)
		if (s->p[i] != pattern(s->tag, i))
			error("op %d: block %p (%lu bytes) changed at byte %lu",
			      op, s->p, (unsigned long)s->size,
			      (unsigned long)i);
}

/* Check a block just handed out for slot s: aligned, and apart from every
 * other live block. */
static void check_new(const struct slot *s, int op)
{
	uintptr_t a = (uintptr_t)s->p;

	if (a % 16 != 0)
		error("op %d: %p is not 16-byte aligned", op, s->p);
	if (lowest == 0 || a < lowest)
		lowest = a;
	for (const struct slot *o = slots; o < slots + SLOTS; o++) {
		uintptr_t b = (uintptr_t)o->p;

		if (o != s && o->p != NULL && a < b + o->size &&
		    b < a + s->size)
			error("op %d: %p (%lu bytes) overlaps %p (%lu bytes)",
			      op, s->p, (unsigned long)s->size, o->p,
			      (unsigned long)o->size);
	}
}

/* One random operation on a random slot: malloc or calloc into an empty
 * one; free or realloc (bigger or smaller) a full one. */
static void step(int op)
{
	struct slot *s = &slots[rng() % SLOTS];
	unsigned char *q;
	size_t size;

	if (s->p == NULL) {
		s->size = random_size();
		s->tag = (unsigned)rng();
		if (rng() % 4 == 0) {
			s->p = calloc(s->size, 1);
			assert(s->p != NULL);
			for (size_t i = 0; i < s->size; i++)
				if (s->p[i] != 0)
					error("op %d: calloc byte %lu is %d",
					      op, (unsigned long)i, s->p[i]);
		} else {
			s->p = malloc(s->size);
			assert(s->p != NULL);
		}
		check_new(s, op);
		fill(s);
	} else if (rng() % 2 == 0) {
		verify(s, s->size, op);
		free(s->p);
		s->p = NULL;
	} else {
		verify(s, s->size, op);
		size = random_size();
		q = realloc(s->p, size);
		assert(q != NULL);
		s->p = q;
		verify(s, size < s->size ? size : s->size, op);
		s->size = size;
		check_new(s, op);
		fill(s);
	}
}

/* Run the seeded workload, then verify and free every block left. */
static void workload(void)
{
	rng_state = SEED;
	for (int op = 0; op < OPS; op++)
		step(op);
	for (struct slot *s = slots; s < slots + SLOTS; s++) {
		if (s->p != NULL) {
			verify(s, s->size, OPS);
			free(s->p);
			s->p = NULL;
		}
	}
}

/* The workload twice: with every block freed, the heap has merged back
 * into one free block, so the second run and one block spanning the whole
 * heap fit without moving the break. */
static void check_workload(void)
{
	char *brk, *all;

	assert(malloc(0) == NULL);
	workload();
	brk = sbrk(0);
	workload();
	if (sbrk(0) != brk)
		error("the second workload grew the heap from %p to %p", brk,
		      sbrk(0));
	all = malloc((size_t)(brk - (char *)lowest) - 64);
	if (all != (char *)lowest || sbrk(0) != brk)
		error("no single block spans the freed heap [%p, %p): got %p",
		      (void *)lowest, brk, all);
	free(all);
}

/* Requests no heap can hold give NULL and move nothing. */
static void check_huge(void)
{
	char *brk = sbrk(0), *p = malloc(64);

	assert(p != NULL && sbrk(0) == brk);
	memset(p, 7, 64);
	assert(malloc((size_t)1 << 46) == NULL); /* 64 TiB: more than RAM */
	assert(malloc((size_t)1 << 47) == NULL);
	assert(malloc(~(size_t)0) == NULL);
	assert(malloc(~(size_t)0 - 8) == NULL);
	assert(calloc((size_t)1 << 33, (size_t)1 << 33) == NULL);
	assert(calloc(~(size_t)0, 16) == NULL);
	assert(realloc(p, (size_t)1 << 47) == NULL);
	for (int i = 0; i < 64; i++)
		assert(p[i] == 7);
	free(p);
	assert(sbrk(0) == brk);
}

/* The program moves the break itself by an odd amount: later blocks are
 * aligned, and none of them lands on the bytes it took. */
static void check_foreign_sbrk(void)
{
	char *own = sbrk(100), *p[8];

	assert(own != (char *)ERR_NOMEM);
	memset(own, 0x5a, 100);
	for (int i = 0; i < 8; i++) {
		p[i] = malloc(20000);
		assert(p[i] != NULL && (uintptr_t)p[i] % 16 == 0);
		assert(p[i] + 20000 <= own || p[i] >= own + 100);
		memset(p[i], i, 20000);
	}
	for (int i = 0; i < 8; i++)
		free(p[i]);
	for (int i = 0; i < 100; i++)
		assert(own[i] == 0x5a);
}

static void double_free(void)
{
	char *p = malloc(100);

	free(p);
	free(p);
}

static void double_realloc(void)
{
	char *p = malloc(100);

	free(p);
	free(realloc(p, 200));
}

static void free_inside(void)
{
	char *p = calloc(100, 1);

	free(p + 32);
}

static void free_stack(void)
{
	char local[32];

	malloc(1);
	free(local);
}

/* Run misuse in a child whose fds 1 and 2 are a pipe; check it exits with
 * status 1 after printing a line that holds want. */
static void check_misuse(void (*misuse)(void), const char *name,
			 const char *want)
{
	int fds[2], pid, status;
	char out[128];
	ssize_t n, len = 0;

	assert(pipe(fds) == ERR_OK);
	pid = fork();
	assert(pid >= 0);
	if (pid == 0) {
		close(1);
		dup(fds[1]);
		close(2);
		dup(fds[1]);
		close(fds[0]);
		close(fds[1]);
		misuse();
		exit(0);
	}
	close(fds[1]);
	while ((n = read(fds[0], out + len, sizeof(out) - 1 - len)) > 0)
		len += n;
	out[len] = '\0';
	close(fds[0]);
	assert(wait(pid, &status) == pid);
	if (status != 1 || strstr(out, "ERROR: malloc: ") != out ||
	    strstr(out, want) == NULL)
		error("%s: status %d, %ld bytes of output, want '%s'", name,
		      status, (long)len, want);
}

int main(void)
{
	check_workload();
	check_huge();
	check_foreign_sbrk();
	check_misuse(double_free, "double free", "double free");
	check_misuse(double_realloc, "realloc after free", "double free");
	check_misuse(free_inside, "free inside a block", "did not return");
	check_misuse(free_stack, "free of a stack array", "did not return");
	pass("malloc_stress: %d random operations twice, heap merged back; "
	     "huge requests; double and foreign free caught",
	     OPS);
	return 0;
}
