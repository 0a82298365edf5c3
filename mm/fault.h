/*
 * The neutral page-fault record. Each arch's trap handler decodes its own
 * fault (x86 vector 14 with error code and CR2; RISC-V scause 12/13/15 with
 * stval) into this record and hands it to mm_page_fault, the one fault
 * policy.
 */
#ifndef MM_FAULT_H
#define MM_FAULT_H

#include "lib/types.h"

enum access { ACCESS_READ, ACCESS_WRITE, ACCESS_EXEC };

struct fault {
	vaddr_t addr;	    /* the faulting virtual address */
	enum access access; /* what the instruction tried to do */
	bool user;	    /* did it come from user mode? */
	uintptr_t pc;	    /* the faulting instruction */
	uintptr_t fp;	    /* frame pointer at the fault, for backtraces */
};

/* Handle a page fault. A kernel fault panics with the record decoded in
 * words. A user fault goes through the policy (mm_fault_resolve); when it
 * is refused the process is killed with the policy's reason. */
void mm_page_fault(const struct fault *f);

struct addrspace;
/* The one page-fault policy, for a user access a to va in as:
 *   no region holds va, or the region forbids a   -> refused
 *   the page is absent                            -> a zeroed frame
 *   a write to a copy-on-write page               -> reuse or copy
 *   the access is already allowed                 -> nothing to do
 * Returns NULL when the access may now proceed, else the reason refused. */
const char *mm_fault_resolve(struct addrspace *as, vaddr_t va, enum access a);

/* Counters of the policy's decisions, for info(). */
struct vm_counters {
	size_t num_pgfault;   /* page faults on user addresses */
	size_t num_zerofill;  /* zeroed pages mapped on first touch */
	size_t num_cow_copy;  /* COW faults that copied */
	size_t num_cow_reuse; /* COW faults that reused the last reference */
};
extern struct vm_counters vm_counters;

/* "read", "write" or "execute". */
const char *access_name(enum access a);

#endif
