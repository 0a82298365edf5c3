/* The initrd: a cpio "newc" archive of every user program, linked into the
 * kernel image. Read-only; files are found by bare name. */
#ifndef KERNEL_INITRD_H
#define KERNEL_INITRD_H

#include "lib/types.h"

struct initrd_file {
	const char *name; /* NUL-terminated, inside the archive */
	const void *data;
	size_t size;
	int index; /* position in the archive, from 0 (an inode number) */
};

/* Find a file by name (a leading "/" is ignored). Returns false when there
 * is no such file. */
bool initrd_find(const char *name, struct initrd_file *f);
/* The index-th file of the archive; false past the last one. */
bool initrd_entry(int index, struct initrd_file *f);

#endif
