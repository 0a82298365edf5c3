/*
 * What lib/wait.c asks of the scheduler, for a host process: one thread of
 * control that never sleeps and counts its pauses (see host.h).
 */
#include "tests/host/host.h"

#include "lib/kprintf.h"
#include "lib/wait.h"

struct host_waits host_waits;

/* The one thread's token: who holds a sleep lock. */
static const char host_thread[] = "host";

/* Nothing else runs to wake a sleeper: a sleep would never end. */
static bool host_sleep(const void *chan, struct spinlock *lk)
{
	(void)lk;
	panic("host: wait_sleep(%p): no other thread can wake it", chan);
}

/* Counted: nobody sleeps, so there is nobody to make runnable. */
static void host_wakeup(const void *chan)
{
	(void)chan;
	host_waits.wakeups++;
}

/* Counted, and the test's hook runs in place of the other threads. */
static void host_pause(void)
{
	host_waits.pauses++;
	if (host_waits.on_pause)
		host_waits.on_pause();
}

static const struct wait_ops host_wait_ops = {
    .sleep = host_sleep,
    .wakeup = host_wakeup,
    .pause = host_pause,
};

/* The one thread runs on whichever CPU a test simulates. */
void host_wait_init(void)
{
	wait_register(&host_wait_ops);
	for (int i = 0; i < NCPU; i++)
		cpus[i].thread = host_thread;
}
