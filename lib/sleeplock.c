/* Sleep locks (see sleeplock.h). */
#include "lib/sleeplock.h"

#include "lib/kprintf.h"
#include "lib/wait.h"

void sleeplock_init(struct sleeplock *lk, const char *name)
{
	spin_init(&lk->guard, name);
	lk->state = SLEEPLOCK_FREE;
	lk->holder = NULL;
	lk->name = name;
}

/* Take lk if it is free (one compare-and-swap). */
static bool try_take(struct sleeplock *lk)
{
	uint32_t free = SLEEPLOCK_FREE;

	return __atomic_compare_exchange_n(&lk->state, &free, SLEEPLOCK_TAKEN,
					   false, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED);
}

/* Sleep until lk is ours. A sleeper marks it SLEEPLOCK_WANTED in the same
 * exchange that finds it taken, under the guard: the holder's unlock then
 * sees WANTED and wakes it, through the guard, which the sleeper holds
 * until it sleeps. Taken this way it stays WANTED (another sleeper may
 * remain), which costs its unlock at most one needless wakeup. A killed
 * thread keeps waiting: the holder lets go in bounded time (it holds the
 * lock only around work on one address space), and the caller unwinds
 * through code that expects to hold the lock. */
static void lock_slow(struct sleeplock *lk)
{
	spin_lock(&lk->guard);
	while (__atomic_exchange_n(&lk->state, SLEEPLOCK_WANTED,
				   __ATOMIC_ACQUIRE) != SLEEPLOCK_FREE)
		wait_sleep(lk, &lk->guard);
	spin_unlock(&lk->guard);
}

static const void *holder(struct sleeplock *lk)
{
	return __atomic_load_n(&lk->holder, __ATOMIC_RELAXED);
}

void sleeplock_lock(struct sleeplock *lk)
{
	const void *self = wait_self();

	if (holder(lk) == self)
		panic("sleeplock_lock: %s already held by its caller",
		      lk->name);
	if (!try_take(lk))
		lock_slow(lk);
	__atomic_store_n(&lk->holder, self, __ATOMIC_RELAXED);
}

void sleeplock_unlock(struct sleeplock *lk)
{
	if (__atomic_load_n(&lk->state, __ATOMIC_RELAXED) == SLEEPLOCK_FREE ||
	    holder(lk) != wait_self())
		panic("sleeplock_unlock: %s not held by its caller", lk->name);
	__atomic_store_n(&lk->holder, NULL, __ATOMIC_RELAXED);
	if (__atomic_exchange_n(&lk->state, SLEEPLOCK_FREE, __ATOMIC_RELEASE) !=
	    SLEEPLOCK_WANTED)
		return;
	/* Every sleeper wakes and tries again. */
	spin_lock(&lk->guard);
	wait_wakeup(lk);
	spin_unlock(&lk->guard);
}

bool sleeplock_held(struct sleeplock *lk)
{
	return __atomic_load_n(&lk->state, __ATOMIC_ACQUIRE) !=
		   SLEEPLOCK_FREE &&
	       holder(lk) == wait_self();
}
