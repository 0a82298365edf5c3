/* Formatted output. Conversions: %d %i %u %x %X %p %s %c %%, with the size
 * prefixes l, ll, z; flags '-' and '0'; a field width. There is no %n and no
 * floating point. printf writes to fd 1 in chunks of a small buffer. */
#ifndef LIB_STDIO_H
#define LIB_STDIO_H

#include <lib/stddef.h>
#include <stdarg.h>

/* Format to fd 1. Return: characters written, or a negative error code. */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
/* Format into buf, at most size - 1 characters and a NUL (if size > 0).
 * Return: the length the whole output would have. */
int snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

#endif
