/* The user library: snprintf's conversions, padding and truncation; the
 * string functions and strtol; malloc, free, calloc and realloc reusing and
 * merging blocks, realloc in place. */
#include <lib/malloc.h>
#include <lib/stddef.h>
#include <lib/test.h>

/* Check that fmt formats to want, and that the return value is its length. */
#define CHECK_FORMAT(want, ...)                                                \
	do {                                                                   \
		char buf_[64];                                                 \
		int n_ = snprintf(buf_, sizeof(buf_), __VA_ARGS__);            \
		if (strcmp(buf_, want) != 0 || n_ != (int)strlen(want))        \
			error("line %d: got '%s' (%d), want '%s'", __LINE__,   \
			      buf_, n_, want);                                 \
	} while (0)

static void check_printf(void)
{
	char small[5];

	CHECK_FORMAT("42 -7 0 2147483647", "%d %i %d %d", 42, -7, 0,
		     2147483647);
	CHECK_FORMAT("-2147483648", "%d", (int)0x80000000);
	CHECK_FORMAT("4294967295 ffffffff FFFFFFFF", "%u %x %X", -1u, -1u, -1u);
	CHECK_FORMAT("-9223372036854775808", "%ld", (long)(1ul << 63));
	CHECK_FORMAT("18446744073709551615", "%lu", ~0ul);
	CHECK_FORMAT("123 -4 ab", "%zu %zd %lx", (size_t)123, (ssize_t)-4,
		     171ul);
	CHECK_FORMAT("0x0 0x1234", "%p %p", NULL, (void *)0x1234);
	CHECK_FORMAT("[  ab][ab  ][00042][-0042][   -42]",
		     "[%4s][%-4s][%05d][%05d][%6d]", "ab", "ab", 42, -42, -42);
	CHECK_FORMAT("[c][ c][%][ab]", "[%c][%2c][%%][%.2s]", 'c', 'c', "abc");
	CHECK_FORMAT("[    7]", "[%*d]", 5, 7);
	assert(snprintf(small, sizeof(small), "%s", "truncated") == 9);
	assert(strcmp(small, "trun") == 0);
	assert(snprintf(NULL, 0, "%d", 12345) == 5);
}

static void check_strings(void)
{
	char buf[16];
	char *end;

	assert(strlen("") == 0 && strlen("abc") == 3);
	assert(strcmp("abc", "abd") < 0 && strcmp("b", "a") > 0);
	assert(strcmp("ab", "abc") < 0 && strcmp("abc", "abc") == 0);
	assert(strncmp("abcx", "abcy", 3) == 0 && strncmp("a", "b", 0) == 0);
	assert(strcmp(strcat(strcpy(buf, "ab"), "cd"), "abcd") == 0);
	assert(strchr(buf, 'c') == buf + 2 && strchr(buf, 'z') == NULL);
	assert(strchr(buf, '\0') == buf + 4 && strrchr("abca", 'a') != NULL);
	assert(strstr("hello world", "o w") != NULL &&
	       strstr("ab", "c") == NULL);
	memset(buf, 'x', sizeof(buf));
	strncpy(buf, "ab", 4);
	assert(memcmp(buf, "ab\0\0x", 5) == 0);
	memmove(buf + 1, buf, 4);
	assert(memcmp(buf, "aab\0\0", 5) == 0);
	assert(strtol("  -0x1F", &end, 0) == -31 && *end == '\0');
	assert(strtol("0755", NULL, 0) == 0755 && strtol("z", &end, 36) == 35);
	assert(strtol("99999999999999999999", NULL, 10) == __LONG_MAX__);
	assert(strtol("abc", &end, 10) == 0 && *end == 'a');
	assert(atoi("123abc") == 123 && atoi("-8") == -8);
	assert(strcmp(strerror(ERR_FAULT), "bad address") == 0);
}

static void check_malloc(void)
{
	char *a = malloc(100), *b = malloc(200), *c;
	int *z;

	assert(a != NULL && b != NULL && a != b);
	assert((uintptr_t)a % 16 == 0 && (uintptr_t)b % 16 == 0);
	memset(a, 1, 100);
	memset(b, 2, 200);
	free(a);
	c = malloc(50);
	assert(c == a);
	free(c);
	free(b);
	c = malloc(290);
	assert(c == a);
	c = realloc(c, 10000);
	assert(c != NULL);
	c[9999] = 3;
	z = calloc(1000, sizeof(int));
	assert(z != NULL);
	for (int i = 0; i < 1000; i++)
		assert(z[i] == 0);
	assert(calloc(~(size_t)0, 16) == NULL);
	free(z);
	free(c);
	assert(malloc(0) == NULL);
	/* realloc grows in place into the free block after it. */
	a = malloc(100);
	b = malloc(100);
	c = malloc(16);
	free(b);
	assert(realloc(a, 200) == a && realloc(a, 20) == a);
	free(a);
	free(c);
}

int main(void)
{
	check_printf();
	check_strings();
	check_malloc();
	pass("ulib: printf, strings, malloc");
	return 0;
}
