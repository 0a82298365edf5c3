/*
 * struct context: the callee-saved registers of a kernel thread that is not
 * running, kept on its own kernel stack (see switch.S). Offsets are usable
 * from assembly; process.c checks them against the struct. Private to
 * arch/riscv.
 */
#ifndef ARCH_RISCV_CONTEXT_H
#define ARCH_RISCV_CONTEXT_H

#define CTX_RA 0
#define CTX_SP 8
#define CTX_S(n) (16 + (n)*8)
#define CONTEXT_SIZE 112

#ifndef __ASSEMBLY__
#include "lib/types.h"

struct context {
	uint64_t ra; /* where arch_context_switch returns to */
	uint64_t sp; /* the stack pointer once the context is popped */
	uint64_t s[12];
};
#endif

#endif
