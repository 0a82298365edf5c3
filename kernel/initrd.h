/* The initrd: a cpio "newc" archive of every user program, the boot module
 * QEMU loads beside the kernel (docs/boot.md). Read-only; files are found
 * by bare name; their data stays in the module's frames. */
#ifndef KERNEL_INITRD_H
#define KERNEL_INITRD_H

#include "lib/types.h"

struct boot_info;

struct initrd_file {
	const char *name; /* NUL-terminated, inside the archive */
	const void *data;
	size_t size;
	int index; /* position in the archive, from 0 (an inode number) */
};

/* Read the archive where the arch found the module (bi->initrd_*), which
 * pmem_init has reserved and kmap_init mapped; with none, the initrd is
 * empty (every lookup fails). Says which on the console. */
void initrd_init(const struct boot_info *bi);
/* Find a file by name (a leading "/" is ignored). Returns false when there
 * is no such file. */
bool initrd_find(const char *name, struct initrd_file *f);
/* The index-th file of the archive; false past the last one. */
bool initrd_entry(int index, struct initrd_file *f);

#endif
