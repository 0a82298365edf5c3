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

enum {
	SLEEPLOCK_FREE,
	SLEEPLOCK_TAKEN,
	SLEEPLOCK_WANTED, /* taken, and someone may sleep for it */
};

struct sleeplock {
	uint32_t state;	       /* atomic: SLEEPLOCK_FREE, _TAKEN, _WANTED */
	const void *holder;    /* wait_self() of the holder, for the checks */
	struct spinlock guard; /* a sleeper's check and sleep vs the wakeup */
	const char *name;
};

void sleeplock_init(struct sleeplock *lk, const char *name);
/* Take lk, sleeping while someone else holds it. No spinlock may be held
 * (the caller may sleep; with interrupts off too, as in a page fault: the
 * scheduler turns them on for whoever runs meanwhile). Untaken, it costs one
 * compare-and-swap: no spinlock, interrupts left as they are. */
void sleeplock_lock(struct sleeplock *lk);
/* Let go of lk; wakes its sleepers, if any (one atomic exchange if
 * none). */
void sleeplock_unlock(struct sleeplock *lk);
/* Does the calling thread hold lk? */
bool sleeplock_held(struct sleeplock *lk);

#endif
