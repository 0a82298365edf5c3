/*
 * Calls into the SBI firmware (OpenSBI), which runs in M-mode below us:
 * ecall with the extension id in a7 and the function id in a6; the result
 * comes back as (error, value) in a0 and a1. Private to arch/riscv.
 */
#ifndef ARCH_RISCV_SBI_H
#define ARCH_RISCV_SBI_H

#include "kernel/types.h"

#define SBI_EXT_TIME 0x54494D45 /* "TIME" */
#define SBI_EXT_SRST 0x53525354 /* "SRST" */

#define SBI_SRST_TYPE_SHUTDOWN 0
#define SBI_SRST_REASON_NONE 0
#define SBI_SRST_REASON_FAILURE 1

/* Ask for a supervisor timer interrupt once the time CSR reaches
 * stime_value; clears the pending one. Returns the SBI error (0 = success). */
long sbi_set_timer(uint64_t stime_value);

/* Reset or power off the machine; returns only when the firmware refuses
 * (then with the SBI error). */
long sbi_system_reset(uint32_t type, uint32_t reason);

#endif
