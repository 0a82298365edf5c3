/* In-kernel self-tests, run by the `selftest[=WHICH]` command-line switch. */
#ifndef KERNEL_SELFTEST_H
#define KERNEL_SELFTEST_H

#include <arch/arch.h>

/* Make every panic from now on go through the self-tests' judge: a
 * deliberate fault's panic is compared with what its test declares, any
 * other bails the run out ("Bail out! panic: ..."). */
void selftest_init(void);

/* Run the self-tests bi's command line asks for (`selftest` or
 * `selftest=all`: every test that returns; `selftest=faults`: every
 * deliberate fault; `selftest=sanitizers`: the checks of a SANITIZE=1
 * kernel, skipped in any other; `selftest=a,b`: those; `start=K` skips the
 * first K), printing a result line per test (docs/testing.md), then leave
 * QEMU with 0 when all passed. A fault test makes a bad kernel access or
 * trap and ends the boot in a panic, judged against its declaration. */
_Noreturn void selftest_run(const struct boot_info *bi);

#endif
