/*
 * Memory and string functions, as in C's <string.h> and <stdlib.h>: one
 * library (lib/string.c) for the kernel and the user programs, whose
 * lib/string.h forwards here. Shared: it needs only the compiler's
 * <stddef.h>.
 */
#ifndef SUPPORT_STRING_H
#define SUPPORT_STRING_H

#include <stddef.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
/* The first byte equal to c in s[0..n), or NULL. */
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strcpy(char *dst, const char *src);
/* Copy at most n bytes of src, padding dst with NULs up to n. */
char *strncpy(char *dst, const char *src, size_t n);
/* Copy at most size-1 bytes of src and NUL-terminate; returns strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t size);
char *strcat(char *dst, const char *src);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);
/* Parse an optionally signed integer in base (0: by its 0x/0 prefix, or 2
 * to 36) after leading spaces; set *end past it unless end is NULL. */
long strtol(const char *s, char **end, int base);
int atoi(const char *s);
/* A short description of an error code from lib/errcode.h. */
const char *strerror(int err);

#endif
