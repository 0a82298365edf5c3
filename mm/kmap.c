/*
 * kmap: the kernel's page table (see kmap.h).
 *
 *   KMAP_BASE + pa     every RAM frame, R+W, never X (image text, rodata
 *                      and symbol-table frames R only, so no alias makes
 *                      them writable; the initrd R only while it holds
 *                      the files' data)
 *   KIMAGE_OFFSET + pa the image: text R+X | rodata R | data, bss R+W |
 *                      symbol table R (the page under boot_stack left out:
 *                      a guard)
 */
#include "mm/kmap.h"

#include <arch/arch.h>

#include "lib/kprintf.h"
#include "mm/kstack.h"
#include "mm/pmem.h"
#include "mm/vpmap.h"

static struct pmap *kernel;

/* Map [va, va + size) to pa.. with perm; panics when out of memory, since
 * the kernel cannot run without its own mappings. */
static void map_range(vaddr_t va, paddr_t pa, uint64_t size, unsigned perm)
{
	for (uint64_t off = 0; off < size; off += PAGE_SIZE)
		if (vpmap_map(kernel, va + off, pa + off, perm) < 0)
			panic("kmap: cannot map %p", (void *)(va + off));
}

/* Permissions of the direct-map alias of physical page pa. */
static unsigned direct_perm(const struct boot_info *bi, paddr_t pa)
{
	if (pa >= ROUND_DOWN(bi->initrd_base, PAGE_SIZE) &&
	    pa < bi->initrd_base + bi->initrd_size && !pmem_contains(pa))
		return PERM_R; /* the initrd, still held: the files' data */
	if (pa >= kimage_v2p(_text_start) && pa < kimage_v2p(_rodata_end))
		return PERM_R;
	if (pa >= kimage_v2p(_ksyms_start) && pa < kimage_v2p(_kernel_end))
		return PERM_R;
	return PERM_RW;
}

void kmap_init(const struct boot_info *bi)
{
	kernel = vpmap_create_kernel();
	if (!kernel)
		panic("kmap_init: no memory for the kernel page table");

	for (int i = 0; i < bi->nram; i++) {
		paddr_t lo = ROUND_DOWN(bi->ram[i].base, PAGE_SIZE);
		paddr_t hi =
		    ROUND_UP(bi->ram[i].base + bi->ram[i].size, PAGE_SIZE);
		if (hi > KMAP_SIZE)
			panic("kmap_init: RAM at %p is beyond the direct map",
			      (void *)hi);
		for (paddr_t pa = lo; pa < hi; pa += PAGE_SIZE)
			map_range(KMAP_BASE + pa, pa, PAGE_SIZE,
				  direct_perm(bi, pa));
	}

	map_range((vaddr_t)_text_start, kimage_v2p(_text_start),
		  _text_end - _text_start, PERM_RX);
	map_range((vaddr_t)_rodata_start, kimage_v2p(_rodata_start),
		  _rodata_end - _rodata_start, PERM_R);
	map_range((vaddr_t)_data_start, kimage_v2p(_data_start),
		  _bss_end - _data_start, PERM_RW);
	map_range((vaddr_t)_ksyms_start, kimage_v2p(_ksyms_start),
		  _kernel_end - _ksyms_start, PERM_R);
	kmap_guard_page(boot_stack);
	kstack_init();
}

void *kmap_mmio(paddr_t pa, size_t size)
{
	paddr_t lo = ROUND_DOWN(pa, PAGE_SIZE);
	paddr_t hi = ROUND_UP(pa + size, PAGE_SIZE);

	for (paddr_t p = lo; p < hi; p += PAGE_SIZE)
		if (!vpmap_lookup(kernel, KMAP_BASE + p, NULL, NULL))
			map_range(KMAP_BASE + p, p, PAGE_SIZE, PERM_RW);
	return P2V(pa);
}

void kmap_guard_page(void *stack_bottom)
{
	vaddr_t guard = (vaddr_t)stack_bottom - PAGE_SIZE;

	if (guard & (PAGE_SIZE - 1))
		panic("kmap_guard_page: stack %p is not page-aligned",
		      stack_bottom);
	if (vpmap_unmap(kernel, guard, 1, VPMAP_KEEP) != 1)
		panic("kmap_guard_page: %p was not mapped", (void *)guard);
}
