/* Reading and printing the pictures vmmap() writes (lib/abi.h), in user
 * programs: pmap, cowdemo and the tests. Not part of the course's API. The
 * notation is lib/vmmap-text.h's, the same as meminfo's. */
#ifndef LIB_VMMAP_H
#define LIB_VMMAP_H

#include <lib/stddef.h>
#include <lib/vmmap-text.h>

/* Return: the page records of region r, which follow it. */
static inline const struct vmmap_page *vmmap_pages(const struct vmmap_region *r)
{
	return (const struct vmmap_page *)(r + 1);
}

/* Return: the region after r in the picture buf of len bytes (the first
 * when r is NULL); NULL after the last, or when a record would run past
 * len. */
const struct vmmap_region *vmmap_next(const void *buf, size_t len,
				      const struct vmmap_region *r);

/* Return: the record of the page holding va in the picture buf of len
 * bytes, with its region in *region unless region is NULL; NULL when no
 * region of the picture holds va. */
const struct vmmap_page *vmmap_find(const void *buf, size_t len, uintptr_t va,
				    const struct vmmap_region **region);

/* Render r's pages from index i on into out (size >= VMMAP_RUN_MAX), as
 * one line of at most size - 1 characters. Return: the first page not
 * rendered (r->npages when all were). */
size_t vmmap_region_text(const struct vmmap_region *r, size_t i, bool refs,
			 char *out, size_t size);

/* Print the picture buf of len bytes on fd 1, one line per region (kind,
 * range, permissions, pages, picture; long pictures go on in lines of
 * their own), with reference counts when refs is set. */
void vmmap_print(const void *buf, size_t len, bool refs);

/* Fetch the picture of process pid into a buffer from malloc, as large as
 * it needs (pid may grow meanwhile: it asks again until the picture fits).
 * Return: the picture's length with *buf the buffer (free it), or the
 * error vmmap returned (ERR_NOTEXIST ...), or ERR_NOMEM. */
ssize_t vmmap_fetch(int pid, void **buf);

#endif
