/* printf and snprintf over the formatter the kernel shares (lib/format.h).
 * printf's sink is a small buffer written to fd 1 whenever it fills (so
 * printf needs little stack); snprintf's is the caller's string. */
#include <lib/stdio.h>
#include <lib/usyscall.h>

#include "../../lib/format.h"

#define PRINTF_CHUNK 128

/* A sink that writes to fd through a buffer. */
struct fd_sink {
	struct format_sink sink;
	char buf[PRINTF_CHUNK];
	size_t len; /* characters in buf now */
	int fd;
	int err; /* first write error, or 0 */
};

/* Write out the buffer, remembering the first error. */
static void fd_flush(struct fd_sink *s)
{
	ssize_t n;

	if (s->len == 0)
		return;
	n = write(s->fd, s->buf, s->len);
	if (n < 0 && s->err == 0)
		s->err = (int)n;
	s->len = 0;
}

/* Add c to the buffer, flushing it first when full. */
static void put_fd(struct format_sink *sink, char c)
{
	struct fd_sink *s = (struct fd_sink *)sink;

	if (s->len == sizeof(s->buf))
		fd_flush(s);
	s->buf[s->len++] = c;
}

int vprintf(const char *fmt, va_list ap)
{
	struct fd_sink s = {.sink = {.put = put_fd}, .fd = 1};

	vformat(&s.sink, fmt, ap);
	fd_flush(&s);
	return s.err != 0 ? s.err : (int)s.sink.total;
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
	return vformat_string(buf, size, NULL, fmt, ap);
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
