/* Copy-in and copy-out through the direct map (see uaccess.h). */
#include "mm/uaccess.h"

#include <arch/perm.h>

#include "lib/abi/errcode.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "lib/wait.h"
#include "mm/addrspace.h"
#include "mm/fault.h"
#include "mm/pmem.h"
#include "mm/vpmap.h"

/* Set *k to the kernel address of user address va of as, made present
 * and allowing access a, for len bytes that one region must hold: 0;
 * ERR_NOMEM when no frame was left for it, ERR_FAULT when no region holds
 * them or the policy refuses otherwise (as's lock held). */
static int user_byte(struct addrspace *as, vaddr_t va, size_t len,
		     enum access a, char **k)
{
	vaddr_t page = ROUND_DOWN(va, PAGE_SIZE);
	unsigned attempt = 0;
	struct verdict v;
	paddr_t pa;
	unsigned perm;

	if (!as_find_memregion(as, va, len))
		return ERR_FAULT;
	while (!vpmap_lookup(&as->pmap, page, &pa, &perm) ||
	       (a == ACCESS_WRITE && !(perm & PERM_W))) {
		v = mm_fault_resolve(as, va, a, attempt++);
		if (v.kind == VERDICT_WAIT)
			wait_pause();
		else if (v.kind == VERDICT_NOMEM)
			return ERR_NOMEM;
		else if (v.kind != VERDICT_RESOLVED)
			return ERR_FAULT;
	}
	*k = (char *)P2V(pa) + (va - page);
	return 0;
}

/* The bytes from uva to the end of its page, at most n. */
static size_t page_chunk(uintptr_t uva, size_t n)
{
	return MIN(n, PAGE_SIZE - (uva & (PAGE_SIZE - 1)));
}

/* Copy n bytes between kernel buf and user address uva of as, page by
 * page, in the direction access gives (ACCESS_READ: from user). as's lock
 * held. */
static int copy_user_locked(struct addrspace *as, void *buf, uintptr_t uva,
			    size_t n, enum access a)
{
	char *k = buf;

	if (uva + n < uva)
		return ERR_FAULT;
	/* Page by page: a buffer may run from one region into the next. */
	while (n > 0) {
		size_t chunk = page_chunk(uva, n);
		char *u;
		int err = user_byte(as, uva, chunk, a, &u);

		if (err)
			return err;
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

/* copy_user_locked under as's lock. */
static int copy_user(struct addrspace *as, void *buf, uintptr_t uva, size_t n,
		     enum access a)
{
	int err;

	as_lock(as);
	err = copy_user_locked(as, buf, uva, n, a);
	as_unlock(as);
	return err;
}

int copy_from_user(struct addrspace *as, void *dst, uintptr_t src, size_t n)
{
	return copy_user(as, dst, src, n, ACCESS_READ);
}

int copy_to_user(struct addrspace *as, uintptr_t dst, const void *src, size_t n)
{
	return copy_user(as, (void *)src, dst, n, ACCESS_WRITE);
}

/* Copy the string at src into dst (size bytes) a page at a time: its
 * length, ERR_FAULT, ERR_NOMEM or ERR_INVAL (as in copy_str_from_user).
 * as's lock held. */
static int copy_str_locked(struct addrspace *as, char *dst, uintptr_t src,
			   size_t size)
{
	size_t done = 0;

	while (done < size) {
		size_t chunk = page_chunk(src + done, size - done);
		char *u;
		int err = user_byte(as, src + done, 1, ACCESS_READ, &u);
		const char *nul;

		if (err)
			return err;
		nul = memchr(u, '\0', chunk);
		memcpy(dst + done, u, nul ? (size_t)(nul - u) + 1 : chunk);
		if (nul)
			return (int)(done + (size_t)(nul - u));
		done += chunk;
	}
	return ERR_INVAL;
}

int copy_str_from_user(struct addrspace *as, char *dst, uintptr_t src,
		       size_t size)
{
	int n;

	as_lock(as);
	n = copy_str_locked(as, dst, src, size);
	as_unlock(as);
	return n;
}
