/*
 * The other CPUs' check-in, the same on every arch. The boot CPU starts
 * them one at a time through arch_start_cpu; each arrives in
 * smp_cpu_entry on its own kernel stack and checks in, or the boot CPU
 * gives up on it after a second and starts no more.
 *
 *   boot CPU: smp_start_cpus               CPU id
 *     stack = kstack_alloc()
 *     cpus[id] = {.self, .id}, STARTING
 *     arch_start_cpu(id, stack) ---------> the arch's way in, on stack
 *       smp_wait_check_in(id)             smp_cpu_entry(id)
 *         <= 1 s for RUNNING                arch_cpu_set(&cpus[id])
 *                                           arch_init_cpu(id)
 *                                           the kernel page table
 *         <------------------------------   STARTING -> RUNNING
 *     next id                               vpmap_activate, kmain_ap(id)
 *
 * Both sides leave STARTING with one compare-and-swap, so exactly one of
 * them wins: the CPU (RUNNING) or the boot CPU's time-out (ABANDONED). A
 * CPU that loses has set up only its own registers and tables and waits
 * for interrupts for good; its stack and id stay taken (it may still be
 * standing on the one and its tables use the other).
 */
#include "kernel/smp.h"

#include <arch/arch.h>

#include "kernel/timer.h"
#include "lib/cpu.h"
#include "lib/kprintf.h"
#include "mm/kstack.h"
#include "mm/vpmap.h"

/* How long a CPU may take from arch_start_cpu to checking in: a second,
 * in ticks of the boot CPU's timer, one more than that so that a wait
 * started just before a tick still lasts the second. */
#define CHECK_IN_TICKS (TIMER_HZ + 1)

enum cpu_state {
	CPU_OFF,       /* never started */
	CPU_STARTING,  /* arch_start_cpu called, not checked in */
	CPU_RUNNING,   /* checked in: on its way into kmain_ap */
	CPU_ABANDONED, /* too late: waits forever if it ever arrives */
};

static uint32_t cpu_state[NCPU]; /* enum cpu_state, changed atomically */

/* Move CPU id from STARTING to `to`; false when the other side moved it
 * first. */
static bool leave_starting(int id, uint32_t to)
{
	uint32_t from = CPU_STARTING;

	return __atomic_compare_exchange_n(&cpu_state[id], &from, to, false,
					   __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

/* Has CPU id checked in? */
static bool checked_in(int id)
{
	return __atomic_load_n(&cpu_state[id], __ATOMIC_ACQUIRE) == CPU_RUNNING;
}

bool smp_wait_check_in(int id)
{
	uint64_t start = timer_ticks();

	if (!arch_intr_enabled())
		panic(
		    "smp_wait_check_in: interrupts off, the ticks stand still");
	while (timer_ticks() - start < CHECK_IN_TICKS)
		if (checked_in(id))
			return true;
	if (!leave_starting(id, CPU_ABANDONED))
		return true; /* it checked in at the very last moment */
	kprintf("smp: %s did not check in within 1 s\n", arch_cpu_name(id));
	return false;
}

/* Where a CPU given up on stays: not online, it gets no IPI, and its timer
 * was never started, so nothing wakes it. */
static noreturn void wait_forever(void)
{
	for (;;) {
		arch_intr_disable();
		arch_wait_for_interrupt();
	}
}

/* The kernel's page table is loaded before the check-in (x86_64's way in
 * has a table of its own, freed once the CPU checked in) but recorded by
 * vpmap only after it: until then the CPU writes nothing shared. */
noreturn void smp_cpu_entry(int id)
{
	arch_cpu_set(&cpus[id]);
	arch_init_cpu(id);
	arch_set_root(vpmap_kernel()->root);
	if (!leave_starting(id, CPU_RUNNING))
		wait_forever();
	vpmap_activate(vpmap_kernel());
	kmain_ap(id);
}

/* Start CPU id on a kernel stack of its own and wait for it to check in;
 * false when it does not run. The stack is freed only when nothing can
 * be running on it: the arch never started the CPU. */
static bool start_cpu(int id)
{
	void *stack = kstack_alloc();

	if (!stack) {
		kprintf("smp: no kernel stack for cpu %d\n", id);
		return false;
	}
	cpus[id].self = &cpus[id];
	cpus[id].id = id;
	__atomic_store_n(&cpu_state[id], CPU_STARTING, __ATOMIC_RELEASE);
	if (arch_start_cpu(id, stack))
		return true;
	if (leave_starting(id, CPU_OFF))
		kstack_free(stack);
	return false;
}

int smp_start_cpus(int max)
{
	int n = 1;

	while (n < MIN(max, NCPU) && start_cpu(n))
		n++;
	return n;
}
