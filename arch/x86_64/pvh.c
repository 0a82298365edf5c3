/*
 * The C half of the PVH boot: turn the loader's hvm_start_info into the
 * neutral struct boot_info (keeping the ACPI RSDP for smp.c), point the
 * per-CPU register at cpus[0], start the console and enter kmain. The
 * layout is Xen's public arch-x86/hvm/start_info.h (version 1 adds the
 * memory map).
 */
#include <arch/arch.h>

#include "arch/x86_64/acpi.h"
#include "arch/x86_64/layout.h"
#include "arch/x86_64/uart.h"
#include "lib/cpu.h"
#include "lib/kprintf.h"
#include "lib/stackguard.h"
#include "lib/string.h"
#include "mm/pmem.h"

_Static_assert(LAYOUT_KIMAGE_BASE == KIMAGE_BASE, "layout.h: KIMAGE_BASE");
_Static_assert(LAYOUT_KMAP_BASE == KMAP_BASE, "layout.h: KMAP_BASE");
_Static_assert(LAYOUT_PAGE_SIZE == PAGE_SIZE, "layout.h: PAGE_SIZE");
_Static_assert(LAYOUT_KSTACK_SIZE == KSTACK_SIZE, "layout.h: KSTACK_SIZE");

#define HVM_START_MAGIC 0x336ec578
#define HVM_MEMMAP_RAM 1

struct hvm_start_info {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr;	 /* version >= 1 */
	uint32_t memmap_entries; /* version >= 1 */
	uint32_t reserved;
};

struct hvm_modlist_entry {
	uint64_t paddr;
	uint64_t size;
	uint64_t cmdline_paddr;
	uint64_t reserved;
};

struct hvm_memmap_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
	uint32_t reserved;
};

/* The boot page tables map only [0, 4 GiB), and below 1 MiB live the BIOS,
 * the loader's data and the legacy holes. */
#define RAM_LOW (1ul << 20)
#define RAM_HIGH (4ul << 30)

static struct boot_info bi;

/* Stop before kmain: nothing else can run without this information. */
static noreturn void boot_fail(const char *why)
{
	kprintf("pvh_boot: %s\n", why);
	arch_poweroff(1);
}

/* Add the usable pages of [base, end) to bi.ram, clipped to what the boot
 * map covers. */
static void ram_add(uint64_t base, uint64_t end)
{
	base = ROUND_UP(MAX(base, RAM_LOW), PAGE_SIZE);
	end = ROUND_DOWN(MIN(end, RAM_HIGH), PAGE_SIZE);
	if (base >= end)
		return;
	if (bi.nram == BOOT_MAX_RANGES)
		boot_fail("too many memory ranges");
	bi.ram[bi.nram++] = (struct mem_range){base, end - base};
}

/* Cut [base, end) out of bi.ram (a module the loader placed in RAM). */
static void ram_remove(uint64_t base, uint64_t end)
{
	base = ROUND_DOWN(base, PAGE_SIZE);
	end = ROUND_UP(end, PAGE_SIZE);
	for (int i = bi.nram - 1; i >= 0; i--) {
		uint64_t lo = bi.ram[i].base, hi = lo + bi.ram[i].size;
		if (end <= lo || base >= hi)
			continue;
		bi.ram[i] = bi.ram[--bi.nram];
		ram_add(lo, MIN(base, hi));
		ram_add(MAX(end, lo), hi);
	}
}

/* Every type-1 (RAM) range of the loader's memory map into bi.ram. */
static void read_memmap(const struct hvm_start_info *si)
{
	const struct hvm_memmap_entry *map;

	if (si->version < 1 || !si->memmap_paddr)
		boot_fail("the loader gave no memory map");
	map = P2V(si->memmap_paddr);
	for (uint32_t i = 0; i < si->memmap_entries; i++)
		if (map[i].type == HVM_MEMMAP_RAM)
			ram_add(map[i].addr, map[i].addr + map[i].size);
	if (!bi.nram)
		boot_fail("no usable RAM above 1 MiB");
}

/* The first module, if any, is the initrd (QEMU's -initrd): it stays in
 * bi.ram, for pmem_init to keep. Any other module is cut from RAM. */
static void read_modules(const struct hvm_start_info *si)
{
	const struct hvm_modlist_entry *mod = P2V(si->modlist_paddr);

	if (!si->nr_modules || !si->modlist_paddr)
		return;
	bi.initrd_base = mod[0].paddr;
	bi.initrd_size = mod[0].size;
	for (uint32_t i = 1; i < si->nr_modules; i++)
		ram_remove(mod[i].paddr, mod[i].paddr + mod[i].size);
}

/* Called by entry.S on boot_stack, with the boot page tables live and
 * kmap_offset set; si_pa is the physical hvm_start_info from %ebx. Without
 * a canary: it is on the stack when the guard is set. */
STACK_GUARD_EXEMPT noreturn void pvh_boot(paddr_t si_pa)
{
	const struct hvm_start_info *si = P2V(si_pa);

	stack_guard_init(arch_boot_entropy());
	arch_cpu_set(&cpus[0]); /* kprintf's lock needs mycpu() */
	uart_init();
	if (si->magic != HVM_START_MAGIC)
		boot_fail("bad hvm_start_info magic");
	read_memmap(si);
	read_modules(si);
	if (si->cmdline_paddr)
		strlcpy(bi.cmdline, P2V(si->cmdline_paddr), sizeof(bi.cmdline));
	acpi_rsdp = si->rsdp_paddr; /* for the MADT (arch_devices_init) */
	kmain(&bi);
}
