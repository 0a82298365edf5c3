/* In-kernel self-tests, run by the `selftest[=NAME]` command-line switch. */
#ifndef KERNEL_SELFTEST_H
#define KERNEL_SELFTEST_H

/* Run one test by name, or every non-fatal test for "" or "all"; print one
 * line per test and a summary, then leave QEMU with 0 when all passed.
 * The fault_* tests make a deliberate bad kernel access or trap and are
 * expected to end in a panic naming it; fault_ubsan and fault_canary
 * need a SANITIZE=1 kernel, and say "skipped" in any other. */
_Noreturn void selftest_run(const char *which);

#endif
