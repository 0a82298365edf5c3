/* Building a process image from an initrd program and an argument string. */
#ifndef KERNEL_EXEC_H
#define KERNEL_EXEC_H

#include "lib/types.h"

struct addrspace;

struct exec_image {
	struct addrspace *as; /* new address space: segments, heap, stack */
	uintptr_t entry;      /* where user code starts */
	uintptr_t sp;	      /* initial stack pointer (16-byte aligned) */
	int argc;
	uintptr_t argv; /* user address of argv[] on the stack */
	char name[32];	/* program name (argv[0]) */
};

/* Load the program named by the first word of args ("prog a b") from the
 * initrd into a fresh address space, with argc/argv on the stack's top
 * page. Returns 0, or ERR_NOTEXIST (no such program), ERR_INVAL (not a
 * valid program, or arguments that do not fit a page) or ERR_NOMEM; on
 * error nothing is left allocated. */
int exec_load(const char *args, struct exec_image *img);

#endif
