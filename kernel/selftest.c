/*
 * Boot self-tests of the mm core on the live machine (see selftest.h).
 * Each test returns true on success; CHECK prints the first broken
 * expectation with its line and fails the test.
 */
#include "kernel/selftest.h"

#include <arch/arch.h>

#include "kernel/timer.h"
#include "lib/cpu.h"
#include "lib/ipi.h"
#include "lib/kprintf.h"
#include "lib/ksyms.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/kmap.h"
#include "mm/kstack.h"
#include "mm/pmem.h"
#include "mm/vpmap.h"

#define CHECK(c)                                                               \
	do {                                                                   \
		if (!(c)) {                                                    \
			kprintf("  check failed: %s (%s:%d)\n", #c, __FILE__,  \
				__LINE__);                                     \
			return false;                                          \
		}                                                              \
	} while (0)

/* Take every free frame, stamp each with its own address, check the
 * stamps, then free them all: the counts must come back exactly. */
static bool test_pmem(void)
{
	size_t free0 = pmem_free_count(), n = 0;
	paddr_t head = 0, pa;

	CHECK(free0 > 0 && free0 <= pmem_total());
	while ((pa = pmem_alloc(0)) != 0) {
		paddr_t *frame = P2V(pa);
		CHECK((pa & (PAGE_SIZE - 1)) == 0 && pmem_contains(pa));
		CHECK(pmem_refcount(pa) == 1);
		frame[0] = head; /* chain of every frame taken */
		frame[1] = pa;	 /* stamp: overwritten if frames alias */
		head = pa;
		n++;
	}
	CHECK(n == free0 && pmem_free_count() == 0);
	for (pa = head; pa; n--) {
		paddr_t *frame = P2V(pa);
		paddr_t next = frame[0];
		CHECK(frame[1] == pa);
		pmem_unref(pa);
		pa = next;
	}
	CHECK(n == 0 && pmem_free_count() == free0);

	pa = pmem_alloc(PMEM_ZERO);
	CHECK(pa && ((uint64_t *)P2V(pa))[PAGE_SIZE / 8 - 1] == 0);
	pmem_ref(pa);
	CHECK(pmem_refcount(pa) == 2);
	pmem_unref(pa);
	CHECK(pmem_free_count() == free0 - 1);
	pmem_unref(pa);
	CHECK(pmem_free_count() == free0);
	return true;
}

/* Objects of every size: aligned, zeroed, not overlapping, and every frame
 * back in pmem once all are freed. */
static bool test_kmalloc(void)
{
	static void *objs[300];
	size_t free0 = pmem_free_count();
	size_t sizes[] = {1, 8, 16, 17, 100, 512, 1000, 2048, 2049, 4096};

	CHECK(kmalloc(0) == NULL && kmalloc(KMALLOC_MAX + 1) == NULL);
	for (size_t i = 0; i < ARRAY_SIZE(objs); i++) {
		size_t size = sizes[i % ARRAY_SIZE(sizes)];
		unsigned char *p = kmalloc(size);
		CHECK(p && ((uintptr_t)p & 15) == 0);
		CHECK(p[0] == 0 && p[size - 1] == 0);
		memset(p, (int)i, size);
		objs[i] = p;
	}
	for (size_t i = 0; i < ARRAY_SIZE(objs); i++) {
		size_t size = sizes[i % ARRAY_SIZE(sizes)];
		unsigned char *p = objs[i];
		CHECK(p[0] == (unsigned char)i &&
		      p[size - 1] == (unsigned char)i);
		kfree(p);
	}
	CHECK(pmem_free_count() == free0);
	return true;
}

/* Does the kernel table map va with exactly perm? */
static bool kernel_perm_is(const void *va, unsigned perm)
{
	unsigned got;
	return vpmap_lookup(vpmap_kernel(), ROUND_DOWN((vaddr_t)va, PAGE_SIZE),
			    NULL, &got) &&
	       got == perm;
}

/* W^X on the live kernel table: text R+X, rodata R, data R+W, symbol
 * table R, the direct map never executable, the boot stack's guard page
 * absent. */
static bool test_kmap(void)
{
	extern char boot_stack[];
	static int data_word = 1;
	static const int rodata_word = 2;

	CHECK(kernel_perm_is(_text_start, PERM_RX));
	CHECK(kernel_perm_is((void *)test_kmap, PERM_RX));
	CHECK(kernel_perm_is(&rodata_word, PERM_R));
	CHECK(kernel_perm_is(&data_word, PERM_RW));
	CHECK(kernel_perm_is(_ksyms_start, PERM_R));
	CHECK(kernel_perm_is(boot_stack, PERM_RW));
	CHECK(!vpmap_lookup(vpmap_kernel(), (vaddr_t)boot_stack - PAGE_SIZE,
			    NULL, NULL));
	for (char *p = _kernel_start; p < _kernel_end; p += PAGE_SIZE) {
		unsigned perm = 0;
		vpmap_lookup(vpmap_kernel(), (vaddr_t)p, NULL, &perm);
		CHECK(!((perm & PERM_W) && (perm & PERM_X)));
	}
	CHECK(kernel_perm_is(P2V(kimage_v2p(_text_start)), PERM_R));
	CHECK(kernel_perm_is(P2V(kimage_v2p(&data_word)), PERM_RW));
	return true;
}

/* A fresh address space on the live MMU: map, access, protect, unmap,
 * destroy; the kernel half keeps working while it is loaded. */
static bool test_vpmap(void)
{
	size_t free0 = pmem_free_count();
	vaddr_t va = 0x400000;
	volatile uint64_t *p = (volatile uint64_t *)va;
	struct pmap pm, *root = &pm;
	paddr_t pa = pmem_alloc(PMEM_ZERO), got;
	unsigned perm;

	CHECK(vpmap_create(root) == 0 && pa);
	CHECK(vpmap_map(root, va, pa, PERM_RW) == 0);
	CHECK(vpmap_map(root, va, pa, PERM_RW) < 0);
	vpmap_activate(root);
	*p = 0x1234567890abcdefull; /* through the new table */
	vpmap_activate(vpmap_kernel());
	CHECK(*(uint64_t *)P2V(pa) == 0x1234567890abcdefull);
	CHECK(vpmap_lookup(root, va, &got, &perm) && got == pa &&
	      perm == PERM_RW);
	CHECK(vpmap_protect(root, va, 1, PERM_R) == 1);
	CHECK(vpmap_lookup(root, va, NULL, &perm) && perm == PERM_R);
	CHECK(vpmap_unmap(root, va, 1, VPMAP_UNREF) == 1);
	CHECK(!vpmap_lookup(root, va, NULL, NULL));
	CHECK(vpmap_table_pages(root) == PT_LEVELS);
	vpmap_destroy(root);
	CHECK(pmem_free_count() == free0);
	return true;
}

/* Is name (NULL: no symbol) want? */
static bool named(const char *name, const char *want)
{
	return name && !strcmp(name, want);
}

/* The symbol table names the kernel's own functions, at any offset into
 * them, and nothing outside its text; %pS prints the same. A return
 * address is named by its call: one at a function's first byte belongs to
 * the function before. */
static bool test_ksyms(void)
{
	uintptr_t self = (uintptr_t)test_ksyms, off = 1;
	char want[64], got[64];

	CHECK(named(ksym_lookup(self, &off), "test_ksyms") && off == 0);
	CHECK(named(ksym_lookup(self + 2, &off), "test_ksyms") && off == 2);
	CHECK(named(ksym_lookup_return(self + 1, &off), "test_ksyms") &&
	      off == 1);
	CHECK(!named(ksym_lookup_return(self, &off), "test_ksyms"));
	CHECK(!ksym_lookup_return((uintptr_t)_text_start, &off));
	CHECK(ksym_lookup_return((uintptr_t)_text_end, &off));
	CHECK(named(ksym_lookup((uintptr_t)panic, &off), "panic"));
	CHECK(!ksym_lookup((uintptr_t)_rodata_start, &off));
	CHECK(!ksym_lookup((uintptr_t)_text_end, &off));
	ksnprintf(want, sizeof(want), "%p (test_ksyms+0x2)",
		  (void *)(self + 2));
	ksnprintf(got, sizeof(got), "%pS", (void *)(self + 2));
	CHECK(!strcmp(got, want));
	return true;
}

/* The timer interrupt arrives: a few ticks pass while we wait. */
static bool test_timer(void)
{
	uint64_t start = timer_ticks();
	for (int i = 0; i < 1000 && timer_ticks() < start + 3; i++)
		arch_wait_for_interrupt();
	CHECK(timer_ticks() >= start + 3);
	return true;
}

/* ---- IPIs (more than one CPU) -------------------------------------------- */

/* Wait up to a second for CPU id to have received more than n IPIs. */
static bool ipi_arrives(int id, uint64_t n)
{
	uint64_t start = timer_ticks();

	while (ipi_received(id) <= n && timer_ticks() < start + TIMER_HZ)
		arch_wait_for_interrupt();
	return ipi_received(id) > n;
}

static void record_cpu(void *arg)
{
	*(int *)arg = mycpu()->id;
}

static void read_word(void *arg)
{
	uint64_t **p = arg;
	*p[1] = *(volatile uint64_t *)p[0];
}

/* What CPU id reads at kernel address va. */
static uint64_t read_on(int id, uint64_t *va)
{
	uint64_t word = 0, *args[2] = {va, &word};

	ipi_call(id, read_word, args);
	return word;
}

/* Point kernel page va (a kernel stack page here, so nothing else uses
 * it) at frame pa, flushing only this CPU's TLB. */
static bool remap_here(vaddr_t va, paddr_t pa)
{
	vpmap_unmap(vpmap_kernel(), va, 1, VPMAP_FLUSH_HERE);
	return vpmap_map(vpmap_kernel(), va, pa, PERM_RW) == 0;
}

/* Move a kernel page to a new frame while another CPU has it in its TLB:
 * after tlb_shootdown that CPU must read the new frame. *stale says
 * whether it still read the old one before the shootdown (a TLB may drop
 * an entry whenever it likes, so test_ipi asks it of one CPU at least:
 * else the check after the shootdown would prove nothing). */
static bool shootdown_on(int id, bool *was_stale)
{
	void *top = kstack_alloc();
	vaddr_t va = (vaddr_t)top - KSTACK_SIZE;
	paddr_t old, fresh = pmem_alloc(0);
	uint64_t *word = (uint64_t *)va, stale;

	CHECK(top && fresh && vpmap_lookup(vpmap_kernel(), va, &old, NULL));
	*word = 0x01d;
	*(uint64_t *)P2V(fresh) = 0xf7e54;
	CHECK(read_on(id, word) == 0x01d); /* now in cpu id's TLB */
	CHECK(remap_here(va, fresh) && *word == 0xf7e54);
	stale = read_on(id, word);
	tlb_shootdown(CPUS_ALL);
	CHECK(read_on(id, word) == 0xf7e54);
	*was_stale = stale == 0x01d;
	kprintf("  cpu %d: before the shootdown it read %s\n", id,
		stale == 0x01d
		    ? "the old frame (a stale TLB entry)"
		    : "the new frame (its TLB had dropped the entry)");
	CHECK(remap_here(va, old));
	pmem_unref(fresh);
	kstack_free(top);
	return true;
}

/* IPIs received by every CPU but the caller. */
static uint64_t others_received(void)
{
	uint64_t n = 0;

	for (int id = 0; id < NCPU; id++)
		if (id != mycpu()->id && ipi_cpu_is_online(id))
			n += ipi_received(id);
	return n;
}

/* Is any CPU but the caller idle in its scheduler loop? */
static bool other_idle(void)
{
	for (int id = 0; id < NCPU; id++)
		if (id != mycpu()->id && ipi_cpu_is_online(id) &&
		    __atomic_load_n(&cpus[id].idle, __ATOMIC_RELAXED))
			return true;
	return false;
}

/* Once another CPU idles, ipi_kick_idle sends it an IPI (nothing else
 * sends any while the self-tests run: no process exists yet). */
static bool kick_wakes_idle(void)
{
	uint64_t start = timer_ticks(), before;

	while (!other_idle() && timer_ticks() < start + TIMER_HZ)
		arch_wait_for_interrupt();
	CHECK(other_idle());
	before = others_received();
	ipi_kick_idle();
	start = timer_ticks();
	while (others_received() == before && timer_ticks() < start + TIMER_HZ)
		arch_wait_for_interrupt();
	CHECK(others_received() > before);
	return true;
}

/* Print how long n shootdowns take (to the timer's 10 ms). */
static void time_shootdowns(int n)
{
	uint64_t start = timer_ticks();

	for (int i = 0; i < n; i++)
		tlb_shootdown(CPUS_ALL);
	kprintf("  %d shootdowns in %lu ms\n", n,
		(unsigned long)((timer_ticks() - start) * 1000 / TIMER_HZ));
}

/* Every other CPU takes an IPI, runs a function for us, and forgets a
 * kernel translation when shot down; an idle one is kicked awake; one CPU
 * alone has nothing to test. */
static bool test_ipi(void)
{
	int others = 0, stale = 0;

	for (int id = 0; id < NCPU; id++) {
		int ran_on = -1;
		uint64_t before;
		bool was_stale;

		if (id == mycpu()->id || !ipi_cpu_is_online(id))
			continue;
		before = ipi_received(id);
		others++;
		arch_send_ipi(id);
		CHECK(ipi_arrives(id, before));
		ipi_call(id, record_cpu, &ran_on);
		CHECK(ran_on == id);
		CHECK(shootdown_on(id, &was_stale));
		stale += was_stale;
	}
	kprintf("  %d other cpu(s) answered\n", others);
	CHECK(others > 0);
	CHECK(stale > 0); /* the shootdown did remove a stale entry */
	CHECK(kick_wakes_idle());
	time_shootdowns(1000);
	return true;
}

/* Deliberate bad accesses: each must end in a panic naming it. */
static void fault_text_write(void)
{
	kprintf("selftest: writing kernel text at %p\n", _text_start);
	*(volatile char *)_text_start = 0;
}

static void fault_data_exec(void)
{
	static uint32_t code[4]; /* .bss: mapped R+W, not X */
	kprintf("selftest: executing kernel data at %p\n", (void *)code);
	((void (*)(void))(uintptr_t)code)();
}

static void fault_null_read(void)
{
	kprintf("selftest: reading unmapped memory at %p\n", (void *)0);
	(void)*(volatile int *)0;
}

/* Load a fresh address space with one user page (R+W+X, PERM_U) at
 * 0x400000 and return its address: the kernel must not touch it. */
static volatile char *user_page_loaded(void)
{
	static struct pmap pm;
	paddr_t pa = pmem_alloc(PMEM_ZERO);

	if (vpmap_create(&pm) < 0 || !pa ||
	    vpmap_map(&pm, 0x400000, pa, PERM_RW | PERM_X | PERM_U) < 0)
		panic("selftest: no memory for a user page");
	vpmap_activate(&pm);
	return (volatile char *)0x400000;
}

/* SMAP on x86_64, sstatus.SUM clear on RISC-V: the kernel reading a user
 * page faults, since it reaches user memory only through the direct map. */
static void fault_user_read(void)
{
	volatile char *p = user_page_loaded();
	kprintf("selftest: kernel reading user memory at %p\n", (void *)p);
	(void)*p;
}

/* SMEP on x86_64; on RISC-V S-mode never executes user pages. */
static void fault_user_exec(void)
{
	volatile char *p = user_page_loaded();
	kprintf("selftest: kernel executing user memory at %p\n", (void *)p);
	((void (*)(void))(uintptr_t)p)();
}

/* An exception that is no page fault (what __builtin_trap compiles to: ud2
 * on x86_64, ebreak on RISC-V): the kernel must panic naming it. */
static void fault_trap(void)
{
	kprintf("selftest: trapping in fault_trap\n");
	__builtin_trap();
}

/* Recurse with 512 bytes of locals per call until the stack runs out
 * (the limit is far beyond any kernel stack). */
static unsigned deep(unsigned n)
{
	volatile char pad[512];

	pad[0] = (char)n;
	if (n > 1000000)
		return pad[0];
	return pad[0] + deep(n + 1) + pad[511];
}

/* The kernel stack runs into its guard page: the kernel must panic naming
 * a stack overflow (not loop, nor report some other fault). */
static void fault_stack_overflow(void)
{
	kprintf("selftest: overflowing the kernel stack\n");
	kprintf("selftest: deep() returned %u\n", deep(0));
}

/* ---- Sanitizers (SANITIZE=1) ---------------------------------------------
 * Without SANITIZE=1 no check exists to trip: the test says "skipped" and
 * ends the boot as one with nothing failed. */
static void skip_unless_sanitized(const char *name)
{
	if (KERNEL_SANITIZE)
		return;
	kprintf("selftest %s: skipped (needs a SANITIZE=1 kernel)\n", name);
	kprintf("selftest: 0 passed, 0 failed\n");
	arch_poweroff(0);
}

/* A signed overflow, on a value the compiler cannot fold: UBSan must
 * report it and panic naming fault_ubsan. */
static void fault_ubsan(void)
{
	volatile int big = __INT_MAX__;
	int sum;

	skip_unless_sanitized("fault_ubsan");
	kprintf("selftest: adding 1 to %d\n", big);
	sum = big + 1;
	kprintf("selftest: the sum was %d\n", sum);
}

/* Overrun a local array by one word, through a pointer whose origin the
 * compiler cannot see (so neither its warnings nor UBSan's object-size
 * check know the array): the canary right above the array changes, and
 * the return must panic naming fault_canary. */
static void fault_canary(void)
{
	char buf[16];
	volatile char *p = buf;

	skip_unless_sanitized("fault_canary");
	__asm__ volatile("" : "+r"(p));
	kprintf("selftest: writing %zu bytes into a %zu-byte array at %p\n",
		sizeof(buf) + sizeof(uintptr_t), sizeof(buf), (void *)p);
	for (size_t i = 0; i < sizeof(buf) + sizeof(uintptr_t); i++)
		p[i] = 0x5a;
}

struct selftest {
	const char *name;
	int cpus;	     /* CPUs it needs; "all" skips it with fewer */
	bool (*run)(void);   /* a test that returns */
	void (*fault)(void); /* or one that must not */
};

static const struct selftest tests[] = {
    {"pmem", 1, test_pmem, NULL},
    {"kmalloc", 1, test_kmalloc, NULL},
    {"kmap", 1, test_kmap, NULL},
    {"vpmap", 1, test_vpmap, NULL},
    {"timer", 1, test_timer, NULL},
    {"ksyms", 1, test_ksyms, NULL},
    {"ipi", 2, test_ipi, NULL},
    {"fault_text_write", 1, NULL, fault_text_write},
    {"fault_data_exec", 1, NULL, fault_data_exec},
    {"fault_null_read", 1, NULL, fault_null_read},
    {"fault_user_read", 1, NULL, fault_user_read},
    {"fault_user_exec", 1, NULL, fault_user_exec},
    {"fault_trap", 1, NULL, fault_trap},
    {"fault_stack_overflow", 1, NULL, fault_stack_overflow},
    {"fault_ubsan", 1, NULL, fault_ubsan},
    {"fault_canary", 1, NULL, fault_canary},
};

static int online_cpus(void)
{
	int n = 0;

	for (int id = 0; id < NCPU; id++)
		n += ipi_cpu_is_online(id);
	return n;
}

noreturn void selftest_run(const char *which)
{
	bool all = !which[0] || !strcmp(which, "all");
	int passed = 0, failed = 0;

	for (size_t i = 0; i < ARRAY_SIZE(tests); i++) {
		const struct selftest *t = &tests[i];
		if (all ? t->fault != NULL : strcmp(which, t->name) != 0)
			continue;
		if (all && online_cpus() < t->cpus) {
			kprintf("selftest %s: skipped (needs %d cpus)\n",
				t->name, t->cpus);
		} else if (t->fault) {
			t->fault();
			kprintf("selftest %s: FAIL (no fault)\n", t->name);
			failed++;
		} else if (t->run()) {
			kprintf("selftest %s: ok\n", t->name);
			passed++;
		} else {
			kprintf("selftest %s: FAIL\n", t->name);
			failed++;
		}
	}
	if (passed + failed == 0) {
		kprintf("selftest: no test named '%s'\n", which);
		failed = 1;
	}
	kprintf("selftest: %d passed, %d failed\n", passed, failed);
	arch_poweroff(failed ? 1 : 0);
}
