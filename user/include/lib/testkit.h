/* Small helpers shared by the project's own tests (not part of the course's
 * API, so lib/test.h does not include this header). */
#ifndef LIB_TESTKIT_H
#define LIB_TESTKIT_H

#include <lib/stddef.h>

/* Block until fd yields a byte or every writer has closed it. Return: what
 * read returned (1: a byte came; 0: end of file). */
ssize_t pipe_await(int fd);
/* Write one byte to fd, which must succeed. */
void pipe_notify(int fd);
/* Touch bytes of stack below the caller now, so that later stack growth
 * takes no frames (e.g. during a measurement or a leak check). */
void stack_prefault(size_t bytes);

#endif
