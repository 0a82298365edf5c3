/* Sleep locks (see sleeplock.h). */
#include "lib/sleeplock.h"

#include "lib/kprintf.h"
#include "lib/wait.h"

void sleeplock_init(struct sleeplock *lk, const char *name)
{
	spin_init(&lk->guard, name);
	lk->locked = 0;
	lk->waiters = 0;
	lk->holder = NULL;
	lk->name = name;
}

/* Take lk if it is free (one compare-and-swap). */
static bool try_take(struct sleeplock *lk)
{
	uint32_t free = 0;

	return __atomic_compare_exchange_n(&lk->locked, &free, 1, false,
					   __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);
}

/* Sleep until lk is ours. A sleeper says so (waiters) before its last
 * look, under the guard: either that look finds lk free, or the holder's
 * unlock, which lets go before it reads waiters, sees it and wakes it,
 * through the guard, which the sleeper holds until it sleeps. A killed
 * thread keeps waiting: the holder lets go in bounded time (it holds the
 * lock only around work on one address space), and the caller unwinds
 * through code that expects to hold the lock. */
static void lock_slow(struct sleeplock *lk)
{
	spin_lock(&lk->guard);
	for (;;) {
		__atomic_store_n(&lk->waiters, 1, __ATOMIC_SEQ_CST);
		if (try_take(lk))
			break;
		wait_sleep(lk, &lk->guard);
	}
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
	if (!__atomic_load_n(&lk->locked, __ATOMIC_RELAXED) ||
	    holder(lk) != wait_self())
		panic("sleeplock_unlock: %s not held by its caller", lk->name);
	__atomic_store_n(&lk->holder, NULL, __ATOMIC_RELAXED);
	__atomic_store_n(&lk->locked, 0, __ATOMIC_SEQ_CST);
	if (!__atomic_load_n(&lk->waiters, __ATOMIC_SEQ_CST))
		return;
	/* Every sleeper wakes and looks again; the ones that lose set
	 * waiters again. */
	spin_lock(&lk->guard);
	__atomic_store_n(&lk->waiters, 0, __ATOMIC_RELAXED);
	wait_wakeup(lk);
	spin_unlock(&lk->guard);
}

bool sleeplock_held(struct sleeplock *lk)
{
	return __atomic_load_n(&lk->locked, __ATOMIC_ACQUIRE) &&
	       holder(lk) == wait_self();
}
