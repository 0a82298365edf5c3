/*
 * kmain: the arch-neutral boot sequence, the same on every machine.
 *
 *   arch entry -> kmain: per-CPU record, traps, frames (pmem),
 *   kernel page table (kmap), devices, timer -> self-tests or init
 */
#include <arch/arch.h>

#include "kernel/cmdline.h"
#include "kernel/initrd.h"
#include "kernel/proc.h"
#include "kernel/selftest.h"
#include "kernel/smp.h"
#include "kernel/timer.h"
#include "lib/abi/errcode.h"
#include "lib/cpu.h"
#include "lib/failinject.h"
#include "lib/ipi.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "mm/fault.h"
#include "mm/kmap.h"
#include "mm/pmem.h"
#include "mm/vpmap.h"

/* Print what the boot loader gave us and where the kernel lives. */
static void banner(const struct boot_info *bi)
{
	uint64_t ram = 0;

	for (int i = 0; i < bi->nram; i++)
		ram += bi->ram[i].size;
	kprintf("osvm: one VM design, running on %s\n", MACHINE_NAME);
	kprintf("memory: %lu KiB usable in %d range(s)\n",
		(unsigned long)(ram >> 10), bi->nram);
	for (int i = 0; i < bi->nram; i++)
		kprintf("  [%p, %p) %lu KiB\n", (void *)bi->ram[i].base,
			(void *)(bi->ram[i].base + bi->ram[i].size),
			(unsigned long)(bi->ram[i].size >> 10));
	kprintf("kernel: text %p-%p rodata %p-%p data+bss %p-%p symbols %p-%p "
		"(phys %p)\n",
		_text_start, _text_end, _rodata_start, _rodata_end, _data_start,
		_bss_end, _ksyms_start, _kernel_end,
		(void *)kimage_v2p(_kernel_start));
	kprintf("layout: user [0, %p) stack top %p, direct map at %p\n",
		(void *)USER_TOP, (void *)USTACK_UPPERBOUND, (void *)KMAP_BASE);
	kprintf("fork: %s\n", FORK_EAGER ? "eager copy" : "copy-on-write");
	kprintf("command line: '%s'\n", bi->cmdline);
}

/* Print the user clock's rate, e.g. "clock: tsc at 2.99 GHz". */
static void clock_banner(void)
{
	static const struct {
		uint64_t hz;
		const char *name;
	} units[] = {{1000000000, "GHz"}, {1000000, "MHz"}, {1000, "kHz"}};
	uint64_t hz = arch_clock_hz(), hundredths;
	size_t u = 0;

	while (u + 1 < ARRAY_SIZE(units) && hz < units[u].hz)
		u++;
	hundredths = (hz * 100 + units[u].hz / 2) / units[u].hz;
	kprintf("clock: %s at %lu.%02lu %s (%lu Hz)\n", CLOCK_NAME,
		(unsigned long)(hundredths / 100),
		(unsigned long)(hundredths % 100), units[u].name,
		(unsigned long)hz);
}

/* Bring up the other CPUs and list every CPU running. */
static void start_cpus(void)
{
	int n = smp_start_cpus(NCPU);

	kprintf("cpus: %d running:", n);
	for (int id = 0; id < n; id++)
		kprintf(" %d (%s)", id, arch_cpu_name(id));
	kprintf("\n");
}

noreturn void kmain_ap(int id)
{
	(void)id; /* smp_cpu_entry made cpus[id] this CPU's record */
	ipi_cpu_online();
	arch_timer_init(TIMER_HZ);
	proc_scheduler();
}

/* Start init with the kernel command line's words as its arguments. */
static noreturn void start_init(const char *cmdline)
{
	static char args[BOOT_CMDLINE_MAX + 8];

	ksnprintf(args, sizeof(args), "init %s", cmdline);
	proc_start_init(args);
}

/* The test knob fault_sleep=1 (mm/fault.h): every user page fault gives
 * up its CPU before it is resolved. Said in the banner, since it slows
 * every program down. */
static void fault_sleep_knob(const char *cmdline)
{
	char v[4];

	if (!cmdline_get(cmdline, "fault_sleep", v, sizeof(v)) ||
	    strcmp(v, "1") != 0)
		return;
	mm_fault_sleep = true;
	kprintf("fault_sleep: every user page fault waits first\n");
}

/* The test switch failinject=RULES (lib/failinject.h): operations fail on
 * purpose, from the first user process on. A malformed switch panics
 * rather than run a boot that would silently test nothing. */
static void failinject_knob(const char *cmdline)
{
	char spec[128];
	const char *why;

	if (!cmdline_get(cmdline, "failinject", spec, sizeof(spec)))
		return;
	if (failinject_configure(spec, &why) != ERR_OK)
		panic("failinject: cannot read '%s' at '%s'", spec, why);
	kprintf("failinject: %s, from the first user process on (init "
		"spared)\n",
		spec);
}

noreturn void kmain(struct boot_info *bi)
{
	cpu_init_boot();
	selftest_init();
	arch_trap_init();
	banner(bi);

	pmem_init(bi, kimage_v2p(_kernel_start), kimage_v2p(_kernel_end));
	initrd_init(bi);
	kmap_init(bi);
	arch_devices_init();
	vpmap_activate(vpmap_kernel());
	kprintf("pmem: %lu frames, %lu free after the kernel page table\n",
		(unsigned long)pmem_total(), (unsigned long)pmem_free_count());

	arch_timer_init(TIMER_HZ);
	clock_banner();
	arch_intr_enable();
	ipi_cpu_online();
	start_cpus();

	if (cmdline_get(bi->cmdline, "selftest", NULL, 0))
		selftest_run(bi);
	fault_sleep_knob(bi->cmdline);
	failinject_knob(bi->cmdline);
	start_init(bi->cmdline);
}
