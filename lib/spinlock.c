/* Spinlocks with interrupts off while held (see spinlock.h). */
#include "lib/spinlock.h"

#include "lib/cpu.h"
#include "lib/ipi.h"
#include "lib/kprintf.h"

void spin_init(struct spinlock *lk, const char *name)
{
	lk->locked = 0;
	lk->name = name;
	lk->owner = NULL;
}

/* Spin with interrupts off until lk is free, answering other CPUs' IPI
 * requests meanwhile: the holder may be waiting for this CPU to flush its
 * TLB (tlb_shootdown). */
void spin_lock(struct spinlock *lk)
{
	intr_push();
	if (spin_holding(lk))
		panic("spin_lock: %s already held by this CPU", lk->name);
	while (__atomic_exchange_n(&lk->locked, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&lk->locked, __ATOMIC_RELAXED))
			ipi_poll();
	lk->owner = mycpu();
}

void spin_unlock(struct spinlock *lk)
{
	if (!spin_holding(lk))
		panic("spin_unlock: %s not held by this CPU", lk->name);
	lk->owner = NULL;
	__atomic_store_n(&lk->locked, 0, __ATOMIC_RELEASE);
	intr_pop();
}

bool spin_holding(struct spinlock *lk)
{
	return lk->locked && lk->owner == mycpu();
}
