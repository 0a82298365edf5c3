/*
 * The text of a vmmap picture (the records of lib/abi.h): one renderer,
 * shared by the kernel's meminfo and the user programs (pmap, cowdemo).
 * Header-only, so that both builds compile the same code; self-contained,
 * like lib/abi.h (both arches and the host are LP64: unsigned long is
 * size_t).
 *
 * Each page is one cell, its state letter: . absent, r read-only, w
 * writable, c copy-on-write. With refs, a present page's letter is followed
 * by its frame's reference count, and cells are separated by spaces. A run
 * of equal cells is written out, or as one cell and {n} when that is
 * shorter:
 *
 *   plain   rrr  ww.c  .{9}w  c{12}
 *   refs    r2 r2 r2  w1 w1 . c2  .{9} w1  c2{12}
 */
#ifndef LIB_VMMAP_TEXT_H
#define LIB_VMMAP_TEXT_H

#include "abi.h"

/* Room for the longest run ("c65535{<20 digits>}", a space before it) and
 * a NUL: vmmap_render's out must hold at least this much. */
#define VMMAP_RUN_MAX 32

/* The name of a region kind (VMMAP_TEXT ...), "?" for an unknown one. */
static inline const char *vmmap_kind_name(unsigned int kind)
{
	switch (kind) {
	case VMMAP_TEXT:
		return "text";
	case VMMAP_RODATA:
		return "rodata";
	case VMMAP_DATA:
		return "data";
	case VMMAP_HEAP:
		return "heap";
	case VMMAP_STACK:
		return "stack";
	}
	return "?";
}

/* "r-x"-style letters of region permissions perm (VMMAP_R ...) into buf. */
static inline const char *vmmap_perm_text(unsigned int perm, char buf[4])
{
	buf[0] = perm & VMMAP_R ? 'r' : '-';
	buf[1] = perm & VMMAP_W ? 'w' : '-';
	buf[2] = perm & VMMAP_X ? 'x' : '-';
	buf[3] = '\0';
	return buf;
}

/* Do pages a and b print as the same cell? */
static inline _Bool vmmap_same_cell(const struct vmmap_page *a,
				    const struct vmmap_page *b, _Bool refs)
{
	return a->state == b->state && (!refs || a->refcount == b->refcount);
}

/* The number of decimal digits of n. */
static inline unsigned long vmmap_digits(unsigned long n)
{
	unsigned long d = 1;

	while (n >= 10) {
		n /= 10;
		d++;
	}
	return d;
}

/* Write n in decimal at out[at]. Return: the index after it. */
static inline unsigned long vmmap_put_num(char *out, unsigned long at,
					  unsigned long n)
{
	unsigned long end = at + vmmap_digits(n);

	for (unsigned long i = end; i > at; n /= 10)
		out[--i] = (char)('0' + n % 10);
	return end;
}

/* The length of cell p's text. */
static inline unsigned long vmmap_cell_len(const struct vmmap_page *p,
					   _Bool refs)
{
	if (refs && p->state != VMMAP_ABSENT)
		return 1 + vmmap_digits(p->refcount);
	return 1;
}

/* Write cell p at out[at]. Return: the index after it. */
static inline unsigned long vmmap_put_cell(char *out, unsigned long at,
					   const struct vmmap_page *p,
					   _Bool refs)
{
	out[at++] = (char)p->state;
	if (refs && p->state != VMMAP_ABSENT)
		at = vmmap_put_num(out, at, p->refcount);
	return at;
}

/* Should a run of n cells like p be written as "cell{n}"? When shorter. */
static inline _Bool vmmap_run_counted(const struct vmmap_page *p,
				      unsigned long n, _Bool refs)
{
	unsigned long cell = vmmap_cell_len(p, refs);
	unsigned long written = n * cell + (refs ? n - 1 : 0);

	return cell + 2 + vmmap_digits(n) < written;
}

/* The length of the run of n cells like p. */
static inline unsigned long vmmap_run_len(const struct vmmap_page *p,
					  unsigned long n, _Bool refs)
{
	unsigned long cell = vmmap_cell_len(p, refs);

	if (vmmap_run_counted(p, n, refs))
		return cell + 2 + vmmap_digits(n);
	return n * cell + (refs ? n - 1 : 0);
}

/* Write the run of n cells like p at out[at] (the caller made room for
 * vmmap_run_len). Return: the index after it. */
static inline unsigned long vmmap_put_run(char *out, unsigned long at,
					  const struct vmmap_page *p,
					  unsigned long n, _Bool refs)
{
	if (vmmap_run_counted(p, n, refs)) {
		at = vmmap_put_cell(out, at, p, refs);
		out[at++] = '{';
		at = vmmap_put_num(out, at, n);
		out[at++] = '}';
		return at;
	}
	for (unsigned long i = 0; i < n; i++) {
		if (refs && i > 0)
			out[at++] = ' ';
		at = vmmap_put_cell(out, at, p, refs);
	}
	return at;
}

/* Page i of whatever ctx is: a region's records in a user buffer, or a
 * live page table in the kernel. */
typedef struct vmmap_page (*vmmap_page_fn)(const void *ctx, unsigned long i);

/* The number of pages from i on (before n) that print like page i. */
static inline unsigned long vmmap_run_at(vmmap_page_fn page, const void *ctx,
					 unsigned long i, unsigned long n,
					 _Bool refs)
{
	struct vmmap_page first = page(ctx, i);
	unsigned long run = 1;

	while (i + run < n) {
		struct vmmap_page next = page(ctx, i + run);

		if (!vmmap_same_cell(&next, &first, refs))
			break;
		run++;
	}
	return run;
}

/* Render pages [i, n), read through page(ctx, ...), as runs into out (size
 * >= VMMAP_RUN_MAX bytes; NUL-terminated), stopping before the first run
 * that does not fit: one line of a picture. Return: the first page not
 * rendered, n when all were (always more than i when i < n). */
static inline unsigned long vmmap_render(vmmap_page_fn page, const void *ctx,
					 unsigned long i, unsigned long n,
					 _Bool refs, char *out,
					 unsigned long size)
{
	unsigned long at = 0;

	while (i < n) {
		struct vmmap_page cell = page(ctx, i);
		unsigned long run = vmmap_run_at(page, ctx, i, n, refs);
		unsigned long space = refs && at > 0;

		if (at + space + vmmap_run_len(&cell, run, refs) >= size)
			break;
		if (space)
			out[at++] = ' ';
		at = vmmap_put_run(out, at, &cell, run, refs);
		i += run;
	}
	out[at] = '\0';
	return i;
}

#endif
