/* Helpers for test programs. With lib/stddef.h, this header brings every
 * syscall, error code, struct sys_info, printf and the layout macros. A test
 * passes when it prints "passed ..." and exits 0 without printing "ERROR". */
#ifndef LIB_TEST_H
#define LIB_TEST_H

#include <lib/stddef.h>
#include <lib/stdio.h>
#include <lib/string.h>
#include <lib/usyscall.h>

/* Print "passed <message>" and a newline. */
void pass(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "ERROR: <message>" and a newline, then exit with status 1. */
void error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
/* Print "Assertion failed (line N): <expr>" and exit with status 1. */
void assert_fail(int line, const char *expr) __attribute__((noreturn));

#define assert(cond)                                                           \
	do {                                                                   \
		if (!(cond))                                                   \
			assert_fail(__LINE__, #cond);                          \
	} while (0)

#endif
