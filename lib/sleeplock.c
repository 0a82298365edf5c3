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

/* Sleep until lk is ours. A sleeper marks it SLEEPLOCK_WANTED in the same
 * exchange that finds it taken, under the guard: the holder's unlock then
 * sees WANTED and wakes it, through the guard, which the sleeper holds
 * until it sleeps. Taken this way it stays WANTED (another sleeper may
 * remain), which costs its unlock at most one needless wakeup. A killed
 * thread keeps waiting: the holder lets go in bounded time (it holds the
 * lock only around work on one address space), and the caller unwinds
 * through code that expects to hold the lock. */
void sleeplock_lock_slow(struct sleeplock *lk)
{
	spin_lock(&lk->guard);
	while (__atomic_exchange_n(&lk->state, SLEEPLOCK_WANTED,
				   __ATOMIC_ACQUIRE) != SLEEPLOCK_FREE)
		wait_sleep(lk, &lk->guard);
	spin_unlock(&lk->guard);
}

/* Every sleeper wakes and tries again. */
void sleeplock_wake(struct sleeplock *lk)
{
	spin_lock(&lk->guard);
	wait_wakeup(lk);
	spin_unlock(&lk->guard);
}

void sleeplock_misuse(const char *fn, struct sleeplock *lk, const char *what)
{
	panic("%s: %s %s", fn, lk->name, what);
}

bool sleeplock_held(struct sleeplock *lk)
{
	return __atomic_load_n(&lk->state, __ATOMIC_ACQUIRE) !=
		   SLEEPLOCK_FREE &&
	       sleeplock_holder(lk) == wait_self();
}
