/* The user address-space layout of x86_64 Linux with 4-level page tables,
 * booted with `norandmaps` (tests/bench/linux/): the stack of a new program
 * ends at the top of the lower half, and the kernel half starts where it
 * does on the course kernel. */
#ifndef LIB_ARCH_H
#define LIB_ARCH_H

#define USTACK_UPPERBOUND 0x00007ffffffff000ul
#define KMAP_BASE 0xffff800000000000ul

#endif
