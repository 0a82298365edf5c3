/*
 * Calls into the SBI firmware (OpenSBI), which runs in M-mode below us:
 * ecall with the extension id in a7 and the function id in a6; the result
 * comes back as (error, value) in a0 and a1. Private to arch/riscv.
 */
#ifndef ARCH_RISCV_SBI_H
#define ARCH_RISCV_SBI_H

#include "lib/types.h"

#define SBI_EXT_TIME 0x54494D45	  /* "TIME" */
#define SBI_EXT_SRST 0x53525354	  /* "SRST" */
#define SBI_EXT_HSM 0x48534D	  /* "HSM": hart state management */
#define SBI_EXT_RFENCE 0x52464E43 /* "RFNC": remote fences */
#define SBI_EXT_IPI 0x735049	  /* "sPI": inter-processor interrupts */

#define SBI_SRST_TYPE_SHUTDOWN 0
#define SBI_SRST_REASON_NONE 0
#define SBI_SRST_REASON_FAILURE 1

/* Does the firmware implement extension ext (SBI base probe_extension)? */
bool sbi_has_extension(long ext);

/* Ask for a supervisor timer interrupt once the time CSR reaches
 * stime_value; clears the pending one. Returns the SBI error (0 = success). */
long sbi_set_timer(uint64_t stime_value);

/* Start the stopped hart hartid in S-mode at physical address start, with
 * the MMU off, sstatus.SIE = 0, a0 = hartid and a1 = opaque. Returns the SBI
 * error (0 = the firmware will start it; it has not necessarily run yet). */
long sbi_hart_start(unsigned long hartid, paddr_t start, unsigned long opaque);

/* Make every hart in hart_mask (bit i = hart hart_mask_base + i; base -1:
 * every hart) execute
 * fence.i; returns the SBI error once they have (OpenSBI waits for an
 * acknowledgement from every target, the caller included). */
long sbi_remote_fence_i(unsigned long hart_mask, unsigned long hart_mask_base);

/* Raise a supervisor software interrupt (sip.SSIP) on every hart in
 * hart_mask (bit i = hart hart_mask_base + i); returns the SBI error. */
long sbi_send_ipi(unsigned long hart_mask, unsigned long hart_mask_base);

/* Reset or power off the machine; returns only when the firmware refuses
 * (then with the SBI error). */
long sbi_system_reset(uint32_t type, uint32_t reason);

#endif
