/* Walking and printing vmmap pictures (lib/vmmap.h). */
#include <lib/malloc.h>
#include <lib/stdio.h>
#include <lib/vmmap.h>

/* Lines of vmmap_print are kept within this many columns. */
#define PRINT_WIDTH 78
/* Room vmmap_fetch adds to the size asked: its own malloc may grow the
 * heap of the picture it takes. */
#define FETCH_SLACK 1024

const struct vmmap_region *vmmap_next(const void *buf, size_t len,
				      const struct vmmap_region *r)
{
	const char *start = buf;
	const char *next =
	    r ? (const char *)(vmmap_pages(r) + r->npages) : start;
	size_t at = (size_t)(next - start);

	if (at > len || len - at < sizeof(*r))
		return NULL;
	r = (const struct vmmap_region *)next;
	if (r->npages > (len - at - sizeof(*r)) / sizeof(struct vmmap_page))
		return NULL;
	return r;
}

const struct vmmap_page *vmmap_find(const void *buf, size_t len, uintptr_t va,
				    const struct vmmap_region **region)
{
	for (const struct vmmap_region *r = vmmap_next(buf, len, NULL); r;
	     r = vmmap_next(buf, len, r)) {
		size_t i = (va - r->start) / 4096;

		if (va < r->start || i >= r->npages)
			continue;
		if (region)
			*region = r;
		return &vmmap_pages(r)[i];
	}
	return NULL;
}

/* vmmap_render's reader in user space: page i of an array of records. */
static struct vmmap_page record_page(const void *pages, unsigned long i)
{
	return ((const struct vmmap_page *)pages)[i];
}

size_t vmmap_region_text(const struct vmmap_region *r, size_t i, bool refs,
			 char *out, size_t size)
{
	return vmmap_render(record_page, vmmap_pages(r), i, r->npages, refs,
			    out, size);
}

/* Print region r: its line, then as many more as its picture needs, each
 * indented to where the picture starts. */
static void print_region(const struct vmmap_region *r, bool refs)
{
	char perm[4], line[PRINT_WIDTH + 1];
	int indent = printf("  %-6s [%p, %p) %s %5zu", vmmap_kind_name(r->kind),
			    (void *)r->start, (void *)r->end,
			    vmmap_perm_text(r->perm, perm), r->npages) +
		     2;
	size_t width = VMMAP_RUN_MAX, i = 0;

	if (indent > 0 && indent + VMMAP_RUN_MAX <= PRINT_WIDTH)
		width = PRINT_WIDTH - (size_t)indent;
	if (r->npages == 0)
		printf("\n");
	for (int pad = 2; i < r->npages; pad = indent) {
		i = vmmap_region_text(r, i, refs, line, width + 1);
		printf("%*s%s\n", pad, "", line);
	}
}

void vmmap_print(const void *buf, size_t len, bool refs)
{
	for (const struct vmmap_region *r = vmmap_next(buf, len, NULL); r;
	     r = vmmap_next(buf, len, r))
		print_region(r, refs);
}

ssize_t vmmap_fetch(int pid, void **buf)
{
	ssize_t size = vmmap(pid, NULL, 0);

	while (size >= 0) {
		size_t room = (size_t)size + FETCH_SLACK;

		*buf = malloc(room);
		if (!*buf)
			return ERR_NOMEM;
		size = vmmap(pid, *buf, room);
		if (size >= 0 && (size_t)size <= room)
			return size;
		free(*buf);
	}
	return size;
}
