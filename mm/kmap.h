/*
 * kmap: the kernel's own address space. All RAM at KMAP_BASE (read/write,
 * never executable), the kernel image at its link address with per-section
 * permissions (text R+X, rodata R, data and bss R+W), device registers where
 * the arch asks for them. Every address space shares it (vpmap_create).
 */
#ifndef MM_KMAP_H
#define MM_KMAP_H

#include <arch/mmu.h>

#include "lib/types.h"

struct boot_info;

/* Build the kernel page table (not yet loaded: the arch adds its device
 * mappings with kmap_mmio first, then kmain loads it with vpmap_activate;
 * vpmap_kernel() is its pmap). */
void kmap_init(const struct boot_info *bi);
/* Map size bytes of device registers at physical pa; returns their
 * kernel virtual address (P2V(pa)). */
void *kmap_mmio(paddr_t pa, size_t size);
/* Unmap the page just below a kernel stack that starts (lowest address) at
 * stack_bottom, so an overflow faults instead of corrupting memory. */
void kmap_guard_page(void *stack_bottom);

/* The physical address of a kernel-image address. */
static inline paddr_t kimage_v2p(const void *va)
{
	return (uintptr_t)va - KIMAGE_OFFSET;
}

#endif
