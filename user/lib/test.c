/* The test helpers of lib/test.h. Each prints its whole line with a single
 * printf, so the line reaches the test runner in one piece. */
#include <lib/test.h>

#define TEST_MSG_LEN 200

void pass(const char *fmt, ...)
{
	char msg[TEST_MSG_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printf("passed %s\n", msg);
}

void error(const char *fmt, ...)
{
	char msg[TEST_MSG_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printf("ERROR: %s\n", msg);
	exit(1);
}

void assert_fail(int line, const char *expr)
{
	printf("Assertion failed (line %d): %s\n", line, expr);
	exit(1);
}
