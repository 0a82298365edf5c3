/*
 * kprintf: formatted console output. One formatter (format_to) writes
 * through a sink, so kprintf and ksnprintf share every conversion.
 */
#include "lib/kprintf.h"

#include <arch/arch.h>

#include "lib/ksyms.h"
#include "lib/spinlock.h"
#include "lib/string.h"

struct sink {
	void (*put)(struct sink *s, char c);
	char *buf; /* ksnprintf: destination */
	size_t size, len;
};

static struct spinlock console_lock = SPINLOCK_INIT("console");

static void put_console(struct sink *s, char c)
{
	if (c == '\n')
		arch_console_putc('\r');
	arch_console_putc(c);
	s->len++;
}

static void put_buffer(struct sink *s, char c)
{
	if (s->len + 1 < s->size)
		s->buf[s->len] = c;
	s->len++;
}

struct spec {
	bool left, zero;
	int width;
};

/* Emit str (len bytes) padded to the spec's width. */
static void emit(struct sink *s, const struct spec *sp, const char *str,
		 size_t len)
{
	size_t pad = sp->width > (int)len ? sp->width - len : 0;
	char fill = sp->zero && !sp->left ? '0' : ' ';
	size_t i = 0;

	/* Zero padding goes after the sign. */
	if (fill == '0' && len && str[0] == '-') {
		s->put(s, '-');
		str++, len--;
	}
	if (!sp->left)
		while (pad--)
			s->put(s, fill);
	for (i = 0; i < len; i++)
		s->put(s, str[i]);
	if (sp->left)
		while (pad--)
			s->put(s, ' ');
}

/* Emit v in base (10 or 16), negative when neg. */
static void emit_number(struct sink *s, const struct spec *sp, uint64_t v,
			unsigned base, bool neg, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int i = sizeof(tmp);

	do {
		tmp[--i] = digits[v % base];
		v /= base;
	} while (v);
	if (neg)
		tmp[--i] = '-';
	emit(s, sp, tmp + i, sizeof(tmp) - i);
}

/* Emit pointer p as 0x and hex digits; with symbol, the function holding
 * it too (lib/ksyms.h), when there is one. */
static void emit_pointer(struct sink *s, const struct spec *sp, uintptr_t p,
			 bool symbol)
{
	struct spec plain = {false, false, 0};
	const char *name = NULL;
	uintptr_t off;

	s->put(s, '0');
	s->put(s, 'x');
	emit_number(s, sp, p, 16, false, false);
	if (symbol)
		name = ksym_lookup(p, &off);
	if (!name)
		return;
	emit(s, &plain, " (", 2);
	emit(s, &plain, name, strlen(name));
	emit(s, &plain, "+0x", 3);
	emit_number(s, &plain, off, 16, false, false);
	s->put(s, ')');
}

/* Read the integer argument of size lng (0 int, 1 long, 2 long long/size_t). */
static uint64_t arg_unsigned(va_list *ap, int lng)
{
	if (lng)
		return va_arg(*ap, unsigned long);
	return va_arg(*ap, unsigned int);
}

static int64_t arg_signed(va_list *ap, int lng)
{
	if (lng)
		return va_arg(*ap, long);
	return va_arg(*ap, int);
}

static void format_to(struct sink *s, const char *fmt, va_list ap)
{
	va_list args;
	va_copy(args, ap);
	for (; *fmt; fmt++) {
		struct spec sp = {false, false, 0};
		int lng = 0;

		if (*fmt != '%') {
			s->put(s, *fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				sp.left = true;
			else if (*fmt == '0')
				sp.zero = true;
			else
				break;
		}
		while (*fmt >= '0' && *fmt <= '9')
			sp.width = sp.width * 10 + (*fmt++ - '0');
		while (*fmt == 'l' || *fmt == 'z')
			lng++, fmt++;

		switch (*fmt) {
		case 'd':
		case 'i': {
			int64_t v = arg_signed(&args, lng);
			emit_number(s, &sp, v < 0 ? -(uint64_t)v : (uint64_t)v,
				    10, v < 0, false);
			break;
		}
		case 'u':
			emit_number(s, &sp, arg_unsigned(&args, lng), 10, false,
				    false);
			break;
		case 'x':
		case 'X':
			emit_number(s, &sp, arg_unsigned(&args, lng), 16, false,
				    *fmt == 'X');
			break;
		case 'p':
			emit_pointer(s, &sp, (uintptr_t)va_arg(args, void *),
				     fmt[1] == 'S');
			if (fmt[1] == 'S')
				fmt++;
			break;
		case 's': {
			const char *str = va_arg(args, const char *);
			if (!str)
				str = "(null)";
			emit(s, &sp, str, strlen(str));
			break;
		}
		case 'c': {
			char c = (char)va_arg(args, int);
			emit(s, &sp, &c, 1);
			break;
		}
		case '%':
			s->put(s, '%');
			break;
		case '\0':
			va_end(args);
			return;
		default: /* unknown conversion: show it as written */
			s->put(s, '%');
			s->put(s, *fmt);
		}
	}
	va_end(args);
}

/* Set by panic: from then on output skips the console lock, which the
 * panicking CPU may hold. */
bool kprintf_unlocked;

int kvprintf(const char *fmt, va_list ap)
{
	struct sink s = {.put = put_console};
	bool locked = !kprintf_unlocked;

	if (locked)
		spin_lock(&console_lock);
	format_to(&s, fmt, ap);
	if (locked)
		spin_unlock(&console_lock);
	return (int)s.len;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	struct sink s = {.put = put_buffer, .buf = buf, .size = size};
	va_list ap;

	va_start(ap, fmt);
	format_to(&s, fmt, ap);
	va_end(ap);
	if (size)
		buf[s.len < size ? s.len : size - 1] = '\0';
	return (int)s.len;
}

void console_write(const char *buf, size_t n)
{
	struct sink s = {.put = put_console};

	spin_lock(&console_lock);
	for (size_t i = 0; i < n; i++)
		put_console(&s, buf[i]);
	spin_unlock(&console_lock);
}
