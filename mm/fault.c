/*
 * The page-fault policy: one function, fed by both arches' decoded fault
 * records. Until processes exist (issue 4) every fault is a kernel bug or a
 * self-test, and panics with the record decoded in words.
 */
#include "mm/fault.h"

#include "kernel/kprintf.h"
#include "mm/perm.h"
#include "mm/vpmap.h"

const char *access_name(enum access a)
{
	switch (a) {
	case ACCESS_READ:
		return "read";
	case ACCESS_WRITE:
		return "write";
	case ACCESS_EXEC:
		return "execute";
	}
	return "?";
}

/* Why the current page table refuses access a at va, in words. */
static const char *fault_reason(vaddr_t va, enum access a, bool user)
{
	unsigned perm;

	if (!vpmap_lookup(vpmap_current(), ROUND_DOWN(va, PAGE_SIZE), NULL,
			  &perm))
		return "not present";
	if (user && !(perm & PERM_U))
		return "kernel-only page";
	if (a == ACCESS_WRITE && !(perm & PERM_W))
		return "read-only page";
	if (a == ACCESS_EXEC && !(perm & PERM_X))
		return "no-execute page";
	return "allowed by the page table: stale TLB entry?";
}

void mm_page_fault(const struct fault *f)
{
	panic_at(f->fp, "page fault: %s %s at %p (%s), pc %p",
		 f->user ? "user" : "kernel", access_name(f->access),
		 (void *)f->addr, fault_reason(f->addr, f->access, f->user),
		 (void *)f->pc);
}
