/*
 * Waiting below the scheduler (lib/wait.c) and sleep locks
 * (lib/sleeplock.c), over the host's single-threaded wait ops: what works
 * before any ops are registered, what panics then, and a sleep lock's
 * holder, its wakeups and its misuses.
 */
#include "lib/sleeplock.h"
#include "lib/wait.h"
#include "tests/host/host.h"

static void do_pause_unregistered(void *unused)
{
	(void)unused;
	wait_register(NULL);
	wait_pause();
}

static void do_sleep_unregistered(void *lk)
{
	wait_register(NULL);
	spin_lock(lk);
	wait_sleep(lk, lk);
}

/* Before the scheduler registers its ops and names a thread, nobody is
 * running (wait_self is NULL), a wakeup does nothing, and a sleep or a
 * pause panics. */
static void test_wait_unregistered(void)
{
	struct spinlock lk = SPINLOCK_INIT("test");
	unsigned wakeups = host_waits.wakeups;

	wait_register(NULL);
	wait_set_self(NULL);
	CHECK(wait_self() == NULL);
	wait_wakeup(&lk);
	host_wait_init();
	CHECK_EQ(host_waits.wakeups, wakeups);
	CHECK(wait_self() != NULL);
	CHECK_PANICS(do_pause_unregistered, NULL, "before the scheduler");
	CHECK_PANICS(do_sleep_unregistered, &lk, "before the scheduler");
}

/* The registered ops are the ones called. */
static void test_wait_registered(void)
{
	struct host_waits before = host_waits;

	wait_pause();
	wait_wakeup(&before);
	CHECK_EQ(host_waits.pauses, before.pauses + 1);
	CHECK_EQ(host_waits.wakeups, before.wakeups + 1);
}

static void do_lock_twice(void *lk)
{
	sleeplock_lock(lk);
	sleeplock_lock(lk);
}

static void do_unlock_free(void *lk)
{
	sleeplock_unlock(lk);
}

/* A lock another thread holds: taking it must sleep, which the host
 * cannot do. */
static void do_lock_contended(void *lk)
{
	struct sleeplock *l = lk;

	l->state = SLEEPLOCK_TAKEN;
	l->holder = "another thread";
	sleeplock_lock(l);
}

/* The holder is the caller; unlocking wakes the sleepers (only when one
 * said it waits); taking it twice,
 * letting go of it free, or waiting for another holder panics. */
static void test_sleeplock(void)
{
	struct sleeplock lk;
	unsigned wakeups;

	sleeplock_init(&lk, "test");
	CHECK(!sleeplock_held(&lk));
	sleeplock_lock(&lk);
	CHECK(sleeplock_held(&lk));
	CHECK(lk.holder == wait_self());
	wakeups = host_waits.wakeups;
	sleeplock_unlock(&lk);
	CHECK_EQ(host_waits.wakeups, wakeups); /* nobody waited */
	sleeplock_lock(&lk);
	lk.state = SLEEPLOCK_WANTED; /* as a sleeper marks it */
	sleeplock_unlock(&lk);
	CHECK_EQ(host_waits.wakeups, wakeups + 1);
	CHECK_EQ(lk.state, (uint32_t)SLEEPLOCK_FREE);
	CHECK(!sleeplock_held(&lk));
	CHECK_PANICS(do_lock_twice, &lk, "test already held by its caller");
	CHECK_PANICS(do_unlock_free, &lk, "test not held by its caller");
	CHECK_PANICS(do_lock_contended, &lk, "no other thread can wake it");
	CHECK(!sleeplock_held(&lk));
}

const struct test wait_tests[] = {
    {"wait_unregistered", test_wait_unregistered, false},
    {"wait_registered", test_wait_registered, false},
    {"sleeplock", test_sleeplock, false},
    {NULL, NULL, false},
};
