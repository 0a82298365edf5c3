/* A heap for user programs over sbrk (user/lib/malloc.c): first fit from an
 * address-ordered free list whose neighbours merge. Every pointer returned
 * is 16-byte aligned. The heap is untouched until the first allocation.
 * Freeing a pointer twice, or one these functions did not return, prints
 * "ERROR: malloc: double free" or "ERROR: malloc: free of a pointer it did
 * not return" on fd 2 and exits with status 1, where the block's header
 * lets it tell; realloc checks its pointer the same way. */
#ifndef LIB_MALLOC_H
#define LIB_MALLOC_H

#include <lib/stddef.h>

/* Return: n bytes, 16-byte aligned; NULL for n == 0, or when sbrk finds no
 * room (ERR_NOMEM) or n is larger than any heap could be. */
void *malloc(size_t n);
/* Give back a block from malloc, calloc or realloc; NULL is ignored. */
void free(void *p);
/* Return: n * size zeroed bytes; NULL if that is 0, overflows, or finds no
 * room. */
void *calloc(size_t n, size_t size);
/* Resize p to n bytes, keeping its contents up to the smaller size; in
 * place when it shrinks or the block after it is free. p == NULL: malloc(n);
 * n == 0: free(p) and return NULL. Return: the block, or NULL on failure,
 * leaving p allocated and unchanged. */
void *realloc(void *p, size_t n);

#endif
