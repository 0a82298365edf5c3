/* Copy-in and copy-out through the direct map (see uaccess.h). */
#include "mm/uaccess.h"

#include <arch/perm.h>

#include "kernel/proc.h"
#include "lib/abi/errcode.h"
#include "lib/string.h"
#include "mm/addrspace.h"
#include "mm/fault.h"
#include "mm/pmem.h"
#include "mm/vpmap.h"

/* The kernel address of user address va in the current process, made
 * present and allowing access a, or NULL when the policy refuses. */
static char *user_byte(vaddr_t va, enum access a)
{
	struct addrspace *as = proc_current()->as;
	vaddr_t page = ROUND_DOWN(va, PAGE_SIZE);
	paddr_t pa;
	unsigned perm;

	if (!vpmap_lookup(as->root, page, &pa, &perm) ||
	    (a == ACCESS_WRITE && !(perm & PERM_W))) {
		if (mm_fault_resolve(as, va, a) != NULL)
			return NULL;
		vpmap_lookup(as->root, page, &pa, NULL);
	}
	return (char *)P2V(pa) + (va - page);
}

/* Copy n bytes between kernel buf and user address uva, page by page, in
 * the direction access gives (ACCESS_READ: from user). */
static int copy_user(void *buf, uintptr_t uva, size_t n, enum access a)
{
	char *k = buf;

	if (uva + n < uva)
		return ERR_FAULT;
	/* Page by page: a buffer may run from one region into the next. */
	while (n > 0) {
		size_t chunk = MIN(n, PAGE_SIZE - (uva & (PAGE_SIZE - 1)));
		char *u;

		if (!as_find_memregion(proc_current()->as, uva, chunk))
			return ERR_FAULT;
		u = user_byte(uva, a);
		if (!u)
			return ERR_FAULT;
		if (a == ACCESS_WRITE)
			memcpy(u, k, chunk);
		else
			memcpy(k, u, chunk);
		k += chunk;
		uva += chunk;
		n -= chunk;
	}
	return 0;
}

int copy_from_user(void *dst, uintptr_t src, size_t n)
{
	return copy_user(dst, src, n, ACCESS_READ);
}

int copy_to_user(uintptr_t dst, const void *src, size_t n)
{
	return copy_user((void *)src, dst, n, ACCESS_WRITE);
}

int copy_str_from_user(char *dst, uintptr_t src, size_t size)
{
	for (size_t i = 0; i < size; i++) {
		const char *u;

		if (!as_find_memregion(proc_current()->as, src + i, 1))
			return ERR_FAULT;
		u = user_byte(src + i, ACCESS_READ);
		if (!u)
			return ERR_FAULT;
		dst[i] = *u;
		if (!*u)
			return (int)i;
	}
	return ERR_INVAL;
}
