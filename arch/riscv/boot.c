/*
 * riscv_boot: from entry.S to kmain. Runs in the high half on the boot
 * stack, still on the boot page table (which maps all of KMAP_BASE), with
 * interrupts off. Reads the device tree into a struct boot_info (and the
 * other harts' ids, for smp.c), starts the UART and hands over to the
 * arch-neutral kernel.
 */
#include <arch/arch.h>

#include "arch/riscv/boot_layout.h"
#include "arch/riscv/csr.h"
#include "arch/riscv/fdt.h"
#include "arch/riscv/platform.h"
#include "lib/cpu.h"
#include "lib/kprintf.h"
#include "lib/stackguard.h"
#include "lib/string.h"
#include "mm/pmem.h"

_Static_assert(BOOT_PAGE_SIZE == PAGE_SIZE, "boot_layout.h: page size");
_Static_assert(BOOT_KSTACK_SIZE == KSTACK_SIZE, "boot_layout.h: stack");
_Static_assert(BOOT_KIMAGE_OFFSET == KIMAGE_OFFSET, "boot_layout.h: image");
_Static_assert(BOOT_ROOT_SHIFT == PAGE_SHIFT + (PT_LEVELS - 1) * PT_INDEX_BITS,
	       "boot_layout.h: root slot size");
_Static_assert(BOOT_KIMAGE_SLOT == ((KIMAGE_BASE >> BOOT_ROOT_SHIFT) & 511),
	       "boot_layout.h: image slot");
_Static_assert(BOOT_KMAP_SLOT == ((KMAP_BASE >> BOOT_ROOT_SHIFT) & 511),
	       "boot_layout.h: direct map slot");
_Static_assert(BOOT_KMAP_LEAVES == KMAP_SIZE >> BOOT_ROOT_SHIFT,
	       "boot_layout.h: direct map size");
_Static_assert(BOOT_IDENTITY_SLOT == (uint64_t)BOOT_RAM_BASE >> BOOT_ROOT_SHIFT,
	       "boot_layout.h: identity slot");
#if RISCV_SV48
_Static_assert(BOOT_KIMAGE_GIGA_SLOT == ((KIMAGE_BASE >> 30) & 511),
	       "boot_layout.h: image gigapage slot");
#endif

unsigned long riscv_boot_hartid;
uint64_t riscv_timebase_hz;

static struct boot_info bi;
static const void *boot_fdt; /* the loader's device tree */

/* The time CSR (ticks since reset), xor /chosen's rng-seed folded into 64
 * bits when the device tree has one (QEMU's virt gives 32 random bytes).
 * The device tree readers it calls return before the guard changes. */
STACK_GUARD_EXEMPT uint64_t arch_boot_entropy(void)
{
	uint64_t e = csr_read(time);
	int chosen = fdt_valid(boot_fdt) ? fdt_path(boot_fdt, "/chosen") : -1;
	const uint8_t *seed = NULL;
	int len = 0;

	if (chosen >= 0)
		seed = fdt_prop(boot_fdt, chosen, "rng-seed", &len);
	for (int i = 0; seed && i < len; i++)
		e ^= (uint64_t)seed[i] << (8 * (i % 8));
	return e;
}

/* The initrd as plain -initrd gives it: /chosen's linux,initrd-start and
 * linux,initrd-end, one or two cells each, whichever length QEMU wrote.
 * False when they are missing or make no range. */
static bool initrd_from_linux_props(const void *fdt, int chosen)
{
	int slen, elen;
	const void *start = fdt_prop(fdt, chosen, "linux,initrd-start", &slen);
	const void *end = fdt_prop(fdt, chosen, "linux,initrd-end", &elen);
	uint64_t lo, hi;

	if (!start || !end || (slen != 4 && slen != 8) ||
	    (elen != 4 && elen != 8))
		return false;
	lo = fdt_cells(start, slen / 4);
	hi = fdt_cells(end, elen / 4);
	if (hi <= lo)
		return false;
	bi.initrd_base = lo;
	bi.initrd_size = hi - lo;
	return true;
}

/* The initrd as QEMU's guest-loader gives it: a /chosen child compatible
 * with "multiboot,ramdisk" whose reg is (address, size) in /chosen's cells
 * (the root's when /chosen has none). Takes the first such module. */
static void initrd_from_module(const void *fdt, int chosen)
{
	int root = fdt_path(fdt, "/");
	int ac = fdt_prop_u32(fdt, chosen, "#address-cells",
			      fdt_prop_u32(fdt, root, "#address-cells", 2));
	int sc = fdt_prop_u32(fdt, chosen, "#size-cells",
			      fdt_prop_u32(fdt, root, "#size-cells", 2));

	for (int n = fdt_first_child(fdt, chosen); n >= 0;
	     n = fdt_next_sibling(fdt, n)) {
		int len;
		const uint8_t *reg = fdt_prop(fdt, n, "reg", &len);

		if (!fdt_compatible(fdt, n, "multiboot,ramdisk") || !reg ||
		    ac < 1 || ac > 2 || sc < 1 || sc > 2 ||
		    len != 4 * (ac + sc))
			continue;
		bi.initrd_base = fdt_cells(reg, ac);
		bi.initrd_size = fdt_cells(reg + 4 * ac, sc);
		return;
	}
}

/* Copy /chosen's bootargs and the initrd's place (either form) into bi. */
static void read_chosen(const void *fdt)
{
	int chosen = fdt_path(fdt, "/chosen");
	const char *args;

	if (chosen < 0)
		return;
	args = fdt_prop(fdt, chosen, "bootargs", NULL);
	if (args)
		strlcpy(bi.cmdline, args, sizeof(bi.cmdline));
	if (!initrd_from_linux_props(fdt, chosen))
		initrd_from_module(fdt, chosen);
}

/* QEMU keeps no copy of a RISC-V initrd outside guest RAM (guest-loader
 * and -initrd only write it into RAM): its frames stay. */
bool arch_boot_module_reread(uint64_t off, void *dst, size_t len)
{
	(void)off;
	(void)dst;
	(void)len;
	return false;
}

/* Called by entry.S with the hart id and the device tree's physical
 * address. Never returns: ends in kmain. Without a canary: it is on the
 * stack when the guard is set. */
STACK_GUARD_EXEMPT noreturn void riscv_boot(unsigned long hartid,
					    paddr_t fdt_pa)
{
	const void *fdt;

	kmap_offset = KMAP_BASE;
	fdt = boot_fdt = P2V(fdt_pa);
	stack_guard_init(arch_boot_entropy());
	arch_cpu_set(&cpus[0]); /* so that kprintf and panic can lock */
	riscv_boot_hartid = hartid;
	uart_init(fdt_valid(fdt) ? fdt : NULL);
	power_init(P2V(SIFIVE_TEST_PA));

	if (!fdt_valid(fdt))
		panic("riscv_boot: no device tree at %p", (void *)fdt_pa);
	read_chosen(fdt);
	boot_ram_from_fdt(&bi, fdt, fdt_pa);
	riscv_timebase_hz =
	    fdt_prop_u32(fdt, fdt_path(fdt, "/cpus"), "timebase-frequency", 0);
	smp_harts_from_fdt(fdt);
	kmain(&bi);
}
