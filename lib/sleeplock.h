/*
 * Sleep locks: a lock its holder may keep while it sleeps (waiting for a
 * disk, or inside a page fault), as opposed to a spinlock, under which
 * nothing may sleep and interrupts are off. A thread that finds it taken
 * sleeps (lib/wait.h) until the holder lets go. Not recursive: taking one
 * that the caller holds panics. Never taken in interrupt handlers.
 */
#ifndef SUPPORT_SLEEPLOCK_H
#define SUPPORT_SLEEPLOCK_H

#include "lib/spinlock.h"

struct sleeplock {
	struct spinlock guard; /* guards the two fields below */
	bool locked;
	const void *holder; /* wait_self() of the holder, for the checks */
	const char *name;
};

void sleeplock_init(struct sleeplock *lk, const char *name);
/* Take lk, sleeping while someone else holds it. Interrupts must be on
 * and no spinlock held (the caller may sleep). */
void sleeplock_lock(struct sleeplock *lk);
void sleeplock_unlock(struct sleeplock *lk);
/* Does the calling thread hold lk? */
bool sleeplock_held(struct sleeplock *lk);

#endif
