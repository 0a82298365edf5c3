/*
 * The formatter of lib/format.h, compiled into the kernel and into the user
 * library: it includes only headers of its own folder (which resolve the
 * same in both builds) and calls nothing but lib/string.c and its sink.
 */
#include "format.h"

#include <stdbool.h>

#include "string.h"

/* One conversion's flags, width and precision (-1: none), and the size of
 * its integer argument in "l"s (0 int, 1 long or size_t, 2 long long). */
struct spec {
	bool left;
	bool zero;
	size_t width;
	long prec;
	int size;
};

/* Put one character into the sink, counting it. */
static void put(struct format_sink *s, char c)
{
	s->total++;
	s->put(s, c);
}

/* Put n copies of c. */
static void put_repeat(struct format_sink *s, char c, size_t n)
{
	while (n-- > 0)
		put(s, c);
}

/* Put the len characters of str. */
static void put_str(struct format_sink *s, const char *str, size_t len)
{
	while (len-- > 0)
		put(s, *str++);
}

/* Put prefix (a sign or "0x") then body, padded to the spec's width: zeros
 * go between the prefix and the body, spaces outside both. */
static void put_field(struct format_sink *s, const struct spec *sp,
		      const char *prefix, const char *body, size_t len)
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

/* Fetch a signed integer argument of the spec's size. */
static long long arg_signed(const struct spec *sp, va_list *ap)
{
	if (sp->size >= 2)
		return va_arg(*ap, long long);
	if (sp->size == 1)
		return va_arg(*ap, long);
	return va_arg(*ap, int);
}

/* Fetch an unsigned integer argument of the spec's size. */
static unsigned long long arg_unsigned(const struct spec *sp, va_list *ap)
{
	if (sp->size >= 2)
		return va_arg(*ap, unsigned long long);
	if (sp->size == 1)
		return va_arg(*ap, unsigned long);
	return va_arg(*ap, unsigned int);
}

/* Put v in base 16 or 10, with the spec's padding and prefix. */
static void put_unsigned(struct format_sink *s, const struct spec *sp,
			 const char *prefix, unsigned long long v,
			 unsigned base, bool upper)
{
	char buf[24];
	char *end = buf + sizeof(buf);
	char *p = format_unsigned(v, base, upper, end);

	put_field(s, sp, prefix, p, end - p);
}

/* Put " (name+0xoffset)" for the function holding addr, if the sink's
 * symbol hook knows one. */
static void put_symbol(struct format_sink *s, uintptr_t addr)
{
	static const struct spec plain = {.prec = -1};
	uintptr_t off;
	const char *name = s->symbol ? s->symbol(addr, &off) : NULL;

	if (name == NULL)
		return;
	put_str(s, " (", 2);
	put_str(s, name, strlen(name));
	put_unsigned(s, &plain, "+0x", off, 16, false);
	put(s, ')');
}

/* Put a %p conversion (at fmt), or %pS with the symbol too.
 * Return: the conversion's last character. */
static const char *put_pointer(struct format_sink *s, const struct spec *sp,
			       const char *fmt, va_list *ap)
{
	uintptr_t p = (uintptr_t)va_arg(*ap, void *);

	put_unsigned(s, sp, "0x", p, 16, false);
	if (fmt[1] != 'S')
		return fmt;
	put_symbol(s, p);
	return fmt + 1;
}

/* Put one integer conversion: d, i, u, x or X. */
static void put_integer(struct format_sink *s, const struct spec *sp, char conv,
			va_list *ap)
{
	long long v;
	unsigned long long u;

	if (conv == 'd' || conv == 'i') {
		v = arg_signed(sp, ap);
		u = v < 0 ? -(unsigned long long)v : (unsigned long long)v;
		put_unsigned(s, sp, v < 0 ? "-" : "", u, 10, false);
	} else {
		put_unsigned(s, sp, "", arg_unsigned(sp, ap),
			     conv == 'u' ? 10 : 16, conv == 'X');
	}
}

/* Put a %s conversion: at most the precision's characters of str. */
static void put_string(struct format_sink *s, struct spec *sp, const char *str)
{
	size_t len = 0;

	if (str == NULL)
		str = "(null)";
	while (str[len] != '\0' && (sp->prec < 0 || len < (size_t)sp->prec))
		len++;
	sp->zero = false;
	put_field(s, sp, "", str, len);
}

/* Read a decimal number at *f, or '*' meaning the next int argument. */
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

/* Parse the flags, width, precision and size after a '%'.
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

/* Put the conversion at fmt (not '\0') with the parsed spec.
 * Return: the conversion's last character. */
static const char *put_conversion(struct format_sink *s, struct spec *sp,
				  const char *fmt, va_list *ap)
{
	switch (*fmt) {
	case 'd':
	case 'i':
	case 'u':
	case 'x':
	case 'X':
		put_integer(s, sp, *fmt, ap);
		break;
	case 'p':
		return put_pointer(s, sp, fmt, ap);
	case 's':
		put_string(s, sp, va_arg(*ap, const char *));
		break;
	case 'c':
		put_field(s, sp, "", &(char){(char)va_arg(*ap, int)}, 1);
		break;
	case '%':
		put(s, '%');
		break;
	default: /* unknown: as written */
		put(s, '%');
		put(s, *fmt);
	}
	return fmt;
}

void vformat(struct format_sink *s, const char *fmt, va_list ap)
{
	struct spec sp;
	va_list args;

	va_copy(args, ap);
	for (; *fmt != '\0'; fmt++) {
		if (*fmt != '%') {
			put(s, *fmt);
			continue;
		}
		fmt = parse_spec(fmt + 1, &sp, &args);
		if (*fmt == '\0')
			break;
		fmt = put_conversion(s, &sp, fmt, &args);
	}
	va_end(args);
}

/* A sink into a string of size bytes, dropping what does not fit beside
 * its terminating NUL. */
struct string_sink {
	struct format_sink sink;
	char *buf;
	size_t size, len; /* len: characters stored */
};

/* Store c if it fits. */
static void put_to_string(struct format_sink *s, char c)
{
	struct string_sink *str = (struct string_sink *)s;

	if (str->len + 1 < str->size)
		str->buf[str->len++] = c;
}

int vformat_string(char *buf, size_t size, format_symbol_fn *symbol,
		   const char *fmt, va_list ap)
{
	struct string_sink s = {
	    .sink = {.put = put_to_string, .symbol = symbol},
	    .buf = buf,
	    .size = size,
	};

	vformat(&s.sink, fmt, ap);
	if (size > 0)
		buf[s.len] = '\0';
	return (int)s.sink.total;
}
