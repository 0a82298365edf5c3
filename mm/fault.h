/*
 * The neutral page-fault record. Each arch's trap handler decodes its own
 * fault (x86 vector 14 with error code and CR2; RISC-V scause 12/13/15 with
 * stval) into this record and hands it to mm_page_fault, the one fault
 * policy.
 */
#ifndef MM_FAULT_H
#define MM_FAULT_H

#include "kernel/types.h"

enum access { ACCESS_READ, ACCESS_WRITE, ACCESS_EXEC };

struct fault {
	vaddr_t addr;	    /* the faulting virtual address */
	enum access access; /* what the instruction tried to do */
	bool user;	    /* did it come from user mode? */
	uintptr_t pc;	    /* the faulting instruction */
	uintptr_t fp;	    /* frame pointer at the fault, for backtraces */
};

/* Handle a page fault. A kernel fault panics with the record decoded in
 * words; user faults are refused the same way until processes exist. */
void mm_page_fault(const struct fault *f);

/* "read", "write" or "execute". */
const char *access_name(enum access a);

#endif
