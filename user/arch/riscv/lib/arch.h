/* RISC-V Sv39 user address-space layout, as the kernel lays it out: the user
 * stack ends at USTACK_UPPERBOUND; the kernel half starts at KMAP_BASE. */
#ifndef LIB_ARCH_H
#define LIB_ARCH_H

#define USTACK_UPPERBOUND 0x0000003ffffff000ul
#define KMAP_BASE 0xffffffc000000000ul

#endif
