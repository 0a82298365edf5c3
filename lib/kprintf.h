/* Console output, panic and assert. */
#ifndef SUPPORT_KPRINTF_H
#define SUPPORT_KPRINTF_H

#include "lib/types.h"

/* printf to the console. The conversions are lib/format.h's, with %pS a
 * kernel code address followed by the function holding it:
 * "0xffffffff80103339 (fault_text_write+0x9)". */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list ap);
/* Format into buf (always NUL-terminated); returns the length it wanted. */
int ksnprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Write n bytes of kernel text to the console, as one piece. */
void console_write(const char *buf, size_t n);

/* Print "panic: <message>", the CPU state and a backtrace, stop every CPU
 * and leave QEMU with a failure status (or the panic hook's: lib/panic.h,
 * which also has panic_at and backtrace). */
noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define assert(c)                                                              \
	do {                                                                   \
		if (!(c))                                                      \
			panic("assertion '%s' failed at %s:%d", #c, __FILE__,  \
			      __LINE__);                                       \
	} while (0)

#endif
