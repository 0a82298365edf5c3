/*
 * arch_cpu for the host tests, found before the arch's own percpu.h (the
 * host build puts tests/host/include first): a function of
 * tests/host/host_arch.c, which switches between simulated CPUs.
 */
#ifndef ARCH_PERCPU_H
#define ARCH_PERCPU_H

struct cpu;

/* The simulated CPU running now. */
struct cpu *arch_cpu(void);

#endif
