/*
 * The one formatter of the kernel's kprintf (lib/kprintf.h) and the user
 * library's printf (user/include/lib/stdio.h). Both builds compile it, so
 * it includes only the compiler's headers and those of its own folder.
 *
 * Conversions: %d %i %u %x %X %p %s %c %%, with the flags '-' and '0', a
 * field width and a precision (each a number or '*'; the precision is the
 * most characters a %s prints), and the size prefixes l, ll, z, h and hh.
 * %pS is %p followed by the function holding the address, " (name+0x9)",
 * when the sink has a symbol hook that knows it. There is no %n and no
 * floating point; an unknown conversion is printed as written.
 */
#ifndef SUPPORT_FORMAT_H
#define SUPPORT_FORMAT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* The function holding addr: its name, with addr's distance from its start
 * in *offset; NULL when there is none. */
typedef const char *format_symbol_fn(uintptr_t addr, uintptr_t *offset);

/* Where the output goes, one character at a time. A sink embeds this as
 * its first member, for put to find the rest. */
struct format_sink {
	void (*put)(struct format_sink *s, char c);
	format_symbol_fn *symbol; /* for %pS; NULL prints it as %p */
	size_t total;		  /* characters put so far */
};

/* Format fmt with the arguments ap into s, adding to s->total. */
void vformat(struct format_sink *s, const char *fmt, va_list ap);

/* Format into buf: at most size - 1 characters, then a NUL (if size > 0);
 * symbol serves %pS (may be NULL).
 * Return: the length the whole output would have. */
int vformat_string(char *buf, size_t size, format_symbol_fn *symbol,
		   const char *fmt, va_list ap);

#endif
