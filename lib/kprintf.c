/*
 * kprintf: formatted console output, over the formatter that the user
 * library's printf shares (lib/format.h); %pS names kernel functions
 * through the symbol table (lib/ksyms.h).
 */
#include "lib/kprintf.h"

#include <arch/arch.h>

#include "lib/format.h"
#include "lib/ksyms.h"
#include "lib/spinlock.h"

static struct spinlock console_lock = SPINLOCK_INIT("console");

/* Write c to the console, a newline as CR LF. */
static void put_console(struct format_sink *s, char c)
{
	(void)s;
	if (c == '\n')
		arch_console_putc('\r');
	arch_console_putc(c);
}

/* Set by panic: from then on output skips the console lock, which the
 * panicking CPU may hold. */
bool kprintf_unlocked;

int kvprintf(const char *fmt, va_list ap)
{
	struct format_sink s = {.put = put_console, .symbol = ksym_lookup};
	bool locked = !kprintf_unlocked;

	if (locked)
		spin_lock(&console_lock);
	vformat(&s, fmt, ap);
	if (locked)
		spin_unlock(&console_lock);
	return (int)s.total;
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
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vformat_string(buf, size, ksym_lookup, fmt, ap);
	va_end(ap);
	return n;
}

void console_write(const char *buf, size_t n)
{
	spin_lock(&console_lock);
	for (size_t i = 0; i < n; i++)
		put_console(NULL, buf[i]);
	spin_unlock(&console_lock);
}
