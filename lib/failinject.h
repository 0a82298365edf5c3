/*
 * Injected failures: a test switch that makes chosen operations fail on
 * purpose, so that every caller's unwinding is proved by running it. The
 * kernel command line gives one rule per named injection point:
 *
 *   failinject=alloc:seed=7,p=1/50     each call fails with probability
 *                                      1/50, drawn from seed 7 (default 1)
 *   failinject=alloc:nth=120           the 120th call fails, no other
 *   failinject=alloc:p=1/50;io:nth=3   several points, ';' between rules
 *
 * A point counts its calls from failinject_arm on, except those made
 * while the spared predicate holds (the kernel spares init, the judge)
 * and those whose caller does not ask (an allocation that must not fail).
 * Call k of a point fails when its rule says so for k: nth, when k is N;
 * p=A/B, when a hash of (seed, k) falls in A of B buckets. So a seed names
 * one sequence of failures, whatever else the boot does.
 *
 * Adding a point: a name in enum failinject_point and in the table of
 * lib/failinject.c, and failinject_fail(ITS_POINT) where the operation
 * would fail, taking the path its real failure takes.
 */
#ifndef SUPPORT_FAILINJECT_H
#define SUPPORT_FAILINJECT_H

#include "lib/types.h"

enum failinject_point {
	FAILINJECT_ALLOC, /* "alloc": every pmem_alloc and every kmalloc */
	FAILINJECT_NPOINTS
};

/* Some rule is set and armed (read on every allocation: one load). */
extern bool failinject_armed;

/* The slow half of failinject_fail: count the call, and decide. */
bool failinject_decide(enum failinject_point pt);

/* Should this call at point pt fail, by the rules? Counts it if armed. */
static inline bool failinject_fail(enum failinject_point pt)
{
	return __atomic_load_n(&failinject_armed, __ATOMIC_RELAXED) &&
	       failinject_decide(pt);
}

/* Set the rules from the value of failinject= (see above); every point
 * not named keeps no rule. Returns ERR_OK, or ERR_INVAL with *why the
 * part that is wrong (then no rule changes). */
int failinject_configure(const char *spec, const char **why);

/* Start counting and failing, if any rule is set. Calls made while
 * spared() returns true (spared may be NULL: none) are neither counted nor
 * failed. */
void failinject_arm(bool (*spared)(void));

/* Stop, forget the rules and zero the counts (host tests, between runs). */
void failinject_reset(void);

/* Print, for each point with a rule, the calls counted and the failures
 * injected ("failinject: alloc: 5120 calls, 98 failed"). */
void failinject_report(void);

/* Calls counted and failures injected at pt since failinject_arm. */
size_t failinject_calls(enum failinject_point pt);
size_t failinject_failures(enum failinject_point pt);

#endif
