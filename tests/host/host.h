/*
 * Host unit tests of mm/: the stand-ins for the machine (host_arch.c) and
 * the small test framework every test file here uses.
 *
 * The real pmem, kmalloc and vpmap run over "simulated RAM": one host buffer
 * standing in for physical memory from SIM_PHYS_BASE, reached through
 * kmap_offset exactly as the kernel reaches RAM through its direct map.
 */
#ifndef TESTS_HOST_HOST_H
#define TESTS_HOST_HOST_H

#include <arch/arch.h>

#include "lib/cpu.h"
#include "lib/types.h"
#include "mm/fault.h"

/* ---- Simulated RAM ---------------------------------------------------------
 *
 * Offsets from SIM_PHYS_BASE (0 on x86_64, 2 GiB on RISC-V virt: the physical
 * address where each arch's kernel-image window starts):
 *
 *   0            0x9fc00     1M        1M+0x63a10     15M       17M+0x800   32M
 *   | low RAM    | (hole)    | kernel  | RAM          | hole    | RAM       |
 *
 * The RAM ranges are given to pmem_init out of order, with unaligned ends;
 * everything that is not RAM, and the kernel image's whole frames, are
 * poisoned for AddressSanitizer, so any access pmem makes there is an error. */
#define SIM_PHYS_BASE ((paddr_t)(KIMAGE_BASE - KIMAGE_OFFSET))
#define SIM_RAM_SIZE (32ul << 20)

struct sim_ram {
	struct boot_info bi;
	paddr_t kimage_base, kimage_end; /* reserved: the "kernel image" */
	paddr_t hole_base; /* start of the big hole between RAM ranges */
};

#define SIM_FRAMES (SIM_RAM_SIZE / PAGE_SIZE)

extern struct sim_ram sim;

/* Fill sim, set kmap_offset, poison what is not RAM and call pmem_init. */
void sim_ram_init(void);

/* Allocate every free frame but `leave` of them, to test what runs out of
 * memory; hoard_release gives them all back. */
struct hoard {
	paddr_t pa[SIM_FRAMES];
	size_t n;
};
void hoard_take(struct hoard *h, size_t leave);
void hoard_release(struct hoard *h);

/* ---- Recorded arch calls ------------------------------------------------ */

struct arch_calls {
	unsigned flush_page;   /* arch_tlb_flush_page calls */
	vaddr_t flush_page_va; /* its last argument */
	unsigned flush_all;    /* arch_tlb_flush_all calls */
	unsigned set_root;     /* arch_set_root calls */
	paddr_t root;	       /* its last argument */
	unsigned ipis;	       /* arch_send_ipi calls */
};

extern struct arch_calls arch_calls;
/* Interrupts "on" for the simulated CPU (arch_intr_*). */
extern bool host_intr_on;

/* Fill every record of cpus[] (self, id) as arch_start_cpus would; the
 * calling CPU stays cpus[0]. None is online: a shootdown sends no IPI
 * until a test makes a CPU online (ipi_cpu_online on it). */
void host_cpus_init(void);
/* The root CPU cpu last loaded (arch_set_root; 0: none yet). */
paddr_t host_loaded_root(int cpu);
/* Take CPU cpu offline again (the end of a test that made it online). */
void host_cpu_offline(int cpu);

/* ---- Simulated TLB -------------------------------------------------------
 *
 * One per simulated CPU (cpus[i]): a direct-mapped cache of user
 * translations. The model test fills it on its page-table walks; it forgets
 * an entry only when the code under test flushes it (arch_tlb_flush_page,
 * arch_tlb_flush_all) or loads a root (arch_set_root), as the hardware
 * does. A flush the code forgets leaves a stale translation behind. */
#define HOST_TLB_ENTRIES 512

struct host_tlb_entry {
	bool valid;
	paddr_t root; /* the root loaded when the entry was filled */
	vaddr_t page;
	paddr_t pa;
	unsigned perm; /* neutral permissions, as the walk found them */
};

extern struct host_tlb_entry host_tlb[NCPU][HOST_TLB_ENTRIES];

/* The calling CPU's entry for the page holding va, or NULL. */
struct host_tlb_entry *host_tlb_find(vaddr_t va);
/* Cache page va -> pa with perm on the calling CPU, for the current root. */
void host_tlb_fill(vaddr_t va, paddr_t pa, unsigned perm);

/* ---- Waiting (host_wait.c) ---------------------------------------------
 *
 * The host is one thread of control: its wait ops (lib/wait.h) count what
 * mm/ and lib/ ask of them. Nothing can wake a sleeper, so a sleep panics;
 * a pause returns at once, after calling on_pause when a test set it (to
 * look at the state a waiting fault leaves, or to change it as the other
 * threads would meanwhile). */
struct host_waits {
	unsigned pauses;	/* wait_pause calls */
	unsigned wakeups;	/* wait_wakeup calls */
	void (*on_pause)(void); /* called by each pause, when not NULL */
};

extern struct host_waits host_waits;

/* Register the host's wait ops (wait_register), once, at start. */
void host_wait_init(void);

/* ---- Fault verdicts (fault_test.c) ------------------------------------- */

/* "RESOLVED", "BAD_ADDRESS", ... for a failure message. */
const char *verdict_name(enum verdict_kind kind);

/* ---- Expected panics ---------------------------------------------------- */

/* Run fn(arg) in a child process, which must die of a panic (abort) with
 * a message containing want. Returns true when it did; otherwise
 * test_fail explains. Whatever fn changed is lost with the child. */
bool expect_panic(void (*fn)(void *), void *arg, const char *want);

/* ---- Test framework ----------------------------------------------------- */

/* Record the first failure of the running test (printf-style message). */
void test_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Has the running test failed? */
bool test_failed(void);
/* The running test's first failure ("" when none). */
const char *test_failure(void);

/* CHECK and CHECK_EQ return from the calling test (a void function). */
#define CHECK(c)                                                               \
	do {                                                                   \
		if (!(c)) {                                                    \
			test_fail(__FILE__, __LINE__, "%s", #c);               \
			return;                                                \
		}                                                              \
	} while (0)

#define CHECK_EQ(a, b)                                                         \
	do {                                                                   \
		uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);               \
		if (a_ != b_) {                                                \
			test_fail(__FILE__, __LINE__,                          \
				  "%s == %s: 0x%lx != 0x%lx", #a, #b,          \
				  (unsigned long)a_, (unsigned long)b_);       \
			return;                                                \
		}                                                              \
	} while (0)

#define CHECK_PANICS(fn, arg, want)                                            \
	do {                                                                   \
		if (!expect_panic((fn), (arg), (want)))                        \
			return;                                                \
	} while (0)

/* Run a void helper that uses CHECK; stop the test when it failed. */
#define CALL(call)                                                             \
	do {                                                                   \
		call;                                                          \
		if (test_failed())                                             \
			return;                                                \
	} while (0)

/* A deterministic pseudo-random generator (xorshift64*) for the
 * randomized tests: the same seed gives the same run on every machine. */
static inline uint64_t test_rand(uint64_t *state)
{
	uint64_t x = *state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dull;
}

/* Every permission set the design uses (pte_test.c): W always with R, COW
 * never with W. */
extern const unsigned test_perms[];
extern const size_t ntest_perms;

/* The test lists of each file, run in this order by mm_test.c. */
struct test {
	const char *name;
	void (*fn)(void);
	bool keeps_frames; /* may leave frames allocated (kernel table setup) */
};

extern const struct test pte_tests[], pmem_tests[], kmalloc_tests[],
    wait_tests[], vpmap_tests[], fault_tests[], vmmap_tests[],
    failinject_tests[], model_tests[];

/* Knobs of the model-based test (model_test.c), from mm_test's arguments
 * seed=N steps=N trace=1. */
struct model_opts {
	uint64_t seed;
	uint64_t steps;
	bool trace; /* print every operation */
};

extern struct model_opts model_opts;

#endif
