/*
 * Page faults. Each arch's trap handler decodes its own fault (x86 vector
 * 14 with error code and CR2; RISC-V scause 12/13/15 with stval) into the
 * neutral record below and hands it to the kernel (trap_page_fault), which
 * asks the one fault policy here for a verdict and acts on it: kill the
 * process, panic, or return ERR_FAULT from a copy helper. mm/ decides what
 * happened; it never kills anyone.
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

/* What the fault policy decided. */
enum verdict_kind {
	VERDICT_RESOLVED,    /* the access may proceed now */
	VERDICT_BAD_ADDRESS, /* no region holds the address */
	VERDICT_PROTECTION,  /* the region or the page forbids the access */
	VERDICT_NOMEM,	     /* no frame (or table) was left for the page */
	VERDICT_WAIT,	     /* sleep (wait_pause) and ask again: every
			      * check is made anew, for another thread may
			      * have resolved the page meanwhile */
};

struct verdict {
	enum verdict_kind kind;
	const char *reason; /* in words, for the kill line: "stack
			     * overflow", "write to a read-only region" */
};

struct addrspace;

/* The one page-fault policy, for a user access a to va in as (its lock
 * held); attempt counts the WAITs this fault has had:
 *   no region holds va                           -> BAD_ADDRESS
 *   the region forbids a                         -> PROTECTION
 *   the fault must sleep first (fault_sleep)     -> WAIT
 *   the page is absent                           -> a zeroed frame
 *   a write to a copy-on-write page              -> reuse or copy
 *   the access is already allowed                -> nothing to do (flush)
 * A frame that cannot be had is NOMEM. */
struct verdict mm_fault_resolve(struct addrspace *as, vaddr_t va, enum access a,
				unsigned attempt);

/* A user page fault of the process whose address space is as: takes as's
 * lock, asks the policy until it stops saying WAIT (sleeping in between),
 * and counts it. Interrupts on, no spinlock held: it may sleep. */
struct verdict mm_user_fault(struct addrspace *as, vaddr_t va, enum access a);

/* Why the page table loaded on this CPU refuses access a at va, in words
 * ("not present", "read-only page"...), for a kernel fault's panic line.
 * Safe for any address. */
const char *mm_pte_reason(vaddr_t va, enum access a, bool user);

/* Test knob (kernel command line fault_sleep=1): every user page fault
 * in a region that allows it waits once (VERDICT_WAIT: it gives up its
 * CPU, holding its address space's lock) before it is resolved, so that
 * the whole suite runs with faults that wait, as they will for a disk. */
extern bool mm_fault_sleep;

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
