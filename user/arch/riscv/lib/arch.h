/* RISC-V user address-space layout, as the kernel lays it out: the user
 * stack ends at USTACK_UPPERBOUND; the kernel half starts at KMAP_BASE.
 * Sv39 by default; Sv48 (48-bit addresses) when built with RISCV_SV48=1
 * (make RISCV_MODE=sv48). */
#ifndef LIB_ARCH_H
#define LIB_ARCH_H

#if RISCV_SV48
#define USTACK_UPPERBOUND 0x00007ffffffff000ul
#define KMAP_BASE 0xffff800000000000ul
#else
#define USTACK_UPPERBOUND 0x0000003ffffff000ul
#define KMAP_BASE 0xffffffc000000000ul
#endif

#endif
