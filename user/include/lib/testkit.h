/* Small helpers shared by the project's own tests (not part of the course's
 * API, so lib/test.h does not include this header). */
#ifndef LIB_TESTKIT_H
#define LIB_TESTKIT_H

#include <lib/arch.h>
#include <lib/stddef.h>

/* The address space as tests probe it, from lib/arch.h's constants (the
 * same on every arch and paging mode): the user half is [0, USER_TOP); the
 * kernel half, KMAP_BASE to the top, is the last 256 of the 512 top-level
 * page-table slots, each TOP_SLOT_SIZE bytes (x86_64 and Sv48: 512 GiB,
 * Sv39: 1 GiB); between the two lie addresses that are neither. */
#define USER_TOP (USTACK_UPPERBOUND + 4096ul)
#define TOP_SLOT_SIZE (-KMAP_BASE / 256)

/* Block until fd yields a byte or every writer has closed it. Return: what
 * read returned (1: a byte came; 0: end of file). */
ssize_t pipe_await(int fd);
/* Write one byte to fd, which must succeed. */
void pipe_notify(int fd);
/* Was this kernel built with the eager fork (make FORK=eager)? From
 * info(), so that a test never guesses it from how fork behaves: a test
 * that also measures fork fails when the two disagree. */
bool fork_is_eager(void);
/* spawn the command line printf makes of fmt and the rest (at most 127
 * bytes), or fail the test naming it. Return: the child's pid. */
int spawnf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Read the initrd file name, at most size - 1 bytes, into buf and end it
 * with a NUL. Return: the bytes read, or the error of open or read. */
ssize_t read_small_file(const char *name, char *buf, size_t size);
/* Touch bytes of stack below the caller now, so that later stack growth
 * takes no frames (e.g. during a measurement or a leak check). */
void stack_prefault(size_t bytes);

#endif
