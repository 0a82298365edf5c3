/*
 * vmmap: the picture of an address space page by page, as lib/abi.h lays it
 * out, for the vmmap system call (pmap) and meminfo. Looking changes
 * nothing: the page table is read with vpmap_lookup and frame counts with
 * pmem_refcount; no page is faulted in, no counter moves.
 *
 * The address space may belong to a process running on another CPU; the
 * caller keeps it from being freed (as_hold), and each piece is read under
 * its lock (a region's record, a chunk of page records), which is let go
 * before the piece is copied out: the picture is true piece by piece.
 */
#ifndef MM_VMMAP_H
#define MM_VMMAP_H

#include "lib/abi/abi.h"
#include "lib/types.h"

struct addrspace;

/* The record of page va of as: its state, its frame and the frame's
 * reference count. as's lock held. */
struct vmmap_page vmmap_page_of(struct addrspace *as, vaddr_t va);

/* Write the picture of as to the buffer at user address buf of dst (the
 * caller's address space, which may be as), len bytes, which is first made
 * present (copy_to_user of zeros) so that writing it changes nothing the
 * picture shows. Return: the size of the whole picture (larger than len: buf
 * holds nothing usable), or ERR_FAULT when the picture fits but buf cannot hold
 * it, ERR_NOMEM when a page of buf could not be made present. */
int64_t vmmap_copy_out(struct addrspace *as, struct addrspace *dst,
		       uintptr_t buf, size_t len);

/* Print the regions of as on the console, each with its page counts and
 * its picture (meminfo), under its lock. */
void vmmap_print(struct addrspace *as);

#endif
