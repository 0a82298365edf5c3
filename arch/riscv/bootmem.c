/*
 * Usable RAM, from the device tree. The /memory nodes say where RAM is; the
 * firmware's own region (OpenSBI adds a /reserved-memory child for it), the
 * memory reservation block and the device tree blob are cut out. What is
 * left is page-aligned and within reach of the direct map. The initrd stays
 * in (pmem_init keeps it out of the frame allocator).
 */
#include <arch/arch.h>

#include "arch/riscv/fdt.h"
#include "arch/riscv/platform.h"
#include "lib/kprintf.h"
#include "lib/string.h"

/* Append [base, base + size) to bi->ram, clipped to what KMAP_BASE maps. */
static void ram_add(struct boot_info *bi, paddr_t base, uint64_t size)
{
	paddr_t end = MIN(base + size, (paddr_t)KMAP_SIZE);

	if (base >= end)
		return;
	if (bi->nram == BOOT_MAX_RANGES) {
		kprintf("boot: more than %d RAM ranges, [%p, %p) ignored\n",
			BOOT_MAX_RANGES, (void *)base, (void *)end);
		return;
	}
	bi->ram[bi->nram++] = (struct mem_range){base, end - base};
}

/* Remove the pages overlapping [base, base + size) from bi->ram, splitting
 * a range in two when the hole is in its middle. */
static void ram_cut(struct boot_info *bi, paddr_t base, uint64_t size)
{
	paddr_t lo = ROUND_DOWN(base, PAGE_SIZE);
	paddr_t hi = ROUND_UP(base + size, PAGE_SIZE);

	for (int i = 0; i < bi->nram; i++) {
		struct mem_range r = bi->ram[i];
		paddr_t end = r.base + r.size;

		if (hi <= r.base || lo >= end)
			continue;
		if (lo > r.base && hi < end && bi->nram < BOOT_MAX_RANGES) {
			memmove(&bi->ram[i + 2], &bi->ram[i + 1],
				(bi->nram - i - 1) * sizeof(r));
			bi->nram++;
			bi->ram[i + 1] = (struct mem_range){hi, end - hi};
		}
		if (lo > r.base) {
			bi->ram[i].size = lo - r.base;
		} else {
			bi->ram[i] = (struct mem_range){MIN(hi, end),
							end - MIN(hi, end)};
		}
	}
}

/* Shrink every range to whole pages and drop the empty ones. */
static void ram_align(struct boot_info *bi)
{
	int n = 0;

	for (int i = 0; i < bi->nram; i++) {
		paddr_t lo = ROUND_UP(bi->ram[i].base, PAGE_SIZE);
		paddr_t hi =
		    ROUND_DOWN(bi->ram[i].base + bi->ram[i].size, PAGE_SIZE);
		if (lo < hi)
			bi->ram[n++] = (struct mem_range){lo, hi - lo};
	}
	bi->nram = n;
}

/* Call fn on every (address, size) pair of node's reg property, decoded
 * with the parent's #address-cells ac and #size-cells sc. */
static void for_each_reg(struct boot_info *bi, const void *fdt, int node,
			 int ac, int sc,
			 void (*fn)(struct boot_info *, paddr_t, uint64_t))
{
	int len;
	const uint8_t *reg = fdt_prop(fdt, node, "reg", &len);
	int entry = 4 * (ac + sc);

	for (int off = 0; reg && off + entry <= len; off += entry)
		fn(bi, fdt_cells(reg + off, ac),
		   fdt_cells(reg + off + 4 * ac, sc));
}

static bool is_memory_node(const void *fdt, int node)
{
	int len;
	const char *type = fdt_prop(fdt, node, "device_type", &len);

	return type && len == sizeof("memory") && strcmp(type, "memory") == 0;
}

void boot_ram_from_fdt(struct boot_info *bi, const void *fdt, paddr_t fdt_pa)
{
	int root = fdt_path(fdt, "/");
	int ac = fdt_prop_u32(fdt, root, "#address-cells", 2);
	int sc = fdt_prop_u32(fdt, root, "#size-cells", 1);
	int resv = fdt_path(fdt, "/reserved-memory");
	uint64_t base, size;

	bi->nram = 0;
	for (int n = fdt_first_child(fdt, root); n >= 0;
	     n = fdt_next_sibling(fdt, n))
		if (is_memory_node(fdt, n))
			for_each_reg(bi, fdt, n, ac, sc, ram_add);

	if (resv >= 0) {
		int rac = fdt_prop_u32(fdt, resv, "#address-cells", ac);
		int rsc = fdt_prop_u32(fdt, resv, "#size-cells", sc);
		for (int n = fdt_first_child(fdt, resv); n >= 0;
		     n = fdt_next_sibling(fdt, n))
			for_each_reg(bi, fdt, n, rac, rsc, ram_cut);
	}
	for (int i = 0; fdt_reservation(fdt, i, &base, &size); i++)
		ram_cut(bi, base, size);
	ram_cut(bi, fdt_pa, fdt_totalsize(fdt));
	ram_align(bi);
}
