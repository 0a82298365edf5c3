/* The stack canaries' guard and what happens when one changed (see
 * stackguard.h). Without SANITIZE=1 nothing reads the guard. */
#include "lib/stackguard.h"

#include <arch/arch.h>

#include "lib/kprintf.h"
#include "lib/ksyms.h"
#include "lib/panic.h"

/* The guard until stack_guard_init: it matters only to functions that
 * return before that (and is its fallback for an all-zero guard). */
#define GUARD_AT_LINK 0x57ac4c4a5d00ull

/* What gcc's canaries compare with. */
uintptr_t __stack_chk_guard = GUARD_AT_LINK;

/* A 64-bit mixer (splitmix64's finalizer): every input bit moves about
 * half of the output bits, so a low-entropy seed still spreads over the
 * whole guard. */
static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

STACK_GUARD_EXEMPT void stack_guard_init(uint64_t entropy)
{
	uint64_t guard = mix64(entropy) & ~0xffull;

	__stack_chk_guard = guard ? guard : GUARD_AT_LINK;
}

/* The caller is named by its return address: its call to a noreturn
 * function may be its last instruction. */
STACK_GUARD_EXEMPT noreturn void __stack_chk_fail(void)
{
	uintptr_t ret = (uintptr_t)__builtin_return_address(0);
	struct panic_cause cause = {.kind = PANIC_STACK_SMASH,
				    .pc = ret - 1,
				    .fp = arch_frame_pointer()};
	char caller[80];

	ksym_describe_return(caller, sizeof(caller), ret);
	panic_at(&cause,
		 "stack smashing detected in %s: its canary was overwritten",
		 caller);
}
