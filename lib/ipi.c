/*
 * Interrupts between CPUs (see ipi.h). Every request is a value in memory
 * plus one IPI; the receiver does everything asked of it each time it
 * takes one, or when it polls while spinning. So IPIs may merge, and a
 * CPU that waits with interrupts off never deadlocks with one that waits
 * for it.
 *
 * TLB shootdown by generations: tlb_shootdown takes the next number of
 * tlb_requested; a CPU that reads tlb_requested = g and then flushes has
 * flushed for every request up to g, and publishes g in its tlb_gen.
 */
#include "lib/ipi.h"

#include <arch/arch.h>

#include "lib/cpu.h"
#include "lib/kprintf.h"

static uint64_t tlb_requested; /* generation of the latest shootdown */

/* A function for one CPU to run: the caller owns it and waits for done. */
struct ipi_call {
	void (*fn)(void *);
	void *arg;
	bool done;
};

void ipi_cpu_online(void)
{
	struct cpu *c = mycpu();

	__atomic_store_n(&c->tlb_gen,
			 __atomic_load_n(&tlb_requested, __ATOMIC_ACQUIRE),
			 __ATOMIC_RELEASE);
	__atomic_store_n(&c->online, true, __ATOMIC_SEQ_CST);
}

bool ipi_cpu_is_online(int id)
{
	return id >= 0 && id < NCPU &&
	       __atomic_load_n(&cpus[id].online, __ATOMIC_ACQUIRE);
}

/* Flush this CPU's TLB if a shootdown it has not seen was requested. */
static void tlb_catch_up(struct cpu *c)
{
	uint64_t want = __atomic_load_n(&tlb_requested, __ATOMIC_ACQUIRE);

	if (__atomic_load_n(&c->tlb_gen, __ATOMIC_RELAXED) >= want)
		return;
	arch_tlb_flush_all();
	__atomic_store_n(&c->tlb_gen, want, __ATOMIC_RELEASE);
}

/* Run the function another CPU left for this one, if any. */
static void run_call(struct cpu *c)
{
	struct ipi_call *call = __atomic_load_n(&c->call, __ATOMIC_ACQUIRE);

	if (!call)
		return;
	__atomic_store_n(&c->call, NULL, __ATOMIC_RELAXED);
	call->fn(call->arg);
	__atomic_store_n(&call->done, true, __ATOMIC_RELEASE);
}

void ipi_poll(void)
{
	struct cpu *c = mycpu();

	if (!c->online)
		return;
	tlb_catch_up(c);
	run_call(c);
}

void ipi_receive(void)
{
	struct cpu *c = mycpu();

	__atomic_add_fetch(&c->ipis, 1, __ATOMIC_RELAXED);
	ipi_poll();
}

uint64_t ipi_received(int id)
{
	return __atomic_load_n(&cpus[id].ipis, __ATOMIC_RELAXED);
}

/* Is CPU id, other than self, online and in the set? */
static bool shoot_target(int id, int self, uint64_t set)
{
	return id != self && (set >> id & 1) && ipi_cpu_is_online(id);
}

void tlb_shootdown(uint64_t set)
{
	uint64_t gen;
	int self;

	intr_push();
	self = mycpu()->id;
	gen = __atomic_add_fetch(&tlb_requested, 1, __ATOMIC_ACQ_REL);
	for (int id = 0; id < NCPU; id++)
		if (shoot_target(id, self, set))
			arch_send_ipi(id);
	if (set >> self & 1)
		arch_tlb_flush_all();
	for (int id = 0; id < NCPU; id++)
		while (shoot_target(id, self, set) &&
		       __atomic_load_n(&cpus[id].tlb_gen, __ATOMIC_ACQUIRE) <
			   gen)
			ipi_poll();
	intr_pop();
}

/* Take idle CPU id for one kick (clear its idle flag), so that a burst of
 * wakeups spreads over the idle CPUs instead of kicking one again and
 * again. False if it is not idle or another kicker took it. */
static bool claim_idle(int id)
{
	uint32_t idle = 1;

	return __atomic_load_n(&cpus[id].idle, __ATOMIC_RELAXED) &&
	       __atomic_compare_exchange_n(&cpus[id].idle, &idle, 0, false,
					   __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
}

void ipi_kick_idle(void)
{
	int self;

	intr_push();
	self = mycpu()->id;
	/* Pairs with the fence in ipi_idle_wait: either that CPU sees the
	 * work the caller just queued, or this one sees it idle. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (int id = 0; id < NCPU; id++)
		if (id != self && ipi_cpu_is_online(id) && claim_idle(id)) {
			arch_send_ipi(id);
			break;
		}
	intr_pop();
}

void ipi_idle_wait(bool (*has_work)(void))
{
	struct cpu *c = mycpu();

	__atomic_store_n(&c->idle, 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (has_work())
		arch_intr_enable();
	else
		arch_wait_for_interrupt();
	__atomic_store_n(&c->idle, 0, __ATOMIC_RELAXED);
}

void ipi_call(int id, void (*fn)(void *), void *arg)
{
	struct ipi_call call = {.fn = fn, .arg = arg, .done = false};
	struct ipi_call *none = NULL;

	intr_push();
	if (id == mycpu()->id) {
		fn(arg);
		intr_pop();
		return;
	}
	if (!ipi_cpu_is_online(id))
		panic("ipi_call: cpu %d is not online", id);
	while (!__atomic_compare_exchange_n(&cpus[id].call, &none, &call, false,
					    __ATOMIC_RELEASE,
					    __ATOMIC_RELAXED)) {
		none = NULL;
		ipi_poll();
	}
	arch_send_ipi(id);
	while (!__atomic_load_n(&call.done, __ATOMIC_ACQUIRE))
		ipi_poll();
	intr_pop();
}
