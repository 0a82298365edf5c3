/* Basic types for user programs (there is no libc): size_t, ssize_t, NULL,
 * bool, the fixed-width integers, and the syscall API (lib/usyscall.h), so
 * that this header and lib/test.h are all a test program needs. */
#ifndef LIB_STDDEF_H
#define LIB_STDDEF_H

/* Spelled as the compiler's own headers spell them, so that a program may
 * also include <stddef.h>, <stdint.h> or <stdbool.h>. */
typedef __SIZE_TYPE__ size_t;
typedef long ssize_t;
typedef __PTRDIFF_TYPE__ ptrdiff_t;
typedef __INT8_TYPE__ int8_t;
typedef __INT16_TYPE__ int16_t;
typedef __INT32_TYPE__ int32_t;
typedef __INT64_TYPE__ int64_t;
typedef __UINT8_TYPE__ uint8_t;
typedef __UINT16_TYPE__ uint16_t;
typedef __UINT32_TYPE__ uint32_t;
typedef __UINT64_TYPE__ uint64_t;
typedef __INTPTR_TYPE__ intptr_t;
typedef __UINTPTR_TYPE__ uintptr_t;

/* File permission bits for open (unused: the initrd is read-only). */
typedef unsigned int fmode_t;

#define NULL ((void *)0)
#define offsetof(type, member) __builtin_offsetof(type, member)

#ifndef __cplusplus
#define bool _Bool
#define true 1
#define false 0
#endif

#include <lib/usyscall.h>

#endif
