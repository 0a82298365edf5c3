/*
 * Kernel stacks for processes: KSTACK_SIZE bytes each, in KSTACK_AREA, with
 * an unmapped guard page below every stack, so an overflow faults instead
 * of overwriting a neighbour.
 *
 *   KSTACK_AREA: | guard | stack 0 (4 pages) | guard | stack 1 | ...
 */
#ifndef MM_KSTACK_H
#define MM_KSTACK_H

#include "kernel/types.h"

/* Create the area's page tables in the kernel root (from kmap_init). */
void kstack_init(void);
/* A fresh kernel stack; returns its top (highest address, exclusive), or
 * NULL when memory or stack slots run out. */
void *kstack_alloc(void);
/* Free a stack kstack_alloc returned (given by its top). */
void kstack_free(void *top);

#endif
