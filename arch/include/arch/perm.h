/*
 * Neutral page permissions: the one vocabulary mm/ uses for what a mapping
 * allows. Each arch's PTE codec (arch/mmu.h) translates these to and from
 * its own bits; nothing outside arch/ sees a raw PTE bit.
 */
#ifndef ARCH_PERM_H
#define ARCH_PERM_H

#define PERM_R 0x01u   /* readable */
#define PERM_W 0x02u   /* writable (always given together with PERM_R) */
#define PERM_X 0x04u   /* executable */
#define PERM_U 0x08u   /* reachable from user mode */
#define PERM_COW 0x10u /* software bit: shared copy-on-write, never with W */

#define PERM_RW (PERM_R | PERM_W)
#define PERM_RX (PERM_R | PERM_X)

#endif
