/* The initrd: a cpio "newc" archive of every user program, the boot module
 * QEMU loads beside the kernel (docs/boot.md). Read-only; files are found
 * by bare name and read with initrd_read. */
#ifndef KERNEL_INITRD_H
#define KERNEL_INITRD_H

#include "lib/types.h"

struct boot_info;

struct initrd_file {
	const char *name; /* NUL-terminated, in the kernel's index */
	uint64_t offset;  /* of the data in the archive (initrd_read's) */
	size_t size;
	int index; /* position in the archive, from 0 (an inode number) */
};

/* Index the archive where the arch found the module (bi->initrd_*, held
 * by pmem_init), then either keep its frames as the files' data or, when
 * the boot loader keeps a copy of its own (arch_boot_module_reread), give
 * them to pmem. Runs after pmem_init and before kmap_init, which maps a
 * held initrd read-only. With none, the initrd is empty (every lookup
 * fails). Says which on the console; panics when the index does not fit. */
void initrd_init(const struct boot_info *bi);
/* Find a file by name (a leading "/" is ignored). Returns false when there
 * is no such file. */
bool initrd_find(const char *name, struct initrd_file *f);
/* The index-th file of the archive; false past the last one. */
bool initrd_entry(int index, struct initrd_file *f);
/* Copy n bytes at offset off of file f to the kernel address dst. The range
 * must lie inside the file; panics when it does not, or when the loader's
 * copy can no longer be read. May be called from any CPU at once. */
void initrd_read(const struct initrd_file *f, size_t off, void *dst, size_t n);

#endif
