/* Basic types shared by every part of the kernel. */
#ifndef SUPPORT_TYPES_H
#define SUPPORT_TYPES_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t paddr_t; /* a physical address */
typedef uint64_t vaddr_t; /* a virtual address */

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ROUND_DOWN(x, a) ((x) & ~((__typeof__(x))(a)-1))
#define ROUND_UP(x, a) ROUND_DOWN((x) + (a)-1, (a))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#define noreturn _Noreturn

#endif
