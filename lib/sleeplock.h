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
#include "lib/wait.h"

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

/* The out-of-line halves of the calls below: sleeping for a taken lock,
 * waking its sleepers, and the panic on a misuse ("fn: name what"). */
void sleeplock_lock_slow(struct sleeplock *lk);
void sleeplock_wake(struct sleeplock *lk);
noreturn void sleeplock_misuse(const char *fn, struct sleeplock *lk,
			       const char *what);

static inline const void *sleeplock_holder(struct sleeplock *lk)
{
	return __atomic_load_n(&lk->holder, __ATOMIC_RELAXED);
}

/* Take lk, sleeping while someone else holds it. No spinlock may be held
 * (the caller may sleep; with interrupts off too, as in a page fault: the
 * scheduler turns them on for whoever runs meanwhile). Untaken, it costs one
 * compare-and-swap: no spinlock, interrupts left as they are, no call (it
 * is taken on every page fault). */
static inline void sleeplock_lock(struct sleeplock *lk)
{
	const void *self = wait_self();
	uint32_t free = SLEEPLOCK_FREE;

	if (sleeplock_holder(lk) == self)
		sleeplock_misuse("sleeplock_lock", lk, "already held by its caller");
	if (!__atomic_compare_exchange_n(&lk->state, &free, SLEEPLOCK_TAKEN,
					 false, __ATOMIC_ACQUIRE,
					 __ATOMIC_RELAXED))
		sleeplock_lock_slow(lk);
	__atomic_store_n(&lk->holder, self, __ATOMIC_RELAXED);
}

/* Let go of lk; wakes its sleepers, if any (one atomic exchange if
 * none). */
static inline void sleeplock_unlock(struct sleeplock *lk)
{
	if (__atomic_load_n(&lk->state, __ATOMIC_RELAXED) == SLEEPLOCK_FREE ||
	    sleeplock_holder(lk) != wait_self())
		sleeplock_misuse("sleeplock_unlock", lk, "not held by its caller");
	__atomic_store_n(&lk->holder, NULL, __ATOMIC_RELAXED);
	if (__atomic_exchange_n(&lk->state, SLEEPLOCK_FREE, __ATOMIC_RELEASE) ==
	    SLEEPLOCK_WANTED)
		sleeplock_wake(lk);
}

/* Does the calling thread hold lk? */
bool sleeplock_held(struct sleeplock *lk);

#endif
