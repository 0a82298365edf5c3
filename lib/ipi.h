/*
 * Interrupts between CPUs: kicking an idle CPU, TLB shootdown, and running
 * a function on another CPU. The arch sends one kind of IPI
 * (arch_send_ipi) and calls ipi_receive when one arrives; what the IPI
 * asked for is in memory (docs/smp.md, "IPIs").
 */
#ifndef SUPPORT_IPI_H
#define SUPPORT_IPI_H

#include "lib/types.h"

/* Mark the calling CPU as one that takes IPIs. Each CPU calls it once,
 * with its kernel root loaded, before it runs any process. */
void ipi_cpu_online(void);

/* Is CPU id online (taking IPIs)? */
bool ipi_cpu_is_online(int id);

/* Called by the arch, interrupts off, for each IPI this CPU takes (after
 * acknowledging it): do whatever the other CPUs asked of this one. */
void ipi_receive(void);

/* Do what other CPUs asked of this one without waiting for the IPI: called
 * wherever a CPU spins with interrupts off (spin_lock, the waits below), so
 * two CPUs that wait on each other both make progress. Interrupts off. */
void ipi_poll(void);

/* A set of CPUs for tlb_shootdown: bit i is CPU i. */
#define CPUS_ALL (~0ull)

/*
 * Make every online CPU of the set forget every cached translation
 * (whole TLB and paging-structure caches) and return once all have; the
 * calling CPU flushes too when it is in the set. After it returns, no CPU
 * of the set can use a translation that existed before the call. Callable
 * with locks held and interrupts off or on.
 */
void tlb_shootdown(uint64_t set);

/* Wake one idle CPU other than the caller, if any, to look at the run
 * queue now rather than at its next tick. */
void ipi_kick_idle(void);

/* Mark this CPU idle and wait for an interrupt unless has_work() says
 * there is work (checked after the mark, so a kick cannot be missed).
 * Called with interrupts off; returns with them on. */
void ipi_idle_wait(bool (*has_work)(void));

/* Run fn(arg) on online CPU id, in its IPI handler or wherever it polls
 * (interrupts off, and possibly holding any lock: fn must take none), and
 * return when it has run; on the caller's CPU it is a plain call. */
void ipi_call(int id, void (*fn)(void *), void *arg);

/* Total IPIs CPU id has received. */
uint64_t ipi_received(int id);

#endif
