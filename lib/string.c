/*
 * The C library's memory and string functions (lib/string.h), compiled into
 * the kernel and into the user library; gcc may also emit calls to memset
 * and memcpy. Both builds use -fno-tree-loop-distribute-patterns, so these
 * loops stay loops instead of becoming calls to themselves. Shared: only
 * headers of its own folder and the compiler's.
 */
#include "string.h"

#include <stdbool.h>
#include <stdint.h>

#include "abi/errcode.h"

/* A word that may alias anything, for moving memory eight bytes at a time.
 * Only aligned words are used: RISC-V may trap a misaligned access to the
 * firmware, which is far slower than bytes. */
typedef uint64_t __attribute__((may_alias)) word_t;
#define WORD sizeof(word_t)

/* Is p a multiple of the word's size? */
static bool word_aligned(const void *p)
{
	return ((uintptr_t)p & (WORD - 1)) == 0;
}

/* Fill n bytes at dst with c, in words where aligned. Return: dst. */
void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	word_t w = (unsigned char)c * 0x0101010101010101ull;

	for (; n && !word_aligned(d); n--)
		*d++ = (unsigned char)c;
	for (; n >= WORD; n -= WORD, d += WORD)
		*(word_t *)d = w;
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

/* Copy n bytes from src to dst (which must not overlap dst's start), in
 * words when both are aligned alike. Return: dst. */
void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (((uintptr_t)d & (WORD - 1)) == ((uintptr_t)s & (WORD - 1))) {
		for (; n && !word_aligned(d); n--)
			*d++ = *s++;
		for (; n >= WORD; n -= WORD, d += WORD, s += WORD)
			*(word_t *)d = *(const word_t *)s;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

/* Copy forwards, or backwards when dst overlaps the end of src. */
void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	while (n-- > 0)
		d[n] = s[n];
	return dst;
}

/* Return: <0, 0 or >0 as the first differing byte of a is below, equal
 * to or above b's. */
int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (; n > 0; n--, p++, q++)
		if (*p != *q)
			return *p - *q;
	return 0;
}

/* Return: the bytes before s's NUL. */
size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0')
		n++;
	return n;
}

/* Compare as unsigned chars, as memcmp, up to the first NUL. */
int strcmp(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

/* strcmp over at most n characters. */
int strncmp(const char *a, const char *b, size_t n)
{
	for (; n > 0; n--, a++, b++)
		if (*a != *b || *a == '\0')
			return (unsigned char)*a - (unsigned char)*b;
	return 0;
}

/* Copy src and its NUL to dst. Return: dst. */
char *strcpy(char *dst, const char *src)
{
	return memcpy(dst, src, strlen(src) + 1);
}

/* Copy at most n bytes of src, padding dst with NULs up to n. Return: dst. */
char *strncpy(char *dst, const char *src, size_t n)
{
	size_t i = 0;

	for (; i < n && src[i] != '\0'; i++)
		dst[i] = src[i];
	memset(dst + i, 0, n - i);
	return dst;
}

/* Append src to the string at dst. Return: dst. */
char *strcat(char *dst, const char *src)
{
	strcpy(dst + strlen(dst), src);
	return dst;
}

/* Return: the first c in s (c may be '\0'), or NULL. */
char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (*s == '\0')
			return NULL;
	}
}

/* Return: the last c in s (c may be '\0'), or NULL. */
char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (*s == '\0')
			return (char *)last;
	}
}

/* Copy at most size-1 bytes of src and a NUL (if size > 0).
 * Return: strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

/* Return: the first byte equal to c in s[0..n), or NULL. */
void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (size_t i = 0; i < n; i++)
		if (p[i] == (unsigned char)c)
			return (void *)(p + i);
	return NULL;
}

/* Return: the first place needle stands in haystack, or NULL. */
char *strstr(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	for (; *haystack != '\0'; haystack++)
		if (strncmp(haystack, needle, n) == 0)
			return (char *)haystack;
	return n == 0 ? (char *)haystack : NULL;
}

/* Return: the value of digit character c, or 99 if it is none. */
static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

/* Skip a 0x prefix in base 16 or 0, and settle base 0 by the prefix.
 * Return: the first digit. */
static const char *parse_base(const char *s, int *base)
{
	bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
		   digit_value(s[2]) < 16;

	if (hex && (*base == 0 || *base == 16)) {
		*base = 16;
		return s + 2;
	}
	if (*base == 0)
		*base = s[0] == '0' ? 8 : 10;
	return s;
}

/* Parse an optionally signed integer after leading spaces, in base (0: by
 * its 0x or 0 prefix); out-of-range values are clamped to the long's
 * range. *end (unless NULL) is set past it, or to s if there is none. */
long strtol(const char *s, char **end, int base)
{
	const char *p = s;
	unsigned long v = 0, limit;
	bool neg = false, any = false;

	while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		p++;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	p = parse_base(p, &base);
	limit = neg ? (unsigned long)__LONG_MAX__ + 1 : __LONG_MAX__;
	for (; base >= 2 && base <= 36 && digit_value(*p) < base; p++) {
		unsigned long d = digit_value(*p);
		v = v > (limit - d) / base ? limit : v * base + d;
		any = true;
	}
	if (end != NULL)
		*end = (char *)(any ? p : s);
	return neg ? (long)-v : (long)v;
}

/* strtol in base 10, as an int. */
int atoi(const char *s)
{
	return (int)strtol(s, NULL, 10);
}

/* Return: a short description of error code err (lib/abi/errcode.h). */
const char *strerror(int err)
{
	static const char *const text[] = {
	    "no error",	     "out of memory",	 "out of resources",
	    "not allocated", "already exists",	 "does not exist",
	    "incompatible",  "wrong file type",	 "registration failed",
	    "not empty",     "end of data",	 "not initialised",
	    "bad address",   "invalid argument", "no such child",
	};

	if (err > 0 || err < ERR_CHILD)
		return "unknown error";
	return text[-err];
}
