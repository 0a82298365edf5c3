/* The ELF64 loader: static executables for the running arch. */
#ifndef KERNEL_ELF_H
#define KERNEL_ELF_H

#include "lib/types.h"

struct addrspace;
struct initrd_file;

/* Check the ELF image in file and load its PT_LOAD segments into as:
 * one memregion per segment with the segment's permissions, every page
 * present. Returns 0 with *entry and *data_end (the highest segment end),
 * or ERR_INVAL for anything malformed or hostile (wrong magic, class,
 * machine or type, segments outside user space, overlapping or wrapping,
 * file size above memory size, truncated, write+execute), or ERR_NOMEM.
 * On error, as may hold part of the image: the caller destroys it. */
int elf_load(struct addrspace *as, const struct initrd_file *file,
	     uintptr_t *entry, uintptr_t *data_end);

#endif
