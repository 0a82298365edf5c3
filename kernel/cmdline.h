/* The kernel command line: space-separated words, `key` or `key=value`. */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include "lib/types.h"

/* Is key present (as `key` or `key=...`)? If so and val is not NULL, copy
 * its value ("" for a bare key) into val, truncated to size - 1 bytes. */
bool cmdline_get(const char *cmdline, const char *key, char *val, size_t size);

#endif
