/* malloc, free, calloc and realloc over sbrk: first fit from one free list
 * kept in address order, so that a freed block merges with the free blocks
 * right before and after it.
 *
 * The heap is one or more arenas of blocks, each arena ending in an end
 * marker (a header of size 0). An arena is contiguous, so a block's size
 * leads to the next block; a new arena starts only if the program moved the
 * break itself. Every size is a multiple of 16 and every block starts on a
 * 16-byte boundary, so every payload is 16-byte aligned.
 *
 *      used block                       free block
 *      +--------------------+ <- b      +--------------------+ <- b
 *      | size (whole block) |           | size (whole block) |
 *      | magic: BLOCK_USED  |           | magic: BLOCK_FREE  |
 *      +--------------------+ <- p      +--------------------+
 *      | payload            |           | next free block    |
 *      | ...                |           | (unused)           |
 *      +--------------------+           +--------------------+
 *
 *      arena:  | block | block | ... | block | end marker |  <- break
 *
 * The magic word tells a double free (BLOCK_FREE) and most foreign
 * pointers (neither magic) from a real block; either is reported on fd 2 as
 * "ERROR: malloc: ..." and ends the program with status 1. A header that a
 * merge swallowed keeps BLOCK_FREE, so a second free of it is still caught.
 */
#include <lib/malloc.h>
#include <lib/stdio.h>
#include <lib/string.h>
#include <lib/usyscall.h>

#define ALIGN 16
#define HDR 16		       /* header bytes before the payload */
#define MIN_BLOCK 32	       /* a header and a next pointer, aligned */
#define HEAP_CHUNK (16 * 1024) /* the least the heap grows by at once */
#define HEAP_PAGE 4096	       /* the break is left on a page boundary */
/* No sbrk grows by more than PTRDIFF_MAX; staying well below it keeps the
 * size arithmetic from overflowing. */
#define MALLOC_MAX ((size_t)__PTRDIFF_MAX__ / 2)

#define BLOCK_USED 0xa110c8eda110c8edul
#define BLOCK_FREE 0xf4eeb10cf4eeb10cul
#define BLOCK_END 0xe4dea4e4e4dea4e4ul

struct block {
	size_t size;	    /* of the whole block, header included */
	size_t magic;	    /* BLOCK_USED, BLOCK_FREE or BLOCK_END */
	struct block *next; /* free blocks only: the next free one up */
};

_Static_assert(offsetof(struct block, next) == HDR, "header size");

static struct block *free_list; /* in address order */
static char *heap_lo, *heap_hi; /* first arena's start, last arena's end */

/* Return: n rounded up to a multiple of to, a power of two. */
static size_t round_up(size_t n, size_t to)
{
	return (n + to - 1) & ~(to - 1);
}

/* Return: the block size that holds n > 0 payload bytes. */
static size_t block_size_for(size_t n)
{
	return round_up(n, ALIGN) + HDR;
}

/* Return: the block after b in its arena (the end marker after the last). */
static struct block *block_next(struct block *b)
{
	return (struct block *)((char *)b + b->size);
}

/* Return: the pointer malloc hands out for b. */
static void *block_payload(struct block *b)
{
	return (char *)b + HDR;
}

/* Report a misuse of the heap on fd 2 in one line and exit with status 1. */
static void __attribute__((noreturn)) malloc_fail(const char *why)
{
	char line[80];
	int n = snprintf(line, sizeof(line), "ERROR: malloc: %s\n", why);

	write(2, line, (size_t)n);
	exit(1);
}

/* Return: the used block whose payload is p; exit through malloc_fail if
 * p is not one (outside the heap, misaligned, no header, already freed). */
static struct block *block_of(void *p)
{
	struct block *b = (struct block *)((char *)p - HDR);

	if ((char *)p < heap_lo + HDR || (char *)p >= heap_hi ||
	    (uintptr_t)p % ALIGN != 0)
		malloc_fail("free of a pointer it did not return");
	if (b->magic == BLOCK_FREE)
		malloc_fail("double free");
	if (b->magic != BLOCK_USED || b->size < MIN_BLOCK ||
	    b->size % ALIGN != 0 || b->size > (size_t)(heap_hi - (char *)b))
		malloc_fail("free of a pointer it did not return");
	return b;
}

/* Take free block b off the free list. */
static void free_unlink(struct block *b)
{
	struct block **link = &free_list;

	while (*link != b)
		link = &(*link)->next;
	*link = b->next;
}

/* Put block b on the free list in address order, merged with a free block
 * that ends where it starts and one that starts where it ends.
 * Return: the free block that now holds b. */
static struct block *free_insert(struct block *b)
{
	struct block *prev = NULL, *next = free_list;

	while (next != NULL && next < b) {
		prev = next;
		next = next->next;
	}
	b->magic = BLOCK_FREE;
	b->next = next;
	if (next != NULL && block_next(b) == next) {
		b->size += next->size;
		b->next = next->next;
	}
	if (prev == NULL) {
		free_list = b;
		return b;
	}
	prev->next = b;
	if (block_next(prev) != b)
		return b;
	prev->size += b->size;
	prev->next = b->next;
	return prev;
}

/* Cut used block b down to size bytes if the rest makes a block of its own,
 * and free the rest. */
static void block_split(struct block *b, size_t size)
{
	struct block *rest;

	if (b->size - size < MIN_BLOCK)
		return;
	rest = (struct block *)((char *)b + size);
	rest->size = b->size - size;
	b->size = size;
	free_insert(rest);
}

/* Grow the heap with sbrk by at least size bytes, HEAP_CHUNK at least,
 * ending on a page boundary: onto the last arena if the break is where we
 * left it, else as a new arena.
 * Return: the free block that holds the new memory; NULL if sbrk fails. */
static struct block *heap_grow(size_t size)
{
	char *brk = sbrk(0), *start, *end;
	struct block *b, *marker;

	if (brk == (char *)ERR_NOMEM)
		return NULL;
	if (brk == heap_hi)
		start = brk - HDR; /* the old end marker becomes the block */
	else
		start = (char *)round_up((uintptr_t)brk, ALIGN);
	if (size < HEAP_CHUNK)
		size = HEAP_CHUNK;
	end = (char *)round_up((uintptr_t)start + size + HDR, HEAP_PAGE);
	if (sbrk(end - brk) != brk)
		return NULL;
	if (heap_lo == NULL)
		heap_lo = start;
	heap_hi = end;
	marker = (struct block *)(end - HDR);
	marker->size = 0;
	marker->magic = BLOCK_END;
	b = (struct block *)start;
	b->size = (size_t)((char *)marker - start);
	return free_insert(b);
}

/* Make used block b size bytes or more in place, taking the free block
 * after it (first growing the heap if b is the last block).
 * Return: whether it could. */
static bool block_extend(struct block *b, size_t size)
{
	struct block *next = block_next(b);

	if (next->magic == BLOCK_END && heap_grow(size - b->size) == NULL)
		return false;
	next = block_next(b);
	if (next->magic != BLOCK_FREE || b->size + next->size < size)
		return false;
	free_unlink(next);
	b->size += next->size;
	block_split(b, size);
	return true;
}

/* First fit: the first free block big enough, its rest freed again. */
void *malloc(size_t n)
{
	size_t size = block_size_for(n);
	struct block *b = free_list;

	if (n == 0 || n > MALLOC_MAX)
		return NULL;
	while (b != NULL && b->size < size)
		b = b->next;
	if (b == NULL && (b = heap_grow(size)) == NULL)
		return NULL;
	free_unlink(b);
	b->magic = BLOCK_USED;
	block_split(b, size);
	return block_payload(b);
}

/* Check p's header (malloc_fail if it is not a used block), then free it. */
void free(void *p)
{
	if (p != NULL)
		free_insert(block_of(p));
}

/* malloc, then zero: reused blocks hold old data. */
void *calloc(size_t n, size_t size)
{
	void *p;

	if (size != 0 && n > MALLOC_MAX / size)
		return NULL;
	p = malloc(n * size);
	if (p != NULL)
		memset(p, 0, n * size);
	return p;
}

/* Shrink in place, grow in place into a free next block, else move. */
void *realloc(void *p, size_t n)
{
	struct block *b;
	size_t size = block_size_for(n);
	void *q;

	if (p == NULL)
		return malloc(n);
	b = block_of(p);
	if (n == 0) {
		free_insert(b);
		return NULL;
	}
	if (n > MALLOC_MAX)
		return NULL;
	if (size <= b->size) {
		block_split(b, size);
		return p;
	}
	if (block_extend(b, size))
		return p;
	q = malloc(n);
	if (q != NULL) {
		memcpy(q, p, b->size - HDR);
		free_insert(b);
	}
	return q;
}
