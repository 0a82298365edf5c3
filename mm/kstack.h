/*
 * Kernel stacks for processes: KSTACK_SIZE bytes each, in KSTACK_AREA, with
 * an unmapped guard page below every stack, so an overflow faults instead
 * of overwriting a neighbour.
 *
 *   KSTACK_AREA: | guard | stack 0 (4 pages) | guard | stack 1 | ...
 */
#ifndef MM_KSTACK_H
#define MM_KSTACK_H

/* A kernel fault on a write this close to sp (either side) is a stack
 * running into its guard page. Usable from assembly: RISC-V's trap entry
 * must decide before it has a free register to call C with. */
#define KSTACK_OVERFLOW_REACH 8192

#ifndef __ASSEMBLY__
#include "lib/types.h"

/* Create the area's page tables in the kernel's pmap (from kmap_init). */
void kstack_init(void);
/* A kernel stack (from the cache when a cached slot is free, else fresh
 * frames); returns its top (highest address, exclusive), or
 * NULL when memory or stack slots run out. */
void *kstack_alloc(void);
/* Free a stack kstack_alloc returned (given by its top). The first few
 * slots are a cache: their stacks stay mapped, for the next kstack_alloc
 * (no shootdown). Any other is unmapped, every CPU shot down, and only
 * then are its frames freed. The shootdown waits for
 * every other CPU: better called without locks that they may be spinning
 * for (kernel/proc.c frees a zombie's stack after proc_lock). */
void kstack_free(void *top);

/* Is a kernel write fault at addr, with the stack pointer at sp, a stack
 * overflow (addr within KSTACK_OVERFLOW_REACH of sp)? */
bool kstack_overflowed(uintptr_t addr, uintptr_t sp);
/* Panic for a kernel stack overflow: the write at addr by the instruction
 * at pc, with the stack pointer at sp and frame pointer fp (the one line
 * both arches print). */
noreturn void kstack_overflow_panic(uintptr_t pc, uintptr_t fp, uintptr_t addr,
				    uintptr_t sp);
#endif

#endif
