/*
 * Spinlocks. Holding one keeps interrupts off on this CPU (so an interrupt
 * handler cannot deadlock against the code it interrupted), and nesting
 * works: interrupts come back on only when the last lock is released.
 * Acquiring a lock the same CPU already holds panics.
 */
#ifndef SUPPORT_SPINLOCK_H
#define SUPPORT_SPINLOCK_H

#include "lib/types.h"

struct cpu;

struct spinlock {
	volatile uint32_t locked;
	const char *name;  /* for panic messages */
	struct cpu *owner; /* CPU holding it, for the recursion check */
};

#define SPINLOCK_INIT(n)                                                       \
	{                                                                      \
		.locked = 0, .name = (n), .owner = NULL                        \
	}

void spin_init(struct spinlock *lk, const char *name);
void spin_lock(struct spinlock *lk);
void spin_unlock(struct spinlock *lk);
/* Does this CPU hold lk? */
bool spin_holding(struct spinlock *lk);

#endif
