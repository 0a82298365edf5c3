/*
 * Reaching user memory from a system call. The kernel never dereferences a
 * user address: each helper checks the range against the current process's
 * memregions, makes every page present through the fault policy (a lazy
 * stack or heap page, a copy-on-write page for a write) and copies through
 * the direct map. A bad range gives ERR_FAULT; nothing here panics or kills.
 */
#ifndef MM_UACCESS_H
#define MM_UACCESS_H

#include "lib/types.h"

/* Copy n bytes from user address src to kernel dst: 0 or ERR_FAULT. */
int copy_from_user(void *dst, uintptr_t src, size_t n);
/* Copy n bytes from kernel src to user address dst: 0 or ERR_FAULT. */
int copy_to_user(uintptr_t dst, const void *src, size_t n);
/* Copy the NUL-terminated user string at src into dst (size bytes): its
 * length, ERR_FAULT, or ERR_INVAL when it does not fit. */
int copy_str_from_user(char *dst, uintptr_t src, size_t size);

#endif
