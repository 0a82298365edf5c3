/* Memory and string functions. Built with -fno-tree-loop-distribute-patterns
 * so that the compiler does not turn these loops into calls to themselves. */
#include <lib/errcode.h>
#include <lib/string.h>

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	while (n-- > 0)
		*d++ = (unsigned char)c;
	return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (n-- > 0)
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

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (; n > 0; n--, p++, q++)
		if (*p != *q)
			return *p - *q;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0')
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n > 0; n--, a++, b++)
		if (*a != *b || *a == '\0')
			return (unsigned char)*a - (unsigned char)*b;
	return 0;
}

char *strcpy(char *dst, const char *src)
{
	return memcpy(dst, src, strlen(src) + 1);
}

char *strncpy(char *dst, const char *src, size_t n)
{
	size_t i = 0;

	for (; i < n && src[i] != '\0'; i++)
		dst[i] = src[i];
	memset(dst + i, 0, n - i);
	return dst;
}

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

/* Out-of-range values are clamped to the long's range. */
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

int atoi(const char *s)
{
	return (int)strtol(s, NULL, 10);
}

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
