/* Waiting below the scheduler (see wait.h). */
#include "lib/wait.h"

#include "lib/kprintf.h"

static const struct wait_ops *ops;

void wait_register(const struct wait_ops *o)
{
	ops = o;
}

bool wait_sleep(const void *chan, struct spinlock *lk)
{
	if (!ops)
		panic("wait_sleep: nothing can sleep before the scheduler");
	return ops->sleep(chan, lk);
}

void wait_wakeup(const void *chan)
{
	if (ops)
		ops->wakeup(chan);
}

void wait_pause(void)
{
	if (!ops)
		panic("wait_pause: nothing can sleep before the scheduler");
	ops->pause();
}

void wait_set_self(const void *token)
{
	mycpu()->thread = token;
}
