/*
 * The kernel's own symbol table, for backtraces and fault messages: every
 * text symbol of the linked image, sorted by address. lib/ksyms.sh
 * generates it from the first link of the kernel and the second link holds
 * it (see the Makefile), in a section of its own after everything else.
 */
#ifndef SUPPORT_KSYMS_H
#define SUPPORT_KSYMS_H

#include "lib/types.h"

/* The function holding kernel text address addr: its name, with the
 * distance from its start in *offset. NULL when addr is not in the kernel's
 * text or the table is empty (the first link). */
const char *ksym_lookup(uintptr_t addr, uintptr_t *offset);
/* ksym_lookup for a return address ret: the function holding the call, the
 * byte before ret (a call that ends its function, to a noreturn one,
 * returns to the first byte of the next). *offset is still ret's. */
const char *ksym_lookup_return(uintptr_t ret, uintptr_t *offset);

/* Write "name+0xoff" of ksym_lookup_return(ret), or ret in hex when no
 * kernel function holds its call, into buf (size bytes): for a panic that
 * names the function that called it. */
void ksym_describe_return(char *buf, size_t size, uintptr_t ret);

#endif
