/*
 * vmmap: the picture of an address space page by page, as lib/abi.h lays it
 * out, for the vmmap system call (pmap) and meminfo. Looking changes
 * nothing: the page table is read with vpmap_lookup and frame counts with
 * pmem_refcount; no page is faulted in, no counter moves.
 *
 * The address space may belong to a process running on another CPU, which
 * changes it meanwhile; the caller keeps it from being freed (as_hold). Its
 * tables and regions are then only freed with it, so every read is safe,
 * and each page is read once: the picture is true page by page.
 */
#ifndef MM_VMMAP_H
#define MM_VMMAP_H

#include "lib/abi/abi.h"
#include "lib/types.h"

struct addrspace;

/* The record of page va of as: its state, its frame and the frame's
 * reference count. */
struct vmmap_page vmmap_page_of(struct addrspace *as, vaddr_t va);

/* Write the picture of as to the current process's buffer at user address
 * buf, len bytes, which is first made present (copy_to_user of zeros) so
 * that writing it changes nothing the picture shows. Return: the size of
 * the whole picture (larger than len: buf holds nothing usable), or
 * ERR_FAULT when the picture fits but buf cannot hold it. */
int64_t vmmap_copy_out(struct addrspace *as, uintptr_t buf, size_t len);

/* Print the regions of as on the console, each with its page counts and
 * its picture (meminfo). */
void vmmap_print(struct addrspace *as);

#endif
