/* A first-fit allocator. Every block, free or used, starts with a header
 * and sits on one list in address order; the heap grows with sbrk when no
 * free block fits. Neighbouring free blocks merge when one is freed. */
#include <lib/malloc.h>
#include <lib/string.h>
#include <lib/usyscall.h>

#define ALIGN 16

struct block {
	size_t size;	    /* usable bytes after the header */
	struct block *next; /* the next block at a higher address */
	bool free;
} __attribute__((aligned(ALIGN)));

static struct block *heap_first, *heap_last;

static size_t align_up(size_t n)
{
	return (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
}

/* Return: the address just past b's payload. */
static char *block_end(struct block *b)
{
	return (char *)(b + 1) + b->size;
}

/* Merge b with the free blocks that follow it directly in memory. */
static void block_merge(struct block *b)
{
	while (b->next != NULL && b->next->free &&
	       block_end(b) == (char *)b->next) {
		if (heap_last == b->next)
			heap_last = b;
		b->size += sizeof(struct block) + b->next->size;
		b->next = b->next->next;
	}
}

/* Cut b down to size bytes when the rest can hold another block; the rest
 * becomes a free block, merged with a free one after it. */
static void block_split(struct block *b, size_t size)
{
	struct block *rest;

	if (b->size < size + sizeof(struct block) + ALIGN)
		return;
	rest = (struct block *)((char *)(b + 1) + size);
	*rest = (struct block){b->size - size - sizeof(*rest), b->next, true};
	b->size = size;
	b->next = rest;
	if (heap_last == b)
		heap_last = rest;
	block_merge(rest);
}

/* Grow the heap by a block of size bytes (sbrk'd memory may not follow the
 * last block if the program called sbrk itself).
 * Return: the new used block, or NULL when sbrk fails. */
static struct block *heap_grow(size_t size)
{
	char *brk = sbrk(0);
	size_t pad = align_up((uintptr_t)brk) - (uintptr_t)brk;
	size_t total = pad + sizeof(struct block) + size;
	struct block *b;

	if ((intptr_t)brk < 0 || total < size || (ssize_t)total < 0 ||
	    (intptr_t)sbrk(total) < 0)
		return NULL;
	b = (struct block *)(brk + pad);
	*b = (struct block){size, NULL, false};
	if (heap_last != NULL)
		heap_last->next = b;
	else
		heap_first = b;
	heap_last = b;
	return b;
}

void *malloc(size_t n)
{
	size_t size = align_up(n);
	struct block *b;

	if (n == 0 || size < n)
		return NULL;
	for (b = heap_first; b != NULL; b = b->next) {
		if (b->free && b->size >= size) {
			b->free = false;
			block_split(b, size);
			return b + 1;
		}
	}
	b = heap_grow(size);
	return b != NULL ? b + 1 : NULL;
}

/* Free p, merging it with free neighbours on both sides. */
void free(void *p)
{
	struct block *b, *prev = NULL;

	if (p == NULL)
		return;
	b = (struct block *)p - 1;
	b->free = true;
	block_merge(b);
	for (struct block *q = heap_first; q != b; q = q->next)
		prev = q;
	if (prev != NULL && prev->free)
		block_merge(prev);
}

void *calloc(size_t n, size_t size)
{
	size_t total = n * size;
	void *p;

	if (size != 0 && total / size != n)
		return NULL;
	p = malloc(total);
	if (p != NULL)
		memset(p, 0, total);
	return p;
}

/* Shrink in place, or move to a new block when p's is too small. */
void *realloc(void *p, size_t n)
{
	struct block *b;
	void *q;

	if (p == NULL)
		return malloc(n);
	b = (struct block *)p - 1;
	if (n <= b->size) {
		block_split(b, align_up(n));
		return p;
	}
	q = malloc(n);
	if (q != NULL) {
		memcpy(q, p, b->size);
		free(p);
	}
	return q;
}
