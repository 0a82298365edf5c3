/* Sleep locks (see sleeplock.h). */
#include "lib/sleeplock.h"

#include "lib/kprintf.h"
#include "lib/wait.h"

void sleeplock_init(struct sleeplock *lk, const char *name)
{
	spin_init(&lk->guard, name);
	lk->locked = false;
	lk->holder = NULL;
	lk->name = name;
}

/* A killed thread keeps waiting: the holder lets go in bounded time (it
 * holds the lock only around work on one address space), and the caller
 * unwinds through code that expects to hold the lock. */
void sleeplock_lock(struct sleeplock *lk)
{
	spin_lock(&lk->guard);
	if (lk->locked && lk->holder == wait_self())
		panic("sleeplock_lock: %s already held by its caller",
		      lk->name);
	while (lk->locked)
		wait_sleep(lk, &lk->guard);
	lk->locked = true;
	lk->holder = wait_self();
	spin_unlock(&lk->guard);
}

void sleeplock_unlock(struct sleeplock *lk)
{
	spin_lock(&lk->guard);
	if (!lk->locked || lk->holder != wait_self())
		panic("sleeplock_unlock: %s not held by its caller", lk->name);
	lk->locked = false;
	lk->holder = NULL;
	wait_wakeup(lk);
	spin_unlock(&lk->guard);
}

bool sleeplock_held(struct sleeplock *lk)
{
	bool held;

	spin_lock(&lk->guard);
	held = lk->locked && lk->holder == wait_self();
	spin_unlock(&lk->guard);
	return held;
}
