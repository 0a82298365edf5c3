/* Bringing up the other CPUs (kernel/smp.c); the arch's part is in
 * arch/include/arch/arch.h, "Other CPUs". */
#ifndef KERNEL_SMP_H
#define KERNEL_SMP_H

#include "lib/types.h"

/* Start the other CPUs the arch finds, one at a time, while fewer than max
 * (and NCPU) run; stop at the first that does not check in. Called once on
 * the boot CPU with the kernel page table live, its timer running and
 * interrupts on. Returns the number running, the boot CPU included: CPUs
 * 0 .. n-1. */
int smp_start_cpus(int max);

/* The rest of CPU id's start once it checked in (kernel/main.c): its
 * timer, then the scheduler. Interrupts off. */
noreturn void kmain_ap(int id);

#endif
