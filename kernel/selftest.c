/*
 * Boot self-tests of the mm core on the live machine (see selftest.h).
 * Each test returns true on success; CHECK notes the first broken
 * expectation, which the test's result line names, and fails the test.
 * A deliberate fault declares the panic it must end in, and the panic
 * hook judges the panic that comes against it.
 */
#include "kernel/selftest.h"

#include <arch/arch.h>

#include "kernel/cmdline.h"
#include "kernel/timer.h"
#include "lib/cpu.h"
#include "lib/ipi.h"
#include "lib/kprintf.h"
#include "lib/ksyms.h"
#include "lib/panic.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/kmap.h"
#include "mm/kstack.h"
#include "mm/pmem.h"
#include "mm/vpmap.h"

/* The first broken expectation of the test running, for its result line. */
static const char *broken_check;
static int broken_line;

#define CHECK(c)                                                               \
	do {                                                                   \
		if (!(c)) {                                                    \
			broken_check = #c;                                     \
			broken_line = __LINE__;                                \
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

/* ---- Memory size (the command line says what QEMU was given) ------------- */

static const struct boot_info *boot;

/* Parse a size like QEMU's -m: digits, then K, M or G (M if none).
 * Return: the bytes, or 0 when s is no such size. */
static uint64_t parse_size(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);
	int shift = *end == 'K' ? 10 : *end == 'G' ? 30 : 20;

	if (n <= 0 || (*end && *end != 'K' && *end != 'M' && *end != 'G') ||
	    (*end && end[1]))
		return 0;
	return (uint64_t)n << shift;
}

/* The RAM the boot loader reported against expect_mem=SIZE on the command
 * line (the machine's -m): at least 3/4 of it, since the firmware keeps
 * a little, and at most all of it. */
static bool test_memory(void)
{
	char want[16];
	uint64_t ram = 0, size;

	for (int i = 0; i < boot->nram; i++)
		ram += boot->ram[i].size;
	CHECK(cmdline_get(boot->cmdline, "expect_mem", want, sizeof(want)));
	size = parse_size(want);
	kprintf("  %lu KiB usable of expect_mem=%s\n",
		(unsigned long)(ram >> 10), want);
	CHECK(size != 0);
	CHECK(ram * 4 >= size * 3 && ram <= size);
	return true;
}

/* ---- Deliberate kernel faults -------------------------------------------- */

/* Where the running fault test is about to go wrong (volatile: the store
 * must not sink below the faulting access, which never completes). */
static volatile uintptr_t fault_addr;

/* Say what the test is about to do at addr, and note addr for the judge. */
static void *fault_at(const char *what, void *addr)
{
	kprintf("selftest: %s at %p\n", what, addr);
	fault_addr = (uintptr_t)addr;
	return addr;
}

static void fault_text_write(void)
{
	*(volatile char *)fault_at("writing kernel text", _text_start) = 0;
}

static void fault_data_exec(void)
{
	static uint32_t code[4]; /* .bss: mapped R+W, not X */
	((void (*)(void))(uintptr_t)fault_at("executing kernel data", code))();
}

static void fault_null_read(void)
{
	(void)*(volatile int *)fault_at("reading unmapped memory", NULL);
}

/* Load a fresh address space with one user page (R+W+X, PERM_U) at
 * 0x400000 and return its address: the kernel must not touch it. */
static void *user_page_loaded(void)
{
	static struct pmap pm;
	paddr_t pa = pmem_alloc(PMEM_ZERO);

	if (vpmap_create(&pm) < 0 || !pa ||
	    vpmap_map(&pm, 0x400000, pa, PERM_RW | PERM_X | PERM_U) < 0)
		panic("selftest: no memory for a user page");
	vpmap_activate(&pm);
	return (void *)0x400000;
}

/* SMAP on x86_64, sstatus.SUM clear on RISC-V: the kernel reading a user
 * page faults, since it reaches user memory only through the direct map. */
static void fault_user_read(void)
{
	void *p = user_page_loaded();
	(void)*(volatile char *)fault_at("kernel reading user memory", p);
}

/* SMEP on x86_64; on RISC-V S-mode never executes user pages. */
static void fault_user_exec(void)
{
	void *p = user_page_loaded();
	((void (*)(void))(uintptr_t)fault_at("kernel executing user memory",
					     p))();
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
 * Each needs a SANITIZE=1 kernel (its table entry says so): in any other
 * no check exists to trip, and the test is skipped. */

/* A signed overflow, on a value the compiler cannot fold: UBSan must
 * report it and panic naming fault_ubsan. */
static void fault_ubsan(void)
{
	volatile int big = __INT_MAX__;
	int sum;

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

	__asm__ volatile("" : "+r"(p));
	kprintf("selftest: writing %zu bytes into a %zu-byte array at %p\n",
		sizeof(buf) + sizeof(uintptr_t), sizeof(buf), (void *)p);
	for (size_t i = 0; i < sizeof(buf) + sizeof(uintptr_t); i++)
		p[i] = 0x5a;
}

/* ---- The table ----------------------------------------------------------- */

/* The panic a fault test must end in: its kind and, for a page fault, the
 * access and the reason at the address the test announced (fault_at);
 * the function holding the pc (NULL: the pc is that address, for an
 * execute fault) and a function the backtrace must name. */
struct panic_expect {
	enum panic_kind kind;
	const char *access, *reason;
	const char *pc_in, *caller;
};

struct selftest {
	const char *name;
	int cpus;	     /* CPUs it needs; "all" skips it with fewer */
	bool (*run)(void);   /* a test that returns */
	void (*fault)(void); /* or one that must not, */
	struct panic_expect panic; /* but end in this panic */
	bool by_name;		   /* only when named: it needs a word */
	bool sanitizer;		   /* needs a SANITIZE=1 kernel */
};

#define TEST(fn, ncpus)                                                        \
	{                                                                      \
		.name = #fn, .cpus = ncpus, .run = test_##fn                   \
	}
#define FAULT(fn, ...)                                                         \
	{                                                                      \
		.name = #fn, .cpus = 1, .fault = fn, .panic = { __VA_ARGS__ }  \
	}

/* A sanitizer's check, which must panic in the function that failed it. */
#define SANITIZER_FAULT(fn, panic_kind)                                        \
	{                                                                      \
		.name = #fn, .cpus = 1, .fault = fn,                           \
		.panic = {panic_kind, NULL, NULL, #fn, #fn}, .sanitizer = true \
	}

/* An execute fault's pc is not in the kernel's text: the backtrace names
 * the caller of the function that jumped. */
static const struct selftest tests[] = {
    TEST(pmem, 1),
    TEST(kmalloc, 1),
    TEST(kmap, 1),
    TEST(vpmap, 1),
    TEST(timer, 1),
    TEST(ksyms, 1),
    TEST(ipi, 2),
    {.name = "memory", .cpus = 1, .run = test_memory, .by_name = true},
    FAULT(fault_text_write, PANIC_PAGE_FAULT, "write", "read-only page",
	  "fault_text_write", "fault_text_write"),
    FAULT(fault_data_exec, PANIC_PAGE_FAULT, "execute", "no-execute page", NULL,
	  "selftest_run"),
    FAULT(fault_null_read, PANIC_PAGE_FAULT, "read", "not present",
	  "fault_null_read", "fault_null_read"),
    FAULT(fault_user_read, PANIC_PAGE_FAULT, "read", "user page",
	  "fault_user_read", "fault_user_read"),
    FAULT(fault_user_exec, PANIC_PAGE_FAULT, "execute", "user page", NULL,
	  "selftest_run"),
    FAULT(fault_trap, PANIC_TRAP, NULL, NULL, "fault_trap", "fault_trap"),
    FAULT(fault_stack_overflow, PANIC_STACK_OVERFLOW, NULL, NULL, "deep",
	  "fault_stack_overflow"),
    SANITIZER_FAULT(fault_ubsan, PANIC_UBSAN),
    SANITIZER_FAULT(fault_canary, PANIC_STACK_SMASH),
};

/* ---- Running them, and judging a panic ----------------------------------- */

/* The fault test running now, for the panic hook; its number. */
static const struct selftest *faulting;
static int faulting_n;

static const char *const kind_names[] = {
    [PANIC_BUG] = "plain",
    [PANIC_PAGE_FAULT] = "page fault",
    [PANIC_TRAP] = "unexpected trap",
    [PANIC_STACK_OVERFLOW] = "kernel stack overflow",
    [PANIC_UBSAN] = "undefined behaviour",
    [PANIC_STACK_SMASH] = "stack smashing",
};

/* Does some backtrace line name function want? */
static bool backtrace_names(const struct panic_report *r, const char *want)
{
	for (int i = 0; i < r->nframes; i++)
		if (named(r->frames[i], want))
			return true;
	return false;
}

/* Compare the panic r with what e declares. Return: NULL when they agree,
 * else the first difference in words (in buf). */
static const char *panic_differs(const struct panic_expect *e,
				 const struct panic_report *r, char *buf,
				 size_t size)
{
	const struct panic_cause *c = r->cause;
	uintptr_t off;

	if (c->kind != e->kind)
		ksnprintf(buf, size, "panic kind '%s', not '%s'",
			  kind_names[c->kind], kind_names[e->kind]);
	else if (e->kind == PANIC_PAGE_FAULT && c->addr != fault_addr)
		ksnprintf(buf, size, "the fault is at %p, not %p",
			  (void *)c->addr, (void *)fault_addr);
	else if (e->access && strcmp(c->access, e->access) != 0)
		ksnprintf(buf, size, "a %s fault, not %s", c->access,
			  e->access);
	else if (e->reason && strcmp(c->reason, e->reason) != 0)
		ksnprintf(buf, size, "reason '%s', not '%s'", c->reason,
			  e->reason);
	else if (!e->pc_in && c->pc != fault_addr)
		ksnprintf(buf, size, "pc %p is not the bad address %p",
			  (void *)c->pc, (void *)fault_addr);
	else if (e->pc_in && !named(ksym_lookup(c->pc, &off), e->pc_in))
		ksnprintf(buf, size, "the pc %pS is not in %s", (void *)c->pc,
			  e->pc_in);
	else if (r->nframes < 2 || !r->frames[1])
		ksnprintf(buf, size, "no symbolized backtrace");
	else if (!backtrace_names(r, e->caller))
		ksnprintf(buf, size, "the backtrace does not name %s",
			  e->caller);
	else
		return NULL;
	return buf;
}

/* The panic hook (lib/panic.h): a fault test's panic is judged against
 * its declaration, one result line; any other panic bails the test run
 * out. Return: the status to leave QEMU with, 0 for an expected panic. */
static int selftest_on_panic(const struct panic_report *r)
{
	char why[128];
	const char *differs;

	if (!faulting) {
		kprintf("Bail out! panic: %s\n", r->message);
		return 1;
	}
	differs = panic_differs(&faulting->panic, r, why, sizeof(why));
	if (differs) {
		kprintf("not ok %d panic on %s # %s\n", faulting_n,
			faulting->name, differs);
		return 1;
	}
	kprintf("ok %d panic on %s\n", faulting_n, faulting->name);
	return 0;
}

void selftest_init(void)
{
	panic_set_hook(selftest_on_panic);
}

static int online_cpus(void)
{
	int n = 0;

	for (int id = 0; id < NCPU; id++)
		n += ipi_cpu_is_online(id);
	return n;
}

/* Is name one of the comma-separated names of list? */
static bool listed(const char *list, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = list; *p; p++)
		if ((p == list || p[-1] == ',') && !strncmp(p, name, len) &&
		    (p[len] == ',' || p[len] == '\0'))
			return true;
	return false;
}

/* Does `selftest=which` ask for t? "" and "all": every test that returns
 * and needs no word of its own; "faults": every fault test but the
 * sanitizers' ("sanitizers": those); else a list of names. */
static bool selected(const char *which, const struct selftest *t)
{
	if (!which[0] || !strcmp(which, "all"))
		return !t->fault && !t->by_name;
	if (!strcmp(which, "faults"))
		return t->fault && !t->sanitizer;
	if (!strcmp(which, "sanitizers"))
		return t->sanitizer;
	return listed(which, t->name);
}

/* Run test number n, t, printing its result line. A fault test should
 * never come back: its panic prints the line (selftest_on_panic).
 * Return: whether it passed (a skipped test passes). */
static bool run_one(int n, const struct selftest *t, bool all)
{
	kprintf("# run %d %s%s\n", n, t->fault ? "panic on " : "", t->name);
	if (all && online_cpus() < t->cpus) {
		kprintf("ok %d %s # SKIP needs %d cpus\n", n, t->name, t->cpus);
		return true;
	}
	if (t->sanitizer && !KERNEL_SANITIZE) {
		kprintf("ok %d panic on %s # SKIP needs a SANITIZE=1 kernel\n", n,
			t->name);
		return true;
	}
	if (t->fault) {
		faulting = t;
		faulting_n = n;
		t->fault();
		faulting = NULL;
		kprintf("not ok %d panic on %s # no fault\n", n, t->name);
		return false;
	}
	if (!t->run()) {
		kprintf("not ok %d %s # check failed: %s (%s:%d)\n", n, t->name,
			broken_check, __FILE__, broken_line);
		return false;
	}
	kprintf("ok %d %s\n", n, t->name);
	return true;
}

noreturn void selftest_run(const struct boot_info *bi)
{
	char which[64] = "", start[16] = "0";
	int planned = 0, n = 0, failed = 0, first;
	bool all;

	boot = bi;
	cmdline_get(bi->cmdline, "selftest", which, sizeof(which));
	cmdline_get(bi->cmdline, "start", start, sizeof(start));
	first = (int)strtol(start, NULL, 10);
	all = !which[0] || !strcmp(which, "all");
	for (size_t i = 0; i < ARRAY_SIZE(tests); i++)
		planned += selected(which, &tests[i]);
	if (planned == 0) {
		kprintf("Bail out! no self-test named '%s'\n", which);
		arch_poweroff(1);
	}
	kprintf("1..%d\n", planned);
	for (size_t i = 0; i < ARRAY_SIZE(tests); i++) {
		if (!selected(which, &tests[i]) || ++n <= first)
			continue;
		failed += !run_one(n, &tests[i], all);
	}
	kprintf("selftest: %d passed, %d failed\n", planned - first - failed,
		failed);
	arch_poweroff(failed ? 1 : 0);
}
