/*
 * Waiting, for the layers below the scheduler. The scheduler lives in
 * kernel/, above mm/ and this layer, yet a page fault in mm/ may have to
 * wait (for a disk, for an address space's lock): so kernel/ hands its
 * sleep and wakeup to this layer at boot (wait_register), and everything
 * below it waits through these calls. Before that, and in the host tests,
 * nothing is ever contended, and a wait that would sleep panics.
 */
#ifndef SUPPORT_WAIT_H
#define SUPPORT_WAIT_H

#include "lib/cpu.h"
#include "lib/types.h"

struct spinlock;

struct wait_ops {
	/* Sleep on chan until a wakeup(chan); lk, held, is released while
	 * asleep and held again on return. False when the sleeper was
	 * killed meanwhile (it should stop waiting and unwind). */
	bool (*sleep)(const void *chan, struct spinlock *lk);
	/* Make every sleeper on chan runnable. */
	void (*wakeup)(const void *chan);
	/* Give up the CPU for a while: until every other runnable thread
	 * has had its turn (the test knob that makes every page fault
	 * wait). */
	void (*pause)(void);
};

/* Install the scheduler's operations (kernel/proc.c, once, at boot). */
void wait_register(const struct wait_ops *ops);

/* The registered operations, or a panic when the caller would sleep and
 * none are registered (see above). */
bool wait_sleep(const void *chan, struct spinlock *lk);
void wait_wakeup(const void *chan);
void wait_pause(void);
/* Name the thread of control that runs on this CPU from now on (the
 * scheduler, at each switch; NULL: none). */
void wait_set_self(const void *token);

/* The running thread's token (who holds a sleep lock); NULL when no thread
 * was named here. Inline and one load, for it is read on every fault:
 * the kernel never preempts itself, so a thread changes CPUs only when it
 * sleeps, and the record read is its own. */
static inline const void *wait_self(void)
{
	return mycpu()->thread;
}

#endif
