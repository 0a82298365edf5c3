/*
 * Stack canaries (-fstack-protector-strong, SANITIZE=1): a function with an
 * array or an address-taken local keeps a copy of __stack_chk_guard between
 * its locals and its return address, and calls __stack_chk_fail when the
 * copy changed by the time it returns.
 *
 *   higher addresses   return address, saved frame pointer
 *                      canary          <- a copy of __stack_chk_guard
 *                      arrays          <- an overrun runs into the canary
 *   lower addresses    other locals
 *
 * The guard is random per boot: the arch's first C function sets it from
 * arch_boot_entropy() before calling anything that has a canary.
 */
#ifndef SUPPORT_STACKGUARD_H
#define SUPPORT_STACKGUARD_H

#include "lib/types.h"

/* A function without a canary: one that runs while the guard changes. */
#define STACK_GUARD_EXEMPT __attribute__((__no_stack_protector__))

/* Set the guard, once, from entropy (arch_boot_entropy()). Its lowest
 * byte is zero, so that a string copy overrunning into a canary stops
 * before it has written the whole of it. */
void stack_guard_init(uint64_t entropy);

/* Called by a function whose canary changed: panics naming it. */
noreturn void __stack_chk_fail(void);

#endif
