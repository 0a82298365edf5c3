/*
 * RISC-V control and status registers: the bits the kernel uses and C
 * accessors. Private to arch/riscv; the bit constants are usable from
 * assembly too.
 */
#ifndef ARCH_RISCV_CSR_H
#define ARCH_RISCV_CSR_H

#ifdef __ASSEMBLY__
#define UL(x) x
#else
#define UL(x) x##ul
#endif

#define SSTATUS_SIE (UL(1) << 1)  /* interrupts on in S-mode */
#define SSTATUS_SPIE (UL(1) << 5) /* SIE before the trap */
#define SSTATUS_SPP (UL(1) << 8)  /* trapped from S-mode (1) or U-mode (0) */
#define SSTATUS_FS (UL(3) << 13)  /* floating-point unit state; 0 = off */
#define SSTATUS_SUM (UL(1) << 18) /* S-mode may touch U pages */

#define SIE_SSIE (UL(1) << 1) /* supervisor software interrupt (IPI) enable */
#define SIE_STIE (UL(1) << 5) /* supervisor timer interrupt enable */
#define SIP_SSIP (UL(1) << 1) /* a supervisor software interrupt is pending */

#define SCOUNTEREN_TM (UL(1) << 1) /* U-mode may read the time CSR */

#define SCAUSE_INTERRUPT (UL(1) << 63)
#define SCAUSE_CODE(c) ((c) & ~SCAUSE_INTERRUPT)

#define SATP_MODE_SV39 (UL(8) << 60)
#define SATP_MODE_SV48 (UL(9) << 60)
/* The paging mode of this build (make RISCV_MODE=, see <arch/mmu.h>). */
#if RISCV_SV48
#define SATP_MODE SATP_MODE_SV48
#else
#define SATP_MODE SATP_MODE_SV39
#endif

#ifndef __ASSEMBLY__

#define csr_read(csr)                                                          \
	({                                                                     \
		unsigned long __v;                                             \
		asm volatile("csrr %0, " #csr : "=r"(__v));                    \
		__v;                                                           \
	})

#define csr_write(csr, v)                                                      \
	asm volatile("csrw " #csr ", %0" : : "rK"(v) : "memory")

#define csr_set(csr, bits)                                                     \
	asm volatile("csrs " #csr ", %0" : : "rK"(bits) : "memory")

#define csr_clear(csr, bits)                                                   \
	asm volatile("csrc " #csr ", %0" : : "rK"(bits) : "memory")

#endif
#endif
