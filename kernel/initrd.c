/*
 * Reading the cpio "newc" initrd. Each member is a 110-byte ASCII header
 * ("070701" and 13 eight-digit hex fields), its name, padding to 4 bytes,
 * its data, padding to 4 bytes; "TRAILER!!!" ends the archive. The archive
 * is the boot module, read in place through the direct map.
 */
#include "kernel/initrd.h"

#include <arch/arch.h>

#include "lib/kprintf.h"
#include "lib/string.h"
#include "mm/pmem.h"

/* The archive, [initrd_start, initrd_end); empty until initrd_init. */
static const char *initrd_start, *initrd_end;

#define NEWC_HEADER 110
#define NEWC_FILESIZE 6 /* field numbers, after the 6-byte magic */
#define NEWC_NAMESIZE 11

/* Field n (0-based) of a newc header, or -1 when it is not hex. */
static long newc_field(const char *hdr, int n)
{
	long v = 0;
	for (int i = 0; i < 8; i++) {
		char c = hdr[6 + n * 8 + i];
		int d = c >= '0' && c <= '9'   ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10
					       : -1;
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/* Decode the member at *pos into f and advance *pos; false at the end of
 * the archive or on a malformed member. */
static bool newc_next(const char **pos, struct initrd_file *f)
{
	const char *hdr = *pos;
	long namesize, filesize;
	size_t left = initrd_end - hdr;

	if (left < NEWC_HEADER || memcmp(hdr, "070701", 6) != 0)
		return false;
	namesize = newc_field(hdr, NEWC_NAMESIZE);
	filesize = newc_field(hdr, NEWC_FILESIZE);
	if (namesize < 1 || filesize < 0 ||
	    (size_t)(ROUND_UP(NEWC_HEADER + namesize, 4) + filesize) > left ||
	    hdr[NEWC_HEADER + namesize - 1] != '\0')
		return false;
	f->name = hdr + NEWC_HEADER;
	if (!strcmp(f->name, "TRAILER!!!"))
		return false;
	f->data = hdr + ROUND_UP(NEWC_HEADER + namesize, 4);
	f->size = filesize;
	*pos = (const char *)f->data + ROUND_UP(filesize, 4);
	return true;
}

/* Walk the archive for the file called name (when name is not NULL) or
 * else the index-th file; "." (the archive's own directory) is skipped. */
static bool scan(const char *name, int index, struct initrd_file *f)
{
	const char *pos = initrd_start;
	int i = 0;

	while (newc_next(&pos, f)) {
		if (!strcmp(f->name, "."))
			continue;
		f->index = i++;
		if (name ? !strcmp(f->name, name) : f->index == index)
			return true;
	}
	return false;
}

bool initrd_entry(int index, struct initrd_file *f)
{
	return index >= 0 && scan(NULL, index, f);
}

bool initrd_find(const char *name, struct initrd_file *f)
{
	while (*name == '/')
		name++;
	return scan(name, 0, f);
}

void initrd_init(const struct boot_info *bi)
{
	if (!bi->initrd_size) {
		kprintf("initrd: none (QEMU was not given one): no programs\n");
		return;
	}
	initrd_start = P2V(bi->initrd_base);
	initrd_end = initrd_start + bi->initrd_size;
	kprintf("initrd: [%p, %p) %lu KiB, kept in place as the files' data\n",
		(void *)bi->initrd_base,
		(void *)(bi->initrd_base + bi->initrd_size),
		(unsigned long)(bi->initrd_size >> 10));
}
