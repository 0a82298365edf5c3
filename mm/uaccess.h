/*
 * Reaching user memory from a system call. The kernel never dereferences a
 * user address: each helper takes as's lock, checks the range against its
 * memregions, makes every page present through the fault policy (a lazy
 * stack or heap page, a copy-on-write page for a write; sleeping when the
 * policy says to wait) and copies through the direct map. A bad range gives
 * ERR_FAULT; a page that cannot be made present for want of a frame,
 * ERR_NOMEM (the bytes before it are copied); nothing here panics or
 * kills. The helpers may sleep: call them with interrupts on and no
 * spinlock held.
 */
#ifndef MM_UACCESS_H
#define MM_UACCESS_H

#include "lib/types.h"

struct addrspace;

/* Copy n bytes from user address src of as to kernel dst: 0, ERR_FAULT
 * or ERR_NOMEM. */
int copy_from_user(struct addrspace *as, void *dst, uintptr_t src, size_t n);
/* Copy n bytes from kernel src to user address dst of as: 0, ERR_FAULT
 * or ERR_NOMEM. */
int copy_to_user(struct addrspace *as, uintptr_t dst, const void *src,
		 size_t n);
/* Copy the NUL-terminated user string at src of as into dst (size bytes):
 * its length, ERR_FAULT, ERR_NOMEM, or ERR_INVAL when it does not fit. */
int copy_str_from_user(struct addrspace *as, char *dst, uintptr_t src,
		       size_t size);

#endif
