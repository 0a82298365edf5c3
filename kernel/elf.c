/* The ELF64 loader (see elf.h). Only what a static executable needs. */
#include "kernel/elf.h"

#include <arch/arch.h>
#include <arch/perm.h>

#include "kernel/initrd.h"
#include "lib/abi/errcode.h"
#include "lib/string.h"
#include "mm/addrspace.h"

#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define ET_EXEC 2
#define PT_LOAD 1
#define PF_X 1
#define PF_W 2
#define PF_R 4
#define ELF_MAX_PHDRS 64

struct elf64_ehdr {
	unsigned char e_ident[16];
	uint16_t e_type, e_machine;
	uint32_t e_version;
	uint64_t e_entry, e_phoff, e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum,
	    e_shstrndx;
};

struct elf64_phdr {
	uint32_t p_type, p_flags;
	uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

/* Is the header one of ours: ELF64, little-endian, executable, this arch,
 * with a program-header table inside the file? */
static bool header_ok(const struct elf64_ehdr *eh, size_t size)
{
	if (memcmp(eh->e_ident, "\177ELF", 4) != 0)
		return false;
	if (eh->e_ident[4] != ELFCLASS64 || eh->e_ident[5] != ELFDATA2LSB ||
	    eh->e_type != ET_EXEC || eh->e_machine != ELF_MACHINE)
		return false;
	if (eh->e_phentsize != sizeof(struct elf64_phdr) || eh->e_phnum == 0 ||
	    eh->e_phnum > ELF_MAX_PHDRS)
		return false;
	return eh->e_phoff <= size &&
	       eh->e_phnum * sizeof(struct elf64_phdr) <= size - eh->e_phoff;
}

/* Is a PT_LOAD segment sane: inside the file and inside user space below
 * the stack, not wrapping, file size <= memory size, never W+X? */
static bool segment_ok(const struct elf64_phdr *ph, size_t size)
{
	uint64_t end = ph->p_vaddr + ph->p_memsz;

	if (ph->p_filesz > ph->p_memsz || ph->p_offset > size ||
	    ph->p_filesz > size - ph->p_offset)
		return false;
	/* The heap starts at the page after the segments: leave it room. */
	if (end < ph->p_vaddr || ph->p_vaddr < PAGE_SIZE ||
	    ROUND_UP(end, PAGE_SIZE) < end ||
	    ROUND_UP(end, PAGE_SIZE) >= USTACK_BOTTOM)
		return false;
	return !((ph->p_flags & PF_W) && (ph->p_flags & PF_X));
}

static unsigned segment_perm(const struct elf64_phdr *ph)
{
	unsigned perm = PERM_R; /* every segment is at least readable */
	if (ph->p_flags & PF_W)
		perm |= PERM_W;
	if (ph->p_flags & PF_X)
		perm |= PERM_X;
	return perm;
}

/* Make every page of the segment present: file bytes, then zeros. */
static int segment_load(struct addrspace *as, const struct elf64_phdr *ph,
			const struct initrd_file *file)
{
	vaddr_t start = ROUND_DOWN(ph->p_vaddr, PAGE_SIZE);
	vaddr_t end = ROUND_UP(ph->p_vaddr + ph->p_memsz, PAGE_SIZE);
	struct memregion *r;

	if (!as_region_fits(as, start, end))
		return ERR_INVAL; /* overlaps another segment */
	r = as_add_memregion(as, start, end, segment_perm(ph));
	if (!r)
		return ERR_NOMEM;
	for (vaddr_t va = start; va < end; va += PAGE_SIZE) {
		char *page = as_map_new_page(as, r, va, true);
		/* The part of [p_vaddr, p_vaddr + p_filesz) on this page. */
		vaddr_t lo = MAX(va, ph->p_vaddr);
		vaddr_t hi = MIN(va + PAGE_SIZE, ph->p_vaddr + ph->p_filesz);

		if (!page)
			return ERR_NOMEM;
		if (lo < hi)
			initrd_read(file, ph->p_offset + (lo - ph->p_vaddr),
				    page + (lo - va), hi - lo);
	}
	return 0;
}

/* The headers are read into local copies: the file's bytes are reached
 * only through initrd_read. */
int elf_load(struct addrspace *as, const struct initrd_file *file,
	     uintptr_t *entry, uintptr_t *data_end)
{
	struct elf64_ehdr eh;
	bool entry_ok = false;
	size_t size = file->size;

	if (size < sizeof(eh))
		return ERR_INVAL;
	initrd_read(file, 0, &eh, sizeof(eh));
	if (!header_ok(&eh, size))
		return ERR_INVAL;
	*data_end = 0;
	for (int i = 0; i < eh.e_phnum; i++) {
		struct elf64_phdr ph;
		int err;

		initrd_read(file, eh.e_phoff + i * sizeof(ph), &ph, sizeof(ph));
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (!segment_ok(&ph, size))
			return ERR_INVAL;
		err = segment_load(as, &ph, file);
		if (err)
			return err;
		*data_end = MAX(*data_end, ph.p_vaddr + ph.p_memsz);
		entry_ok |= (ph.p_flags & PF_X) && eh.e_entry >= ph.p_vaddr &&
			    eh.e_entry < ph.p_vaddr + ph.p_memsz;
	}
	if (!entry_ok)
		return ERR_INVAL;
	arch_sync_icache();
	*entry = eh.e_entry;
	return 0;
}
