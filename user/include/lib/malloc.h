/* A heap for user programs: first-fit over a list of blocks, growing the
 * heap with sbrk. Blocks are aligned to 16 bytes. */
#ifndef LIB_MALLOC_H
#define LIB_MALLOC_H

#include <lib/stddef.h>

/* Return: n bytes, or NULL when sbrk finds no room (also for n == 0). */
void *malloc(size_t n);
/* Give back a block from malloc, calloc or realloc; NULL is ignored. */
void free(void *p);
/* Return: n * size zeroed bytes, or NULL on overflow or no room. */
void *calloc(size_t n, size_t size);
/* Resize p (NULL: malloc) to n bytes, keeping its contents; on failure
 * return NULL and leave p alone. */
void *realloc(void *p, size_t n);

#endif
