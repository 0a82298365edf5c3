/* printf and snprintf over one formatter. Output goes to a sink: either a
 * small buffer written to an fd whenever it fills (so printf needs little
 * stack), or a caller's string, truncated to its size. */
#include <lib/stdio.h>
#include <lib/string.h>
#include <lib/usyscall.h>

#define PRINTF_CHUNK 128

struct sink {
	char *buf;
	size_t size;  /* capacity of buf */
	size_t len;   /* characters in buf now */
	size_t total; /* characters produced so far */
	int fd;	      /* fd to flush to; -1 for a string sink */
	int err;      /* first write error, or 0 */
};

/* One conversion's flags, width and precision (-1: none), and the size of
 * its integer argument in "l"s (0 int, 1 long or size_t, 2 long long). */
struct spec {
	bool left;
	bool zero;
	size_t width;
	long prec;
	int size;
};

/* Write out an fd sink's buffer, remembering the first error. */
static void sink_flush(struct sink *s)
{
	ssize_t n;

	if (s->fd < 0 || s->len == 0)
		return;
	n = write(s->fd, s->buf, s->len);
	if (n < 0 && s->err == 0)
		s->err = (int)n;
	s->len = 0;
}

/* Add one character; a full fd sink is flushed first, while a string sink
 * drops what does not fit beside its terminating NUL. */
static void put(struct sink *s, char c)
{
	s->total++;
	if (s->fd >= 0 && s->len == s->size)
		sink_flush(s);
	if (s->fd >= 0 || s->len + 1 < s->size)
		s->buf[s->len++] = c;
}

static void put_repeat(struct sink *s, char c, size_t n)
{
	while (n-- > 0)
		put(s, c);
}

static void put_str(struct sink *s, const char *str, size_t len)
{
	while (len-- > 0)
		put(s, *str++);
}

/* Emit prefix (a sign or "0x") then body, padded to the spec's width: zeros
 * go between the prefix and the body, spaces outside both. */
static void put_field(struct sink *s, const struct spec *sp, const char *prefix,
		      const char *body, size_t len)
{
	size_t plen = strlen(prefix);
	size_t pad = sp->width > plen + len ? sp->width - plen - len : 0;

	if (!sp->left && !sp->zero)
		put_repeat(s, ' ', pad);
	put_str(s, prefix, plen);
	if (!sp->left && sp->zero)
		put_repeat(s, '0', pad);
	put_str(s, body, len);
	if (sp->left)
		put_repeat(s, ' ', pad);
}

/* Write v in base into the buffer ending at end, backwards.
 * Return: the first digit. */
static char *format_unsigned(unsigned long long v, unsigned base, bool upper,
			     char *end)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char *p = end;

	do {
		*--p = digits[v % base];
		v /= base;
	} while (v != 0);
	return p;
}

/* Fetch an integer argument of the spec's size. */
static long long arg_signed(const struct spec *sp, va_list *ap)
{
	if (sp->size >= 2)
		return va_arg(*ap, long long);
	if (sp->size == 1)
		return va_arg(*ap, long);
	return va_arg(*ap, int);
}

static unsigned long long arg_unsigned(const struct spec *sp, va_list *ap)
{
	if (sp->size >= 2)
		return va_arg(*ap, unsigned long long);
	if (sp->size == 1)
		return va_arg(*ap, unsigned long);
	return va_arg(*ap, unsigned int);
}

/* Emit one integer conversion (d i u x X p). */
static void put_integer(struct sink *s, const struct spec *sp, char conv,
			va_list *ap)
{
	char buf[24];
	char *end = buf + sizeof(buf);
	const char *prefix = "";
	unsigned long long v;
	char *p;

	if (conv == 'd' || conv == 'i') {
		long long sv = arg_signed(sp, ap);
		prefix = sv < 0 ? "-" : "";
		v = sv < 0 ? -(unsigned long long)sv : (unsigned long long)sv;
	} else if (conv == 'p') {
		prefix = "0x";
		v = (uintptr_t)va_arg(*ap, void *);
	} else {
		v = arg_unsigned(sp, ap);
	}
	p = format_unsigned(v,
			    conv == 'd' || conv == 'i' || conv == 'u' ? 10 : 16,
			    conv == 'X', end);
	put_field(s, sp, prefix, p, end - p);
}

/* Emit a %s conversion: at most prec characters of the string. */
static void put_string(struct sink *s, struct spec *sp, const char *str)
{
	size_t len = 0;

	if (str == NULL)
		str = "(null)";
	while (str[len] != '\0' && (sp->prec < 0 || len < (size_t)sp->prec))
		len++;
	sp->zero = false;
	put_field(s, sp, "", str, len);
}

/* Read a decimal number, or '*' meaning the next int argument. */
static long parse_number(const char **f, va_list *ap)
{
	long n = 0;

	if (**f == '*') {
		(*f)++;
		return va_arg(*ap, int);
	}
	while (**f >= '0' && **f <= '9')
		n = n * 10 + (*(*f)++ - '0');
	return n;
}

/* Parse flags, width, precision and size after a '%'.
 * Return: the conversion character's position. */
static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	long width;

	*sp = (struct spec){.prec = -1};
	for (;; f++) {
		if (*f == '-')
			sp->left = true;
		else if (*f == '0')
			sp->zero = true;
		else
			break;
	}
	width = parse_number(&f, ap);
	sp->left |= width < 0;
	sp->width = width < 0 ? -width : width;
	if (*f == '.') {
		f++;
		sp->prec = parse_number(&f, ap);
	}
	for (; *f == 'l' || *f == 'z' || *f == 'h'; f++)
		sp->size += *f != 'h'; /* h and hh: the int was promoted */
	return f;
}

/* Format fmt with the arguments ap into the sink; an unknown conversion
 * character is copied as it is. */
static void format(struct sink *s, const char *fmt, va_list *ap)
{
	struct spec sp;

	for (; *fmt != '\0'; fmt++) {
		if (*fmt != '%') {
			put(s, *fmt);
			continue;
		}
		fmt = parse_spec(fmt + 1, &sp, ap);
		if (*fmt == '\0')
			break;
		if (strchr("diuxXp", *fmt) != NULL)
			put_integer(s, &sp, *fmt, ap);
		else if (*fmt == 's')
			put_string(s, &sp, va_arg(*ap, const char *));
		else if (*fmt == 'c')
			put_field(s, &sp, "", &(char){(char)va_arg(*ap, int)},
				  1);
		else
			put(s, *fmt);
	}
}

int vprintf(const char *fmt, va_list ap)
{
	char buf[PRINTF_CHUNK];
	struct sink s = {.buf = buf, .size = sizeof(buf), .fd = 1};
	va_list copy;

	va_copy(copy, ap);
	format(&s, fmt, &copy);
	va_end(copy);
	sink_flush(&s);
	return s.err != 0 ? s.err : (int)s.total;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink s = {.buf = buf, .size = size, .fd = -1};
	va_list copy;

	va_copy(copy, ap);
	format(&s, fmt, &copy);
	va_end(copy);
	if (size > 0)
		buf[s.len] = '\0';
	return (int)s.total;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
