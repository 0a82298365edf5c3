/*
 * What mm/ and lib/ ask of the machine, for a host process: the arch
 * functions of arch/include/arch/arch.h they call, kprintf and panic, and
 * simulated RAM (see host.h).
 */
#include "tests/host/host.h"

#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cpu.h"
#include "lib/ipi.h"
#include "lib/kprintf.h"
#include "mm/pmem.h"

/* ---- CPU and MMU -------------------------------------------------------- */

struct arch_calls arch_calls;
bool host_intr_on = true;
static struct cpu *current_cpu = &cpus[0];
/* The root each simulated CPU has loaded, as its CR3 / satp would hold. */
static paddr_t loaded_root[NCPU];

void arch_cpu_set(struct cpu *c)
{
	current_cpu = c;
}

struct cpu *arch_cpu(void)
{
	return current_cpu;
}

/* The index of the calling CPU's record. */
static int this_cpu(void)
{
	return (int)(current_cpu - cpus);
}

void host_cpus_init(void)
{
	for (int i = 0; i < NCPU; i++) {
		cpus[i].self = &cpus[i];
		cpus[i].id = i;
	}
	arch_cpu_set(&cpus[0]);
}

paddr_t host_loaded_root(int cpu)
{
	return loaded_root[cpu];
}

void host_cpu_offline(int cpu)
{
	__atomic_store_n(&cpus[cpu].online, false, __ATOMIC_SEQ_CST);
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
	return &host_tlb[this_cpu()][(va >> PAGE_SHIFT) % HOST_TLB_ENTRIES];
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
	e->root = loaded_root[this_cpu()];
	e->page = ROUND_DOWN(va, PAGE_SIZE);
	e->pa = pa;
	e->perm = perm;
}

static void tlb_forget_all(void)
{
	memset(host_tlb[this_cpu()], 0, sizeof(host_tlb[0]));
}

void arch_set_root(paddr_t root)
{
	arch_calls.set_root++;
	arch_calls.root = root;
	loaded_root[this_cpu()] = root;
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

/* CPU id takes the IPI at once, as if it had been waiting with
 * interrupts on: it runs ipi_receive as itself, then the sender goes on.
 * Only CPUs a test made online get one (lib/ipi.c asks). */
void arch_send_ipi(int id)
{
	struct cpu *sender = current_cpu;

	if (id == this_cpu())
		panic("host: arch_send_ipi(%d) to itself", id);
	arch_calls.ipis++;
	arch_cpu_set(&cpus[id]);
	ipi_receive();
	arch_cpu_set(sender);
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

/* In a child of expect_panic: where panic writes its message (memory
 * shared with the parent) before it aborts, quietly. */
static char *panic_record;
#define PANIC_RECORD_SIZE 256

static noreturn void vpanic(const char *fmt, va_list ap)
{
	if (panic_record) {
		vsnprintf(panic_record, PANIC_RECORD_SIZE, fmt, ap);
		abort();
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

/* Run fn(arg) in a child process that records a panic's message in msg
 * and dies of it (SIGABRT, no core file); returns the child's wait
 * status, or -1 when fork or waitpid failed. */
static int run_in_child(void (*fn)(void *), void *arg, char *msg)
{
	struct rlimit no_core = {0, 0};
	int status;
	pid_t pid;

	msg[0] = '\0';
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		setrlimit(RLIMIT_CORE, &no_core);
		panic_record = msg;
		fn(arg);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return status;
}

/* What a child's wait status (-1: it could not be run) says, in words. */
static const char *child_death(int status, char *buf, size_t size)
{
	if (status < 0)
		snprintf(buf, size, "could not be run");
	else if (WIFSIGNALED(status))
		snprintf(buf, size, "died of signal %d", WTERMSIG(status));
	else
		snprintf(buf, size, "exited with status %d",
			 WEXITSTATUS(status));
	return buf;
}

/* A panic is an abort with a message: a sanitizer report, a crash or a
 * plain return is none. */
bool expect_panic(void (*fn)(void *), void *arg, const char *want)
{
	static char *msg;
	char death[64];
	int status;

	if (!msg)
		msg = mmap(NULL, PANIC_RECORD_SIZE, PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (msg == MAP_FAILED) {
		test_fail(__FILE__, __LINE__, "expect_panic: no shared page");
		return false;
	}
	status = run_in_child(fn, arg, msg);
	if (status < 0 || !WIFSIGNALED(status) || WTERMSIG(status) != SIGABRT ||
	    !msg[0]) {
		test_fail(__FILE__, __LINE__, "no panic (wanted \"%s\"): %s",
			  want, child_death(status, death, sizeof(death)));
		return false;
	}
	if (!strstr(msg, want)) {
		test_fail(__FILE__, __LINE__, "panic \"%s\" (wanted \"%s\")",
			  msg, want);
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
