/*
 * The initrd: the cpio "newc" archive QEMU loads as a boot module. Each
 * member is a 110-byte ASCII header ("070701" and 13 eight-digit hex
 * fields), its name, padding to 4 bytes, its data, padding to 4 bytes;
 * "TRAILER!!!" ends the archive.
 *
 * initrd_init walks the archive once, in place, into an index of its files
 * (name, where the data starts, size). From then on the files' bytes come
 * from one of two places (docs/boot.md):
 *
 *   the module's frames, held by pmem_init and     (no other copy: RISC-V)
 *   mapped read-only, for as long as the kernel runs
 *   the boot loader's own copy, outside guest RAM  (x86_64: QEMU's fw_cfg)
 *   through arch_boot_module_reread; the module's frames go back to pmem
 *   before the first process starts
 */
#include "kernel/initrd.h"

#include <arch/arch.h>

#include "lib/kprintf.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/pmem.h"

#define NEWC_HEADER 110
#define NEWC_FILESIZE 6 /* field numbers, after the 6-byte magic */
#define NEWC_NAMESIZE 11
#define CHECK_BYTES 4096 /* compared with the loader's copy at each end */

/* One file of the index, in archive order. */
struct initrd_entry {
	struct initrd_entry *next;
	uint64_t offset; /* of the data, from the start of the archive */
	size_t size;
	int index;
	char name[];
};

static struct initrd_entry *entries;
/* The archive in place while its frames are held; NULL when the files are
 * read from the loader's copy (or there is no initrd). */
static const char *module;

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

/* Decode the member at offset *pos of the archive [base, base + total)
 * into its name, data offset and size, and advance *pos; false at the end
 * of the archive or on a malformed member. */
static bool newc_next(const char *base, size_t total, size_t *pos,
		      const char **name, uint64_t *data, size_t *size)
{
	const char *hdr = base + *pos;
	size_t left = total - *pos;
	long namesize, filesize;

	if (left < NEWC_HEADER || memcmp(hdr, "070701", 6) != 0)
		return false;
	namesize = newc_field(hdr, NEWC_NAMESIZE);
	filesize = newc_field(hdr, NEWC_FILESIZE);
	if (namesize < 1 || filesize < 0 ||
	    (size_t)(ROUND_UP(NEWC_HEADER + namesize, 4) + filesize) > left ||
	    hdr[NEWC_HEADER + namesize - 1] != '\0')
		return false;
	*name = hdr + NEWC_HEADER;
	if (!strcmp(*name, "TRAILER!!!"))
		return false;
	*data = *pos + ROUND_UP(NEWC_HEADER + namesize, 4);
	*size = filesize;
	*pos = *data + ROUND_UP(filesize, 4);
	return true;
}

/* Index every file of the archive [base, base + total) but "." (the
 * archive's own directory); returns how many. Panics when kmalloc cannot
 * hold the index. */
static int index_archive(const char *base, size_t total)
{
	struct initrd_entry **tail = &entries;
	const char *name;
	uint64_t data;
	size_t pos = 0, size;
	int n = 0;

	while (newc_next(base, total, &pos, &name, &data, &size)) {
		size_t len = strlen(name);
		struct initrd_entry *e;

		if (!strcmp(name, "."))
			continue;
		e = kmalloc(sizeof(*e) + len + 1);
		if (!e)
			panic("initrd_init: no memory for the index of %s",
			      name);
		*e = (struct initrd_entry){NULL, data, size, n++};
		memcpy(e->name, name, len + 1);
		*tail = e;
		tail = &e->next;
	}
	return n;
}

/* Does the loader hold a copy of the archive [base, base + total) that
 * arch_boot_module_reread reaches? Compares the first and the last
 * CHECK_BYTES. */
static bool loader_has_copy(const char *base, size_t total)
{
	char *buf = kmalloc(CHECK_BYTES);
	size_t n = MIN(total, (size_t)CHECK_BYTES);
	bool same;

	if (!buf)
		return false;
	same = arch_boot_module_reread(0, buf, n) && !memcmp(buf, base, n) &&
	       arch_boot_module_reread(total - n, buf, n) &&
	       !memcmp(buf, base + total - n, n);
	kfree(buf);
	return same;
}

void initrd_init(const struct boot_info *bi)
{
	const char *base = P2V(bi->initrd_base);
	int files;

	if (!bi->initrd_size) {
		kprintf("initrd: none (QEMU was not given one): no programs\n");
		return;
	}
	files = index_archive(base, bi->initrd_size);
	kprintf("initrd: [%p, %p) %lu KiB, %d files%s, ",
		(void *)bi->initrd_base,
		(void *)(bi->initrd_base + bi->initrd_size),
		(unsigned long)(bi->initrd_size >> 10), files,
		files ? "" : " (not a cpio newc archive?)");
	if (loader_has_copy(base, bi->initrd_size)) {
		pmem_release(bi->initrd_base, bi->initrd_size);
		kprintf("read from the boot loader's copy: frames freed\n");
	} else {
		module = base;
		kprintf("kept in place as the files' data\n");
	}
}

/* Fill f from entry e. */
static bool found(const struct initrd_entry *e, struct initrd_file *f)
{
	if (!e)
		return false;
	*f = (struct initrd_file){e->name, e->offset, e->size, e->index};
	return true;
}

bool initrd_entry(int index, struct initrd_file *f)
{
	const struct initrd_entry *e = entries;

	while (e && e->index != index)
		e = e->next;
	return found(e, f);
}

bool initrd_find(const char *name, struct initrd_file *f)
{
	const struct initrd_entry *e = entries;

	while (*name == '/')
		name++;
	while (e && strcmp(e->name, name) != 0)
		e = e->next;
	return found(e, f);
}

void initrd_read(const struct initrd_file *f, size_t off, void *dst, size_t n)
{
	if (off > f->size || n > f->size - off)
		panic("initrd_read: [%lu, +%lu) is outside %s (%lu bytes)",
		      (unsigned long)off, (unsigned long)n, f->name,
		      (unsigned long)f->size);
	if (module)
		memcpy(dst, module + f->offset + off, n);
	else if (!arch_boot_module_reread(f->offset + off, dst, n))
		panic("initrd_read: the boot loader's copy of %s is gone",
		      f->name);
}
