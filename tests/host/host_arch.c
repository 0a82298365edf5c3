/*
 * What mm/, lib/spinlock.c and lib/cpu.c ask of the machine, for a host
 * process: the arch functions of arch/include/arch/arch.h they call, kprintf
 * and panic, and simulated RAM (see host.h).
 */
#include "tests/host/host.h"

#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cpu.h"
#include "lib/kprintf.h"
#include "mm/pmem.h"

/* ---- CPU and MMU -------------------------------------------------------- */

struct arch_calls arch_calls;
bool host_intr_on = true;
static struct cpu *current_cpu = &cpus[0];

void arch_cpu_set(struct cpu *c)
{
	current_cpu = c;
}

struct cpu *arch_cpu(void)
{
	return current_cpu;
}

void arch_intr_enable(void)
{
	host_intr_on = true;
}

void arch_intr_disable(void)
{
	host_intr_on = false;
}

bool arch_intr_enabled(void)
{
	return host_intr_on;
}

/* ---- Simulated TLB ------------------------------------------------------ */

struct host_tlb_entry host_tlb[NCPU][HOST_TLB_ENTRIES];

/* The calling CPU's slot for the page holding va. */
static struct host_tlb_entry *tlb_slot(vaddr_t va)
{
	return &host_tlb[arch_cpu() - cpus]
			[(va >> PAGE_SHIFT) % HOST_TLB_ENTRIES];
}

struct host_tlb_entry *host_tlb_find(vaddr_t va)
{
	struct host_tlb_entry *e = tlb_slot(va);

	return e->valid && e->page == ROUND_DOWN(va, PAGE_SIZE) ? e : NULL;
}

void host_tlb_fill(vaddr_t va, paddr_t pa, unsigned perm)
{
	struct host_tlb_entry *e = tlb_slot(va);

	e->valid = true;
	e->root = arch_cpu()->root;
	e->page = ROUND_DOWN(va, PAGE_SIZE);
	e->pa = pa;
	e->perm = perm;
}

static void tlb_forget_all(void)
{
	memset(host_tlb[arch_cpu() - cpus], 0, sizeof(host_tlb[0]));
}

void arch_set_root(paddr_t root)
{
	arch_calls.set_root++;
	arch_calls.root = root;
	tlb_forget_all();
}

void arch_tlb_flush_page(vaddr_t va)
{
	struct host_tlb_entry *e = tlb_slot(va);

	arch_calls.flush_page++;
	arch_calls.flush_page_va = va;
	if (e->page == ROUND_DOWN(va, PAGE_SIZE))
		e->valid = false;
}

void arch_tlb_flush_all(void)
{
	arch_calls.flush_all++;
	tlb_forget_all();
}

void arch_page_zero(void *page)
{
	memset(page, 0, PAGE_SIZE);
}

void arch_page_copy(void *dst, const void *src)
{
	memcpy(dst, src, PAGE_SIZE);
}

/* The host model never idles (it has no scheduler). */
void arch_wait_for_interrupt(void)
{
	panic("host: arch_wait_for_interrupt: nothing to wait for");
}

/* No CPU of the host model calls ipi_cpu_online, so lib/ipi.c never
 * sends one. */
void arch_send_ipi(int id)
{
	panic("host: arch_send_ipi(%d): the host model takes no IPIs", id);
}

/* ---- Console and panic -------------------------------------------------- */

int kvprintf(const char *fmt, va_list ap)
{
	return vprintf(fmt, ap);
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}

/* Set while expect_panic runs its function: panic returns there. */
static jmp_buf *panic_catch;
static char panic_msg[256];

static noreturn void vpanic(const char *fmt, va_list ap)
{
	if (panic_catch) {
		vsnprintf(panic_msg, sizeof(panic_msg), fmt, ap);
		longjmp(*panic_catch, 1);
	}
	fflush(stdout);
	fprintf(stderr, "\npanic: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	__sanitizer_print_stack_trace();
	abort();
}

noreturn void panic(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vpanic(fmt, ap);
}

noreturn void panic_at(uintptr_t pc, uintptr_t fp, const char *fmt, ...)
{
	va_list ap;
	(void)pc;
	(void)fp;
	va_start(ap, fmt);
	vpanic(fmt, ap);
}

bool expect_panic(void (*fn)(void *), void *arg, const char *want)
{
	jmp_buf env;

	panic_catch = &env;
	if (setjmp(env) == 0) {
		fn(arg);
		panic_catch = NULL;
		test_fail(__FILE__, __LINE__, "no panic (wanted \"%s\")", want);
		return false;
	}
	panic_catch = NULL;
	if (!strstr(panic_msg, want)) {
		test_fail(__FILE__, __LINE__, "panic \"%s\" (wanted \"%s\")",
			  panic_msg, want);
		return false;
	}
	return true;
}

/* ---- Simulated RAM ------------------------------------------------------ */

struct sim_ram sim;
static uint8_t ram[SIM_RAM_SIZE] __attribute__((aligned(4096)));

static void add_ram(paddr_t off, paddr_t end)
{
	struct mem_range *r = &sim.bi.ram[sim.bi.nram++];
	r->base = SIM_PHYS_BASE + off;
	r->size = end - off;
	/* Only whole frames: pmem has no business in a partial one. */
	ASAN_UNPOISON_MEMORY_REGION(ram + ROUND_UP(off, PAGE_SIZE),
				    ROUND_DOWN(end, PAGE_SIZE) -
					ROUND_UP(off, PAGE_SIZE));
}

void sim_ram_init(void)
{
	kmap_offset = (uintptr_t)ram - SIM_PHYS_BASE;
	ASAN_POISON_MEMORY_REGION(ram, sizeof(ram));

	/* Out of order, and with ends that are not page-aligned. */
	add_ram(0, 0x9fc00);
	add_ram((17ul << 20) + 0x800, SIM_RAM_SIZE);
	add_ram(1ul << 20, 15ul << 20);
	sim.hole_base = SIM_PHYS_BASE + (15ul << 20);
	sim.kimage_base = SIM_PHYS_BASE + (1ul << 20);
	sim.kimage_end = sim.kimage_base + 0x63a10;
	/* Its whole frames only: a frame shared by the image's end and free
	 * RAM is a test failure (pmem_layout), not an abort of every test. */
	ASAN_POISON_MEMORY_REGION(P2V(sim.kimage_base),
				  ROUND_DOWN(sim.kimage_end, PAGE_SIZE) -
				      sim.kimage_base);

	pmem_init(&sim.bi, sim.kimage_base, sim.kimage_end);
}
