/*
 * A model-based random test of mm/ as the kernel drives it. Simulated
 * processes are built the way exec builds them, fork (copy-on-write, now
 * and then eagerly), exit, move their break, touch memory and have the
 * kernel copy in and out of them, all through the real addrspace, fault
 * policy and uaccess code, on two simulated CPUs. User accesses go through
 * a simulated MMU: the CPU's TLB (host.h), a walk of the current root on a
 * miss, and on a fault mm_user_fault and one retry; they read and write the
 * simulated RAM itself. A fault the policy refuses kills the process, as
 * trap_page_fault does, and its verdict must be the one the model gives.
 *
 * The model is trivially correct: per process, its regions and a shadow
 * copy of every page it wrote (unwritten bytes read 0). It says what every
 * access, sbrk and copy must do and read. After every step the bytes just
 * written and a few others are read back through the MMU; every
 * CHECK_EVERY steps and after every exit a full check walks every table:
 *   - each frame's reference count is the number of PTEs, table pointers
 *     and roots that reach it (a kmalloc slab: 1; frames held before the
 *     run or by its hoard: unchanged); free + used = total; no free frame
 *     is mapped;
 *   - each leaf lies in a region of its process with the region's
 *     permissions; a writable leaf's frame has count 1; a COW leaf is never
 *     writable nor in a read-only region; its bytes are the model's, and
 *     every page the model wrote is still mapped;
 *   - each TLB entry agrees with the page table: it may cache a weaker
 *     permission than the PTE (the fault policy flushes that), never a
 *     stronger one or another frame;
 * and once every process has exited the free-frame count is back.
 *
 * The mix of operations changes every PHASE_STEPS steps, so that a run
 * also spends time in odd corners (forks and no exits, sbrk storms, memory
 * squeezed to the last frames); every other phase runs with mm_fault_sleep,
 * so that each fault waits once (VERDICT_WAIT), and while it waits its CPU
 * runs the idle table and the process comes back on either CPU.
 *
 * Every run happens in a child process forked from the same starting
 * state, so a failing run replays exactly with fewer steps: the test
 * bisects to the shortest prefix that fails. A crash (a panic, a sanitizer
 * report) fails a run like any check does.
 */
#include <arch/perm.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/abi/errcode.h"
#include "lib/cpu.h"
#include "mm/addrspace.h"
#include "mm/fault.h"
#include "mm/pmem.h"
#include "mm/uaccess.h"
#include "mm/vpmap.h"
#include "tests/host/host.h"

struct model_opts model_opts = {
    .seed = 0x6d6f64656c5eedull,
    .steps = 100000,
};

#define NPROC 8		 /* simulated processes alive at once, at most */
#define NREGION 6	 /* text, rodata, data, heap, stack */
#define SIM_CPUS 2	 /* simulated CPUs (cpus[0], cpus[1]) */
#define CHECK_EVERY 50	 /* steps between full checks */
#define PHASE_STEPS 5000 /* steps between changes of the mix of operations */
#define SHADOW_BUCKETS 256
#define LOG_LINES 64		 /* operations shown with a failure */
#define MAX_ACCESS 64		 /* bytes of one user access, at most */
#define COPY_MAX (3 * PAGE_SIZE) /* bytes of one kernel copy, at most */
/* Frames a spawn or a copy-on-write fork may need, at most: pages of the
 * image, tables, kmalloc slabs. Running out is fine only this close to the
 * reserve. */
#define SPAWN_FRAMES 64

#define STACK_BOTTOM (USTACK_UPPERBOUND - USTACK_PAGES * PAGE_SIZE)
/* Bytes one top-level slot spans. */
#define SLOT_SPAN (1ul << (PAGE_SHIFT + (PT_LEVELS - 1) * PT_INDEX_BITS))

#define FAIL(...) test_fail(__FILE__, __LINE__, __VA_ARGS__)

/* A page the process wrote: what every byte of it must read. */
struct shadow_page {
	vaddr_t va;
	struct shadow_page *next;
	uint8_t b[PAGE_SIZE];
};

struct mregion {
	vaddr_t start, end; /* end: byte-exact (the heap's break) */
	unsigned perm;	    /* PERM_R / PERM_W / PERM_X */
};

struct sproc {
	bool live;
	int cpu;	      /* simulated CPU it is loaded on, or -1 */
	int pid;	      /* its name in the log */
	struct addrspace *as; /* the real one, which mm/ is given */
	struct mregion reg[NREGION];
	int nreg, heap; /* reg[heap] is the heap */
	struct shadow_page *shadow[SHADOW_BUCKETS];
};

enum op {
	OP_SPAWN,
	OP_FORK,
	OP_EXIT,
	OP_SBRK,
	OP_COPY,
	OP_SWITCH,
	OP_SQUEEZE,
	OP_USER,
	NOPS
};

/* How often each operation comes, per thousand steps, on average. */
static const unsigned op_weight[NOPS] = {
    [OP_SPAWN] = 25, [OP_FORK] = 45,   [OP_EXIT] = 25,	 [OP_SBRK] = 95,
    [OP_COPY] = 110, [OP_SWITCH] = 50, [OP_SQUEEZE] = 5, [OP_USER] = 645,
};

/* What a child run tells the parent, in shared memory. */
struct run_result {
	uint64_t step; /* the step being run (its count while tearing down) */
	bool teardown;
	char msg[1024];
	char log[LOG_LINES][240]; /* the last operations, by step */
};

static struct {
	uint64_t rng;
	uint64_t step;
	bool quiet;	  /* no output */
	struct pmap idle; /* stands in for the kernel's own pmap */
	struct pmap *saved_pmap[SIM_CPUS];
	int cpu_proc[SIM_CPUS]; /* procs[] index loaded, or -1 */
	int next_pid;
	bool squeezed;			     /* the hoard holds frames */
	unsigned weight[NOPS], total_weight; /* the mix of operations now */
	size_t free_start;
	/* The bytes the last step wrote, read back after it. */
	struct sproc *wrote;
	vaddr_t wrote_va;
	size_t wrote_len;
} m;

static struct {
	uint64_t user, faults, spurious, tlb_hits, copies, copy_faults, sbrks,
	    sbrk_errors, spawns, forks, eager_forks, exits, kills, oom, waits,
	    full_checks, live_sum;
	int max_live;
} stats;

static struct sproc procs[NPROC];
static struct hoard hoard;
static struct run_result *result;

/* ---- Small helpers ------------------------------------------------------- */

static uint64_t rnd(uint64_t n)
{
	return test_rand(&m.rng) % n;
}

static struct mregion *model_region(struct sproc *p, vaddr_t va)
{
	for (int i = 0; i < p->nreg; i++)
		if (va >= p->reg[i].start &&
		    va < ROUND_UP(p->reg[i].end, PAGE_SIZE))
			return &p->reg[i];
	return NULL;
}

static unsigned need_perm(enum access a)
{
	return a == ACCESS_WRITE ? PERM_W : a == ACCESS_EXEC ? PERM_X : PERM_R;
}

/* Does the model let p make access a to every byte of [va, va + len)
 * (which does not wrap)? */
static bool model_allows(struct sproc *p, vaddr_t va, size_t len, enum access a)
{
	vaddr_t last = ROUND_DOWN(va + len - 1, PAGE_SIZE);

	for (vaddr_t page = ROUND_DOWN(va, PAGE_SIZE);; page += PAGE_SIZE) {
		struct mregion *r =
		    page < USER_TOP ? model_region(p, page) : NULL;
		if (!r || !(r->perm & need_perm(a)))
			return false;
		if (page == last)
			return true;
	}
}

/* "rw-uC" style letters for neutral permissions (C: copy-on-write). */
static const char *perm_str(unsigned perm, char buf[8])
{
	buf[0] = perm & PERM_R ? 'r' : '-';
	buf[1] = perm & PERM_W ? 'w' : '-';
	buf[2] = perm & PERM_X ? 'x' : '-';
	buf[3] = perm & PERM_U ? 'u' : '-';
	buf[4] = perm & PERM_COW ? 'C' : '-';
	buf[5] = '\0';
	return buf;
}

/* Start this step's line in the operation log. */
static void note(const char *fmt, ...)
{
	char *line = result->log[m.step % LOG_LINES];
	int n = snprintf(line, sizeof(result->log[0]),
			 "step %lu: ", (unsigned long)m.step);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(result->log[0]) - n, fmt, ap);
	va_end(ap);
}

/* Add to this step's line. */
static void more(const char *fmt, ...)
{
	char *line = result->log[m.step % LOG_LINES];
	size_t n = strlen(line);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(result->log[0]) - n, fmt, ap);
	va_end(ap);
}

/* ---- The shadow pages ---------------------------------------------------- */

static struct shadow_page **bucket(struct sproc *p, vaddr_t page)
{
	return &p->shadow[(page >> PAGE_SHIFT) % SHADOW_BUCKETS];
}

static struct shadow_page *shadow_find(struct sproc *p, vaddr_t va)
{
	vaddr_t page = ROUND_DOWN(va, PAGE_SIZE);

	for (struct shadow_page *s = *bucket(p, page); s; s = s->next)
		if (s->va == page)
			return s;
	return NULL;
}

/* The shadow of the page holding va, made (all zero) when missing. */
static struct shadow_page *shadow_get(struct sproc *p, vaddr_t va)
{
	struct shadow_page *s = shadow_find(p, va), **b;

	if (s)
		return s;
	s = calloc(1, sizeof(*s));
	if (!s)
		abort();
	s->va = ROUND_DOWN(va, PAGE_SIZE);
	b = bucket(p, s->va);
	s->next = *b;
	*b = s;
	return s;
}

static uint8_t model_byte(struct sproc *p, vaddr_t va)
{
	struct shadow_page *s = shadow_find(p, va);
	return s ? s->b[va & (PAGE_SIZE - 1)] : 0;
}

/* Forget the pages of [lo, hi) (the kernel freed them). */
static void shadow_drop(struct sproc *p, vaddr_t lo, vaddr_t hi)
{
	for (size_t i = 0; i < SHADOW_BUCKETS; i++) {
		struct shadow_page **pp = &p->shadow[i];
		while (*pp) {
			struct shadow_page *s = *pp;
			if (s->va >= lo && s->va < hi) {
				*pp = s->next;
				free(s);
			} else {
				pp = &s->next;
			}
		}
	}
}

static void shadow_copy(struct sproc *dst, struct sproc *src)
{
	for (size_t i = 0; i < SHADOW_BUCKETS; i++)
		for (struct shadow_page *s = src->shadow[i]; s; s = s->next)
			memcpy(shadow_get(dst, s->va)->b, s->b, PAGE_SIZE);
}

/* A written page of p picked at random, or NULL. */
static struct shadow_page *shadow_any(struct sproc *p)
{
	size_t b = rnd(SHADOW_BUCKETS);

	for (size_t i = 0; i < SHADOW_BUCKETS; i++)
		if (p->shadow[(b + i) % SHADOW_BUCKETS])
			return p->shadow[(b + i) % SHADOW_BUCKETS];
	return NULL;
}

/* ---- Processes and CPUs -------------------------------------------------- */

static int live_count(void)
{
	int n = 0;
	for (int i = 0; i < NPROC; i++)
		n += procs[i].live;
	return n;
}

static struct sproc *random_live(void)
{
	int n = live_count(), k;

	if (!n)
		return NULL;
	k = rnd(n);
	for (int i = 0; i < NPROC; i++)
		if (procs[i].live && k-- == 0)
			return &procs[i];
	return NULL;
}

static struct sproc *free_slot(void)
{
	for (int i = 0; i < NPROC; i++)
		if (!procs[i].live)
			return &procs[i];
	return NULL;
}

/* CPU c stops running its process and loads the idle table, as the
 * scheduler does after a process leaves the CPU. */
static void deschedule(int c)
{
	arch_cpu_set(&cpus[c]);
	if (m.cpu_proc[c] >= 0)
		procs[m.cpu_proc[c]].cpu = -1;
	m.cpu_proc[c] = -1;
	vpmap_activate(&m.idle);
}

/* Run p on CPU c: the scheduler loads its table there (and flushes). */
static void schedule(struct sproc *p, int c)
{
	if (p->cpu >= 0)
		deschedule(p->cpu);
	deschedule(c);
	m.cpu_proc[c] = p - procs;
	p->cpu = c;
	vpmap_activate(&p->as->pmap);
}

/* The pmap the model has CPU c run: its process's, or the idle one. */
static struct pmap *model_pmap(int c)
{
	return m.cpu_proc[c] >= 0 ? &procs[m.cpu_proc[c]].as->pmap : &m.idle;
}

/* Make p the process running on the calling CPU (for a user access or a
 * system call): the CPU it is loaded on, else a random one. */
static void run_on(struct sproc *p)
{
	if (p->cpu < 0)
		schedule(p, rnd(SIM_CPUS));
	arch_cpu_set(&cpus[p->cpu]);
}

static void full_check(void);

/* p exits, as proc_exit does: the idle table on its CPU, then the
 * owner's as_release. */
static void exit_proc(struct sproc *p)
{
	if (p->cpu >= 0)
		deschedule(p->cpu);
	as_release(p->as);
	p->as = NULL;
	shadow_drop(p, 0, ~(vaddr_t)0);
	p->live = false;
	if (m.wrote == p)
		m.wrote = NULL;
	full_check();
}

/* ---- The simulated MMU --------------------------------------------------- */

static bool perm_allows(unsigned perm, enum access a)
{
	return (perm & PERM_U) && (perm & need_perm(a));
}

/* Translate user address va for access a on the calling CPU: its TLB, or a
 * walk of the current root on a miss, which fills the TLB. True with the
 * physical address when the translation allows a, false when the access
 * faults. A TLB entry that disagrees with the page table in a way only a
 * flush could fix fails the test. */
static bool mmu_translate(vaddr_t va, enum access a, paddr_t *pa)
{
	vaddr_t page = ROUND_DOWN(va, PAGE_SIZE);
	struct pmap *pm = vpmap_current();
	paddr_t root = host_loaded_root(cpu_id()), tpa = 0;
	unsigned tperm = 0;
	struct host_tlb_entry *e;
	bool mapped;
	char c1[8], c2[8];

	if (va >= USER_TOP)
		return false;
	mapped = vpmap_lookup(pm, page, &tpa, &tperm);
	e = host_tlb_find(va);
	if (e) {
		stats.tlb_hits++;
		if (e->root != root || !mapped || e->pa != tpa ||
		    (e->perm & ~tperm & (PERM_R | PERM_W | PERM_X | PERM_U))) {
			FAIL("cpu%ld: stale TLB entry: %p -> frame %p %s, but "
			     "the page table has %s%p %s (a TLB flush is "
			     "missing)",
			     (long)(arch_cpu() - cpus), (void *)page,
			     (void *)e->pa, perm_str(e->perm, c1),
			     mapped ? "frame " : "nothing ",
			     (void *)(mapped ? tpa : 0),
			     mapped ? perm_str(tperm, c2) : "");
			return false;
		}
		tpa = e->pa;
		tperm = e->perm;
	} else if (mapped) {
		host_tlb_fill(va, tpa, tperm);
	} else {
		return false;
	}
	if (!perm_allows(tperm, a))
		return false;
	*pa = tpa + (va - page);
	return true;
}

/* The verdict the fault policy must give p's access a at va: refused,
 * with the reason the kill line shows, when no region holds va or the
 * region forbids a; else resolved (or out of memory, which the model does
 * not foresee). */
static struct verdict model_verdict(struct sproc *p, vaddr_t va, enum access a)
{
	static const char *const forbids[] = {
	    [ACCESS_READ] = "read of an unreadable region",
	    [ACCESS_WRITE] = "write to a read-only region",
	    [ACCESS_EXEC] = "execute in a non-executable region",
	};
	struct mregion *r = va < USER_TOP ? model_region(p, va) : NULL;

	if (va >= USER_TOP)
		return (struct verdict){VERDICT_BAD_ADDRESS, "kernel address"};
	if (!r && va < STACK_BOTTOM && va >= STACK_BOTTOM - PAGE_SIZE)
		return (struct verdict){VERDICT_BAD_ADDRESS, "stack overflow"};
	if (!r)
		return (struct verdict){VERDICT_BAD_ADDRESS,
					"bad address (no region)"};
	if (!(r->perm & need_perm(a)))
		return (struct verdict){VERDICT_PROTECTION, forbids[a]};
	return (struct verdict){VERDICT_RESOLVED, NULL};
}

/* Does verdict v of p's fault (a at va) agree with the model's want, and
 * did it wait as often as it should (once when the region allows it, in a
 * phase of faults that wait; never otherwise)? Fails the test if not. */
static void check_verdict(struct sproc *p, vaddr_t va, enum access a,
			  struct verdict v, unsigned waits)
{
	struct verdict want = model_verdict(p, va, a);
	unsigned want_waits = mm_fault_sleep && want.kind == VERDICT_RESOLVED;

	if (v.kind != want.kind &&
	    !(v.kind == VERDICT_NOMEM && want.kind == VERDICT_RESOLVED))
		FAIL("p%d: %s fault at %p: verdict %s (%s), the model says %s",
		     p->pid, access_name(a), (void *)va, verdict_name(v.kind),
		     v.reason ? v.reason : "", verdict_name(want.kind));
	else if (want.reason && strcmp(v.reason, want.reason))
		FAIL("p%d: %s fault at %p refused for \"%s\", the model says "
		     "\"%s\"",
		     p->pid, access_name(a), (void *)va, v.reason, want.reason);
	else if (waits != want_waits)
		FAIL("p%d: %s fault at %p waited %u times, not %u", p->pid,
		     access_name(a), (void *)va, waits, want_waits);
}

/* A user page fault of p at va into the real policy, as trap_page_fault
 * makes it, checked against the model; *v is the verdict. True when
 * resolved, false when the process is to be killed. */
static bool user_fault(struct sproc *p, vaddr_t va, enum access a,
		       struct verdict *v)
{
	unsigned pauses = host_waits.pauses;

	*v = mm_user_fault(p->as, va, a);
	check_verdict(p, va, a, *v, host_waits.pauses - pauses);
	return v->kind == VERDICT_RESOLVED;
}

/* Fault at va into the policy and say what it did. False when the
 * process is to be killed (*v says why). */
static bool fault_and_trace(struct sproc *p, vaddr_t va, enum access a,
			    struct verdict *v)
{
	struct vm_counters before = vm_counters;

	stats.faults++;
	if (!user_fault(p, va, a, v))
		return false;
	more(" [%s]",
	     vm_counters.num_zerofill > before.num_zerofill   ? "zero fill"
	     : vm_counters.num_cow_copy > before.num_cow_copy ? "COW copy"
	     : vm_counters.num_cow_reuse > before.num_cow_reuse
		 ? "COW reuse"
		 : "already allowed");
	return true;
}

/* One page of a user access by p, as the hardware makes it: translate; on
 * a fault, the policy, then a retry. A mapping given new rights without a
 * flush may still fault once through the CPU's weaker TLB entry (RISC-V
 * may keep it; x86 drops it on the fault): that spurious fault must find
 * the access already allowed and flush, and the next retry must succeed.
 * True with the physical address, false when the process is to be killed
 * (*v: the verdict). */
static bool mmu_access(struct sproc *p, vaddr_t va, enum access a, paddr_t *pa,
		       struct verdict *v)
{
	if (mmu_translate(va, a, pa) || test_failed())
		return true;
	if (!fault_and_trace(p, va, a, v))
		return false;
	if (mmu_translate(va, a, pa) || test_failed())
		return true;
	stats.spurious++;
	if (!fault_and_trace(p, va, a, v))
		return false;
	if (!mmu_translate(va, a, pa) && !test_failed())
		FAIL("%s at %p still faults after the policy resolved it",
		     access_name(a), (void *)va);
	return true;
}

/* The pause of a fault that waits (host_waits.on_pause): the process
 * gives up its CPU holding its address space's lock, the CPU runs the idle
 * table meanwhile, and the process comes back on either CPU, which loads
 * its table again. */
static void model_pause(void)
{
	int c = cpu_id();
	struct sproc *p = m.cpu_proc[c] >= 0 ? &procs[m.cpu_proc[c]] : NULL;

	stats.waits++;
	if (!p || !sleeplock_held(&p->as->lock)) {
		FAIL("cpu%d: a wait outside its process's fault or copy", c);
		return;
	}
	deschedule(c);
	schedule(p, rnd(SIM_CPUS));
}

/* Read byte va of p as its code would, without faulting: through its
 * CPU's TLB when it is loaded, else its page table. An absent page must
 * hold no written byte. */
static void probe(struct sproc *p, vaddr_t va)
{
	vaddr_t page = ROUND_DOWN(va, PAGE_SIZE);
	paddr_t pa = 0;
	unsigned perm;
	bool present;
	uint8_t got, want;

	if (va >= USER_TOP)
		return;
	if (p->cpu >= 0) {
		arch_cpu_set(&cpus[p->cpu]);
		present = mmu_translate(va, ACCESS_READ, &pa);
		if (test_failed())
			return;
		if (!present && vpmap_lookup(&p->as->pmap, page, NULL, &perm)) {
			char c[8];
			FAIL("p%d: page %p is mapped %s: not readable by the "
			     "user",
			     p->pid, (void *)page, perm_str(perm, c));
			return;
		}
	} else {
		present = vpmap_lookup(&p->as->pmap, page, &pa, NULL);
		pa += va - page;
	}
	if (!present) {
		if (shadow_find(p, va))
			FAIL("p%d: page %p was written but is not mapped "
			     "any more",
			     p->pid, (void *)page);
		return;
	}
	got = *(uint8_t *)P2V(pa);
	want = model_byte(p, va);
	if (got != want)
		FAIL("p%d: byte %p reads 0x%02x, the model says 0x%02x", p->pid,
		     (void *)va, got, want);
}

/* ---- The full check ------------------------------------------------------ */

enum role { ROLE_NONE, ROLE_ROOT, ROLE_TABLE, ROLE_LEAF };

static uint16_t refs[SIM_FRAMES]; /* references found by the walk */
static struct {
	int8_t proc; /* procs[] index, -1: the idle root */
	uint8_t role;
	vaddr_t va;
} first_ref[SIM_FRAMES];
static bool held_before[SIM_FRAMES]; /* used (not slab) when the run began */
static int32_t count_before[SIM_FRAMES];
static bool hoarded[SIM_FRAMES];
static const uint8_t zero_page[PAGE_SIZE];

static size_t frame_of(paddr_t pa)
{
	return (pa - SIM_PHYS_BASE) >> PAGE_SHIFT;
}

static const char *who(size_t f, char *buf, size_t size)
{
	char name[16];

	if (first_ref[f].proc < 0)
		snprintf(name, sizeof(name), "the idle root");
	else
		snprintf(name, sizeof(name), "p%d",
			 procs[first_ref[f].proc].pid);
	switch (first_ref[f].role) {
	case ROLE_ROOT:
		snprintf(buf, size, "the root of %s", name);
		break;
	case ROLE_TABLE:
		snprintf(buf, size, "a table of %s at %p", name,
			 (void *)first_ref[f].va);
		break;
	case ROLE_LEAF:
		snprintf(buf, size, "page %p of %s", (void *)first_ref[f].va,
			 name);
		break;
	default:
		snprintf(buf, size, "nothing");
	}
	return buf;
}

/* Count one reference to pa found by the walk. */
static bool count_ref(paddr_t pa, int proc, enum role role, vaddr_t va)
{
	size_t f;

	if (pa - SIM_PHYS_BASE >= SIM_RAM_SIZE || (pa & (PAGE_SIZE - 1)) ||
	    !pmem_contains(pa)) {
		FAIL("%s %s of p%d at %p points to %p, not a frame of pmem",
		     role == ROLE_LEAF ? "a leaf" : "a table",
		     role == ROLE_ROOT ? "root" : "entry",
		     proc < 0 ? 0 : procs[proc].pid, (void *)va, (void *)pa);
		return false;
	}
	f = frame_of(pa);
	if (refs[f]++ == 0) {
		first_ref[f].proc = proc;
		first_ref[f].role = role;
		first_ref[f].va = va;
	}
	return true;
}

/* A leaf of procs[i]: where it may be, its permissions, its bytes. */
static void check_leaf(int i, vaddr_t va, paddr_t pa, unsigned perm)
{
	struct sproc *p = &procs[i];
	struct mregion *r = model_region(p, va);
	struct shadow_page *s;
	int pid = p->pid;
	char c[8], c2[8];

	if (!r) {
		FAIL("p%d: page %p is mapped (%s) outside every region", pid,
		     (void *)va, perm_str(perm, c));
		return;
	}
	if (!(perm & PERM_U) ||
	    (perm & (PERM_R | PERM_X)) != (r->perm & (PERM_R | PERM_X))) {
		FAIL("p%d: page %p is mapped %s in a region with %s", pid,
		     (void *)va, perm_str(perm, c), perm_str(r->perm, c2));
		return;
	}
	if ((perm & PERM_COW) && (perm & PERM_W)) {
		FAIL("p%d: page %p is COW and writable", pid, (void *)va);
		return;
	}
	if ((perm & PERM_COW) && !(r->perm & PERM_W)) {
		FAIL("p%d: page %p of a read-only region is marked COW", pid,
		     (void *)va);
		return;
	}
	if (!(perm & PERM_COW) && (perm & PERM_W) != (r->perm & PERM_W)) {
		FAIL("p%d: page %p is mapped %s in a region with %s (and not "
		     "COW)",
		     pid, (void *)va, perm_str(perm, c),
		     (r->perm & PERM_W) ? "write" : "no write");
		return;
	}
	if ((perm & PERM_W) && pmem_refcount(pa) != 1) {
		FAIL("p%d: writable page %p maps frame %p whose count is %d",
		     pid, (void *)va, (void *)pa, pmem_refcount(pa));
		return;
	}
	s = shadow_find(p, va);
	if (memcmp(P2V(pa), s ? s->b : zero_page, PAGE_SIZE)) {
		size_t off = 0;
		const uint8_t *k = P2V(pa), *want = s ? s->b : zero_page;
		while (k[off] == want[off])
			off++;
		FAIL("p%d: byte %p reads 0x%02x, the model says 0x%02x (frame "
		     "%p)",
		     pid, (void *)(va + off), k[off], want[off], (void *)pa);
	}
}

/* Walk the user half of the level-`level` table at pa (procs[i]'s, or the
 * idle root's when i < 0). */
static void walk_tables(int i, paddr_t table, int level, vaddr_t base)
{
	const pte_t *t = P2V(table);
	size_t n = level == PT_LEVELS - 1 ? PT_KERNEL_SLOT_FIRST : PT_ENTRIES;

	for (size_t k = 0; k < n && !test_failed(); k++) {
		pte_t pte = t[k];
		vaddr_t va =
		    base + ((vaddr_t)k << (PAGE_SHIFT + level * PT_INDEX_BITS));

		if (!pte_valid(pte))
			continue;
		if (!pte_is_leaf(pte, level)) {
			if (count_ref(pte_addr(pte), i, ROLE_TABLE, va))
				walk_tables(i, pte_addr(pte), level - 1, va);
			continue;
		}
		if (level || i < 0) {
			FAIL("%s maps %p with a %s",
			     i < 0 ? "the idle root" : "a process", (void *)va,
			     level ? "large page" : "user page");
			return;
		}
		if (count_ref(pte_addr(pte), i, ROLE_LEAF, va))
			check_leaf(i, va, pte_addr(pte), pte_perm(pte));
	}
}

/* The kernel's regions of p are the model's. */
static void check_regions(struct sproc *p)
{
	struct memregion *r = p->as->regions;
	int i = 0;

	for (; r && i < p->nreg; r = r->next, i++) {
		if (r->start != p->reg[i].start || r->end != p->reg[i].end ||
		    r->perm != p->reg[i].perm) {
			FAIL("p%d: region %d is [%p, %p) perm %#x, the model "
			     "has [%p, %p) perm %#x",
			     p->pid, i, (void *)r->start, (void *)r->end,
			     r->perm, (void *)p->reg[i].start,
			     (void *)p->reg[i].end, p->reg[i].perm);
			return;
		}
		if ((p->as->heap == r) != (i == p->heap)) {
			FAIL("p%d: as->heap is not region %d", p->pid, p->heap);
			return;
		}
	}
	if (r || i != p->nreg)
		FAIL("p%d: the kernel has another number of regions than the "
		     "model's %d",
		     p->pid, p->nreg);
}

/* The pmap vpmap says CPU c has loaded (asked on CPU c). */
static struct pmap *pmap_loaded_on(int c)
{
	struct cpu *was = arch_cpu();
	struct pmap *pm;

	arch_cpu_set(&cpus[c]);
	pm = vpmap_current();
	arch_cpu_set(was);
	return pm;
}

/* Each CPU has loaded the table the model has it run, in vpmap's record
 * and in the (simulated) hardware, and each pmap's CPU set is the CPUs
 * that have it loaded. */
static void check_cpus(void)
{
	uint64_t idle_set = 0;

	for (int c = 0; c < SIM_CPUS; c++) {
		struct pmap *want = model_pmap(c);

		if (pmap_loaded_on(c) != want ||
		    host_loaded_root(c) != want->root) {
			FAIL("cpu%d: root %p loaded, the model runs %s (root "
			     "%p) there",
			     c, (void *)host_loaded_root(c),
			     want == &m.idle ? "the idle table" : "a process",
			     (void *)want->root);
			return;
		}
		idle_set |= m.cpu_proc[c] < 0 ? 1ull << c : 0;
	}
	if (m.idle.cpus != idle_set)
		FAIL("the idle table's CPU set is %#lx, not %#lx",
		     (unsigned long)m.idle.cpus, (unsigned long)idle_set);
	for (int i = 0; i < NPROC && !test_failed(); i++) {
		struct sproc *p = &procs[i];
		uint64_t want = p->cpu >= 0 ? 1ull << p->cpu : 0;

		if (p->live && p->as->pmap.cpus != want)
			FAIL("p%d: CPU set %#lx, but it is loaded on cpu %d "
			     "(-1: none)",
			     p->pid, (unsigned long)p->as->pmap.cpus, p->cpu);
	}
}

/* Every TLB entry agrees with the table of the root its CPU has loaded
 * (check_cpus: the model's). */
static void check_tlbs(void)
{
	for (int c = 0; c < SIM_CPUS; c++) {
		for (size_t k = 0; k < HOST_TLB_ENTRIES; k++) {
			struct host_tlb_entry *e = &host_tlb[c][k];
			paddr_t pa;
			unsigned perm;
			char c1[8], c2[8];

			if (!e->valid)
				continue;
			if (e->root != host_loaded_root(c)) {
				FAIL("cpu%d: TLB entry of root %p while %p "
				     "is loaded",
				     c, (void *)e->root,
				     (void *)host_loaded_root(c));
				return;
			}
			if (!vpmap_lookup(model_pmap(c), e->page, &pa, &perm)) {
				FAIL("cpu%d: stale TLB entry: %p -> frame %p "
				     "%s, but the page is not mapped any more "
				     "(a TLB flush is missing)",
				     c, (void *)e->page, (void *)e->pa,
				     perm_str(e->perm, c1));
				return;
			}
			if (pa != e->pa || (e->perm & ~perm & ~PERM_COW)) {
				FAIL("cpu%d: stale TLB entry: %p -> frame %p "
				     "%s, but the page table has frame %p %s "
				     "(a TLB flush is missing)",
				     c, (void *)e->page, (void *)e->pa,
				     perm_str(e->perm, c1), (void *)pa,
				     perm_str(perm, c2));
				return;
			}
		}
	}
}

static void full_check(void)
{
	size_t nfree = 0, ntotal = 0;
	char buf[96];

	if (test_failed())
		return;
	stats.full_checks++;
	memset(refs, 0, sizeof(refs));
	CALL(check_cpus());
	count_ref(m.idle.root, -1, ROLE_ROOT, 0);
	walk_tables(-1, m.idle.root, PT_LEVELS - 1, 0);
	for (int i = 0; i < NPROC && !test_failed(); i++) {
		struct sproc *p = &procs[i];

		if (!p->live)
			continue;
		CALL(check_regions(p));
		if (count_ref(p->as->pmap.root, i, ROLE_ROOT, 0))
			walk_tables(i, p->as->pmap.root, PT_LEVELS - 1, 0);
		for (size_t b = 0; b < SHADOW_BUCKETS && !test_failed(); b++)
			for (struct shadow_page *s = p->shadow[b]; s;
			     s = s->next)
				if (!vpmap_lookup(&p->as->pmap, s->va, NULL,
						  NULL)) {
					FAIL("p%d: page %p was written but is "
					     "not mapped any more",
					     p->pid, (void *)s->va);
					break;
				}
	}
	if (test_failed())
		return;
	CALL(check_tlbs());

	for (size_t f = 0; f < SIM_FRAMES; f++) {
		paddr_t pa = SIM_PHYS_BASE + f * PAGE_SIZE;
		struct page *pg;
		int count;
		unsigned want;

		if (!pmem_contains(pa))
			continue;
		ntotal++;
		pg = pmem_page(pa);
		count = pmem_refcount(pa);
		if (held_before[f]) {
			if (pg->kind != PAGE_USED || count != count_before[f] ||
			    refs[f]) {
				FAIL("frame %p, held before the run (count "
				     "%d), now has kind %d, count %d, and is "
				     "used by %s",
				     (void *)pa, count_before[f], pg->kind,
				     count, who(f, buf, sizeof(buf)));
				return;
			}
			continue;
		}
		if (pg->kind == PAGE_FREE) {
			nfree++;
			if (count || refs[f]) {
				FAIL("frame %p is free (count %d) but used by "
				     "%s",
				     (void *)pa, count,
				     who(f, buf, sizeof(buf)));
				return;
			}
			continue;
		}
		if (pg->kind == PAGE_SLAB) {
			if (count != 1 || refs[f]) {
				FAIL("kmalloc frame %p has count %d and is "
				     "used by %s",
				     (void *)pa, count,
				     who(f, buf, sizeof(buf)));
				return;
			}
			continue;
		}
		want = refs[f] + hoarded[f];
		if (pg->kind != PAGE_USED || count < 0 ||
		    (unsigned)count != want) {
			FAIL("frame %p: reference count %d, but %u reference%s "
			     "found (%s%s)",
			     (void *)pa, count, want, want == 1 ? "" : "s",
			     who(f, buf, sizeof(buf)),
			     refs[f] > 1 ? " and others" : "");
			return;
		}
	}
	if (nfree != pmem_free_count() || ntotal != pmem_total())
		FAIL("%zu free and %zu frames counted, pmem says %zu free of "
		     "%zu",
		     nfree, ntotal, pmem_free_count(), pmem_total());
}

/* ---- Operations ---------------------------------------------------------- */

/* May an operation that ran out of memory have done so? Only when free
 * frames were within `need` of the reserve only the kernel may take. */
static bool oom_ok(size_t free_before, size_t need)
{
	return free_before <= PMEM_RESERVE + need;
}

/* Frames that faulting in `pages` user pages may take: each a frame, and
 * the tables on the way to it (which may come from the reserve). */
static size_t fault_frames(size_t pages)
{
	return pages * PT_LEVELS;
}

/* Add region [start, end) with perm to the model and to p's address
 * space; NULL when the kernel refused. */
static struct memregion *add_region(struct sproc *p, vaddr_t start, vaddr_t end,
				    unsigned perm)
{
	struct mregion *r = &p->reg[p->nreg++];

	r->start = start;
	r->end = end;
	r->perm = perm;
	return as_add_memregion(p->as, start, end, perm);
}

/* Map page va of region r present, as exec does, and write n random bytes
 * of "file content" into it through the direct map. */
static bool load_page(struct sproc *p, struct memregion *r, vaddr_t va,
		      size_t n)
{
	uint8_t *k = as_map_new_page(p->as, r, va, true);
	size_t off = rnd(PAGE_SIZE - n + 1);
	struct shadow_page *s;

	if (!k)
		return false;
	if (!n)
		return true;
	s = shadow_get(p, va);
	for (size_t i = off; i < off + n; i++)
		k[i] = s->b[i] = (uint8_t)test_rand(&m.rng);
	return true;
}

/* Where a program is placed: low, across table boundaries of every
 * level, and just below the stack (so the heap can reach it). */
static vaddr_t pick_base(void)
{
	switch (rnd(8)) {
	case 0:
		return PAGE_SIZE;
	case 1:
		return (1ul << 21) - 2 * PAGE_SIZE;
	case 2:
		return (1ul << 30) - 3 * PAGE_SIZE;
	case 3:
		return SLOT_SPAN - 3 * PAGE_SIZE;
	case 4:
		return STACK_BOTTOM - (1ul << 20);
	default:
		return 0x400000;
	}
}

/* A new process built like exec builds one: text R+X and maybe rodata R,
 * data R+W, all present with content; an empty heap; the stack with its
 * top page present. */
static void op_spawn(void)
{
	struct sproc *p = free_slot();
	vaddr_t va = pick_base(), heap;
	size_t free0 = pmem_free_count();
	size_t ntext = 1 + rnd(3), ndata = 1 + rnd(3);
	struct memregion *r;
	bool ok;

	memset(p, 0, sizeof(*p));
	p->cpu = -1;
	p->pid = ++m.next_pid;
	note("spawn p%d at %p", p->pid, (void *)va);
	stats.spawns++;
	p->as = as_create();
	ok = p->as != NULL;
	if (ok) {
		r = add_region(p, va, va + ntext * PAGE_SIZE, PERM_RX);
		for (size_t i = 0; i < ntext && (ok = r); i++)
			ok = load_page(p, r, va + i * PAGE_SIZE, PAGE_SIZE);
		va += ntext * PAGE_SIZE;
	}
	if (ok && rnd(2)) {
		r = add_region(p, va, va + PAGE_SIZE, PERM_R);
		ok = r && load_page(p, r, va, 1 + rnd(PAGE_SIZE));
		va += PAGE_SIZE;
	}
	if (ok) {
		va += rnd(2) * PAGE_SIZE;
		r = add_region(p, va, va + ndata * PAGE_SIZE, PERM_RW);
		for (size_t i = 0; i < ndata && (ok = r); i++)
			ok = load_page(p, r, va + i * PAGE_SIZE, rnd(512));
		va += ndata * PAGE_SIZE;
	}
	if (ok) {
		heap = va;
		p->heap = p->nreg;
		p->as->heap = add_region(p, heap, heap, PERM_RW);
		r = add_region(p, STACK_BOTTOM, USTACK_UPPERBOUND, PERM_RW);
		ok = p->as->heap && r;
		/* The arguments at the top of the stack. */
		if (ok) {
			uint8_t *k = as_map_new_page(
			    p->as, r, USTACK_UPPERBOUND - PAGE_SIZE, true);
			struct shadow_page *s;

			ok = k != NULL;
			if (ok) {
				s = shadow_get(p, USTACK_UPPERBOUND - 1);
				for (size_t i = PAGE_SIZE - 64; i < PAGE_SIZE;
				     i++)
					k[i] = s->b[i] = 'a' + i % 26;
			}
		}
	}
	if (ok) {
		p->live = true;
		return;
	}
	more(" -> out of memory");
	stats.oom++;
	if (p->as)
		as_release(p->as);
	shadow_drop(p, 0, ~(vaddr_t)0);
	if (!oom_ok(free0, SPAWN_FRAMES))
		FAIL("spawn failed with %zu frames free", free0);
}

/* Pages of p present now. */
static size_t present_pages(struct sproc *p)
{
	size_t n = 0;

	for (int i = 0; i < p->nreg; i++)
		for (vaddr_t va = p->reg[i].start;
		     va < ROUND_UP(p->reg[i].end, PAGE_SIZE); va += PAGE_SIZE)
			n += vpmap_lookup(&p->as->pmap, va, NULL, NULL);
	return n;
}

/* fork, as proc_fork does it: as_share_cow (or, now and then, the eager
 * as_copy_as), refused when only the reserve would be left. */
static void op_fork(struct sproc *p)
{
	struct sproc *c = free_slot();
	bool eager = rnd(8) == 0;
	size_t free0 = pmem_free_count();
	size_t need = SPAWN_FRAMES + (eager ? present_pages(p) : 0);
	struct addrspace *as;
	int err = ERR_NOMEM;

	note("p%d fork%s -> p%d", p->pid, eager ? " (eager)" : "",
	     m.next_pid + 1);
	stats.forks++;
	stats.eager_forks += eager;
	run_on(p);
	as = as_create();
	as_lock(p->as);
	if (as)
		err = eager ? as_copy_as(p->as, as) : as_share_cow(p->as, as);
	as_unlock(p->as);
	if (!err && pmem_free_count() <= PMEM_RESERVE)
		err = ERR_NOMEM;
	if (err) {
		more(" -> out of memory");
		stats.oom++;
		if (as)
			as_release(as);
		if (err != ERR_NOMEM || !oom_ok(free0, need))
			FAIL("fork of p%d: %d with %zu frames free", p->pid,
			     err, free0);
		return;
	}
	memset(c, 0, sizeof(*c));
	c->live = true;
	c->cpu = -1;
	c->pid = ++m.next_pid;
	c->as = as;
	memcpy(c->reg, p->reg, sizeof(p->reg));
	c->nreg = p->nreg;
	c->heap = p->heap;
	shadow_copy(c, p);
}

static void op_exit(struct sproc *p)
{
	note("p%d exit", p->pid);
	stats.exits++;
	run_on(p);
	exit_proc(p);
}

/* sbrk(delta) through memregion_extend, against the contract of
 * addrspace.h: growing allocates nothing and fails, changing nothing, when
 * the break would pass the next region or user space or the heap would
 * outgrow RAM; shrinking below the start changes nothing. */
static void op_sbrk(struct sproc *p)
{
	struct mregion *h = &p->reg[p->heap];
	vaddr_t size = h->end - h->start;
	vaddr_t limit =
	    p->heap + 1 < p->nreg ? p->reg[p->heap + 1].start : USER_TOP;
	uint64_t max = (uint64_t)pmem_total() * PAGE_SIZE;
	intptr_t delta, want, got;
	vaddr_t new_end;

	switch (rnd(16)) {
	case 0:
	case 1:
	case 2:
	case 3:
		delta = 1 + rnd(3 * PAGE_SIZE);
		break;
	case 4:
	case 5:
		delta = rnd(64) * PAGE_SIZE + rnd(2);
		break;
	case 6:
	case 7:
	case 8:
		delta = -(intptr_t)rnd(size + 1);
		break;
	case 9:
		delta = -(intptr_t)size;
		break;
	case 10:
		delta = -(intptr_t)(size + 1 + rnd(2 * PAGE_SIZE));
		break;
	case 11:
		delta = (intptr_t)(MIN(limit, h->start + max) - h->end) +
			(intptr_t)rnd(2);
		break;
	case 12: {
		static const intptr_t huge[] = {INTPTR_MAX, INTPTR_MIN,
						(intptr_t)USER_TOP,
						-(intptr_t)USER_TOP};
		delta = huge[rnd(ARRAY_SIZE(huge))];
		break;
	}
	case 13:
		delta = (intptr_t)max + 1;
		break;
	case 14:
		delta = -(intptr_t)h->end - (intptr_t)rnd(PAGE_SIZE);
		break;
	default:
		delta = 0;
	}
	new_end = h->end + (vaddr_t)delta;
	want = (intptr_t)h->end;
	if (delta > 0 &&
	    (new_end < h->end || new_end > limit || new_end - h->start > max))
		want = ERR_NOMEM;
	note("p%d sbrk(%ld) at break %p", p->pid, (long)delta, (void *)h->end);
	stats.sbrks++;
	run_on(p);
	as_lock(p->as);
	got = memregion_extend(p->as, p->as->heap, delta);
	as_unlock(p->as);
	more(" -> %#lx", (unsigned long)got);
	if (got != want) {
		FAIL("p%d: sbrk(%ld) at break %p returned %#lx, not %#lx",
		     p->pid, (long)delta, (void *)h->end, (unsigned long)got,
		     (unsigned long)want);
		return;
	}
	if (want == ERR_NOMEM) {
		stats.sbrk_errors++;
		return;
	}
	if (delta < 0 && (new_end > h->end || new_end < h->start))
		return;
	if (delta < 0)
		shadow_drop(p, ROUND_UP(new_end, PAGE_SIZE),
			    ROUND_UP(h->end, PAGE_SIZE));
	h->end = new_end;
}

/* An address for an access of len bytes by p: mostly inside a region that
 * allows a, sometimes at or just past a region's edges, sometimes where no
 * user may go. `hostile` makes the last two likelier (kernel copies may
 * fail without killing anyone). */
static vaddr_t pick_addr(struct sproc *p, size_t len, enum access a,
			 bool hostile)
{
	static const vaddr_t wild[] = {
	    0,
	    8,
	    PAGE_SIZE - 1,
	    USTACK_UPPERBOUND,
	    USER_TOP - 1,
	    USER_TOP,
	    KMAP_BASE + SIM_PHYS_BASE + (2ul << 20),
	    KIMAGE_BASE + 0x100000,
	    ~(vaddr_t)0 - 7,
	};
	unsigned k = rnd(100);
	struct mregion *r = &p->reg[rnd(p->nreg)];
	vaddr_t end;
	size_t pages;

	if (rnd(32) && !(r->perm & need_perm(a)))
		r = a == ACCESS_EXEC ? &p->reg[0] : &p->reg[p->nreg - 1];
	end = ROUND_UP(r->end, PAGE_SIZE);
	pages = (end - r->start) / PAGE_SIZE;
	if (!pages) {
		r = &p->reg[p->nreg - 1];
		end = ROUND_UP(r->end, PAGE_SIZE);
		pages = (end - r->start) / PAGE_SIZE;
	}
	if (k < (hostile ? 70u : 96u)) {
		size_t i = pages <= 64 ? rnd(pages)
			   : rnd(2)    ? rnd(32)
				       : pages - 1 - rnd(32);
		return r->start + i * PAGE_SIZE + rnd(PAGE_SIZE);
	}
	if (k < (hostile ? 90u : 99u)) {
		switch (rnd(7)) {
		case 0:
			return r->start - 1 - rnd(len + 1);
		case 1:
			return r->start;
		case 2:
			return r->end > r->start ? r->end - 1 : r->start;
		case 3:
			return r->end;
		case 4:
			return end - rnd(len + 1);
		case 5:
			return end;
		default:
			return STACK_BOTTOM - 1 - rnd(PAGE_SIZE);
		}
	}
	if (rnd(3) == 0)
		return rnd(USER_TOP);
	return wild[rnd(ARRAY_SIZE(wild))];
}

/* A user read, write or execute of 1 to MAX_ACCESS bytes by p, through the
 * simulated MMU. */
static void op_user(struct sproc *p)
{
	unsigned k = rnd(20);
	enum access a = k < 9	 ? ACCESS_READ
			: k < 18 ? ACCESS_WRITE
				 : ACCESS_EXEC;
	size_t len = rnd(8) ? 1 + rnd(8) : 1 + rnd(MAX_ACCESS);
	vaddr_t va = pick_addr(p, len, a, false);
	size_t n0, free0;
	paddr_t pa[2];
	struct verdict v;
	bool allowed;

	if (va && len > -va)
		len = -va;
	n0 = MIN(len, PAGE_SIZE - (va & (PAGE_SIZE - 1)));
	allowed = model_allows(p, va, len, a);
	note("p%d %s %p+%zu%s", p->pid, access_name(a), (void *)va, len,
	     allowed ? "" : " (forbidden)");
	stats.user++;
	run_on(p);
	for (int c = 0; c < (n0 < len ? 2 : 1); c++) {
		vaddr_t at = c ? va + n0 : va;

		free0 = pmem_free_count();
		if (!mmu_access(p, at, a, &pa[c], &v)) {
			bool oom = v.kind == VERDICT_NOMEM;

			more(" -> killed: %s", v.reason);
			stats.kills++;
			stats.oom += oom;
			if (allowed && !(oom && oom_ok(free0, 0)))
				FAIL("p%d killed (%s, %s at %p) by a %s the "
				     "model allows, %zu frames free",
				     p->pid, v.reason, access_name(a),
				     (void *)at, access_name(a), free0);
			else
				exit_proc(p);
			return;
		}
		if (test_failed())
			return;
	}
	if (!allowed) {
		FAIL("p%d: %s of %p+%zu allowed, but the model forbids it",
		     p->pid, access_name(a), (void *)va, len);
		return;
	}
	for (size_t i = 0; i < len; i++) {
		uint8_t *kb =
		    (uint8_t *)P2V(i < n0 ? pa[0] + i : pa[1] + (i - n0));
		vaddr_t at = va + i;

		if (a == ACCESS_WRITE) {
			*kb = (uint8_t)test_rand(&m.rng);
			shadow_get(p, at)->b[at & (PAGE_SIZE - 1)] = *kb;
		} else if (*kb != model_byte(p, at)) {
			FAIL("p%d: %s of byte %p gives 0x%02x, the model says "
			     "0x%02x",
			     p->pid, access_name(a), (void *)at, *kb,
			     model_byte(p, at));
			return;
		}
	}
	if (a == ACCESS_WRITE) {
		m.wrote = p;
		m.wrote_va = va;
		m.wrote_len = len;
	}
}

/* The page-sized pieces copy_from_user / copy_to_user go through, up to
 * the first the model refuses: how many of them it lets through, and
 * their number (*ok: all of them). */
static size_t copy_plan(struct sproc *p, vaddr_t uva, size_t n, enum access a,
			size_t *nchunks, bool *ok)
{
	*nchunks = 0;
	*ok = n == 0;
	if (n == 0 || uva + n < uva)
		return 0;
	while (n > 0) {
		size_t chunk = MIN(n, PAGE_SIZE - (uva & (PAGE_SIZE - 1)));
		struct mregion *r =
		    uva < USER_TOP ? model_region(p, uva) : NULL;

		(*nchunks)++;
		if (!r || !(r->perm & need_perm(a)))
			return *nchunks - 1;
		uva += chunk;
		n -= chunk;
	}
	*ok = true;
	return *nchunks;
}

/* How many leading pieces of the copy reached user memory, judging by
 * the page table now: each piece that did left its page present (and
 * writable, for a copy to the user). */
static size_t copy_reached(struct sproc *p, vaddr_t uva, size_t nchunks,
			   enum access a)
{
	for (size_t i = 0; i < nchunks; i++) {
		vaddr_t page = ROUND_DOWN(uva, PAGE_SIZE) + i * PAGE_SIZE;
		unsigned perm;

		if (!model_region(p, page) ||
		    !vpmap_lookup(&p->as->pmap, page, NULL, &perm) ||
		    (a == ACCESS_WRITE && !(perm & PERM_W)))
			return i;
	}
	return nchunks;
}

static uint8_t kbuf[COPY_MAX + 1];

/* copy_str_from_user against the model: the length of the string, or
 * ERR_FAULT at the first byte outside a region, or ERR_INVAL; ERR_NOMEM
 * when memory ran out on the way. */
static void op_copy_str(struct sproc *p, vaddr_t src, size_t size)
{
	size_t free0 = pmem_free_count();
	int want = ERR_INVAL, got;
	size_t pages = 0;

	for (size_t i = 0; i < size; i++) {
		vaddr_t va = src + i;
		if (va >= USER_TOP || !model_region(p, va)) {
			want = ERR_FAULT;
			break;
		}
		if (i == 0 || (va & (PAGE_SIZE - 1)) == 0)
			pages++;
		if (!model_byte(p, va)) {
			want = (int)i;
			break;
		}
	}
	note("p%d copy_str_from_user(%p, %zu) -> %d?", p->pid, (void *)src,
	     size, want);
	got = copy_str_from_user(p->as, (char *)kbuf, src, size);
	more(" %d", got);
	if (got != want &&
	    !(got == ERR_NOMEM && oom_ok(free0, fault_frames(pages)))) {
		FAIL("p%d: copy_str_from_user(%p, %zu) returned %d, not %d",
		     p->pid, (void *)src, size, got, want);
		return;
	}
	for (int i = 0; got != ERR_FAULT && got != ERR_NOMEM &&
			i < (got >= 0 ? got + 1 : (int)size);
	     i++)
		if (kbuf[i] != model_byte(p, src + i)) {
			FAIL("p%d: copy_str_from_user byte %p is 0x%02x, the "
			     "model says 0x%02x",
			     p->pid, (void *)(src + i), kbuf[i],
			     model_byte(p, src + i));
			return;
		}
}

/* A system call's copy in or out of p's memory. */
static void op_copy(struct sproc *p)
{
	unsigned k = rnd(20);
	enum access a = k < 9 ? ACCESS_WRITE : ACCESS_READ;
	size_t n, nchunks, plan, reached, free0;
	vaddr_t uva;
	bool ok, bad;
	int got;

	switch (rnd(10)) {
	case 0:
		n = 0;
		break;
	case 1:
	case 2:
	case 3:
	case 4:
		n = 1 + rnd(64);
		break;
	case 9:
		n = rnd(2) ? ~(size_t)0 - rnd(PAGE_SIZE) : USER_TOP;
		break;
	default:
		n = 1 + rnd(COPY_MAX);
	}
	uva = pick_addr(p, MIN(n, COPY_MAX), a, true);
	stats.copies++;
	run_on(p);
	if (k >= 18) {
		op_copy_str(p, uva, rnd(4) ? rnd(2 * PAGE_SIZE) : rnd(64));
		return;
	}
	plan = copy_plan(p, uva, n, a, &nchunks, &ok);
	/* A long copy only where it fails before touching any byte: the
	 * kernel's buffer is COPY_MAX bytes. */
	if (n > COPY_MAX && plan > 0)
		n = COPY_MAX, plan = copy_plan(p, uva, n, a, &nchunks, &ok);
	note("p%d copy_%s_user(%p, %zu)%s", p->pid,
	     a == ACCESS_WRITE ? "to" : "from", (void *)uva, n,
	     ok ? "" : " (bad range)");
	free0 = pmem_free_count();
	if (a == ACCESS_WRITE) {
		for (size_t i = 0; i < MIN(n, COPY_MAX); i++)
			kbuf[i] = (uint8_t)test_rand(&m.rng);
		got = copy_to_user(p->as, uva, kbuf, n);
	} else {
		memset(kbuf, 0xa5, sizeof(kbuf));
		got = copy_from_user(p->as, kbuf, uva, n);
	}
	more(" -> %d", got);
	reached = n ? copy_reached(p, uva, nchunks, a) : 0;
	if (got == ERR_FAULT)
		stats.copy_faults++;
	if (got == 0)
		bad = !ok || reached != nchunks;
	else if (got == ERR_NOMEM && oom_ok(free0, fault_frames(nchunks)))
		bad = reached > plan; /* out of memory, maybe before */
	else
		bad = got != ERR_FAULT || ok || reached != plan;
	if (bad) {
		FAIL("p%d: copy_%s_user(%p, %zu) returned %d and reached %zu "
		     "of %zu pages; the model says %s after %zu",
		     p->pid, a == ACCESS_WRITE ? "to" : "from", (void *)uva, n,
		     got, reached, nchunks, ok ? "0" : "ERR_FAULT", plan);
		return;
	}
	if (got == 0)
		reached = nchunks;
	for (size_t i = 0; i < n; i++) {
		vaddr_t at = uva + i;

		if (ROUND_DOWN(at, PAGE_SIZE) >=
		    ROUND_DOWN(uva, PAGE_SIZE) + reached * PAGE_SIZE)
			break;
		if (a == ACCESS_WRITE) {
			shadow_get(p, at)->b[at & (PAGE_SIZE - 1)] = kbuf[i];
		} else if (kbuf[i] != model_byte(p, at)) {
			FAIL("p%d: copy_from_user byte %p is 0x%02x, the model "
			     "says 0x%02x",
			     p->pid, (void *)at, kbuf[i], model_byte(p, at));
			return;
		}
	}
	if (a == ACCESS_WRITE && reached) {
		m.wrote = p;
		m.wrote_va = uva;
		m.wrote_len = MIN(n, reached * PAGE_SIZE);
	}
}

/* The scheduler: a process moves to (or onto) a CPU, or a CPU idles. */
static void op_switch(void)
{
	int c = rnd(SIM_CPUS);
	struct sproc *p = random_live();

	if (!p || rnd(4) == 0) {
		note("cpu%d idles", c);
		deschedule(c);
		return;
	}
	note("cpu%d runs p%d", c, p->pid);
	if (p->cpu != c)
		schedule(p, c);
}

/* Take all but a few frames (some of the reserve, maybe all of it) away
 * for a while, so that allocations fail; or give them back. */
static void op_squeeze(void)
{
	if (m.squeezed) {
		note("release %zu frames", hoard.n);
		for (size_t i = 0; i < hoard.n; i++)
			hoarded[frame_of(hoard.pa[i])] = false;
		hoard_release(&hoard);
		m.squeezed = false;
		return;
	}
	hoard_take(&hoard, rnd(PMEM_RESERVE + 40));
	note("squeeze: %zu frames taken, %zu left", hoard.n, pmem_free_count());
	for (size_t i = 0; i < hoard.n; i++)
		hoarded[frame_of(hoard.pa[i])] = true;
	m.squeezed = true;
}

/* After each step: read back what it wrote, and a few bytes anywhere. */
static void spot_check(void)
{
	if (m.wrote) {
		for (int i = 0; i < 4 && !test_failed(); i++)
			probe(m.wrote, m.wrote_va + rnd(m.wrote_len));
		m.wrote = NULL;
	}
	for (int i = 0; i < 3 && !test_failed(); i++) {
		struct sproc *p = random_live();
		struct shadow_page *s;

		if (!p)
			return;
		s = shadow_any(p);
		probe(p, s && rnd(2) ? s->va + rnd(PAGE_SIZE)
				     : pick_addr(p, 1, ACCESS_READ, false));
	}
}

/* Every PHASE_STEPS steps the weights change at random (each scaled by 0
 * to 4, user accesses never below half), so that a run also spends time in
 * odd mixes: forks and no exits, sbrk storms, no scheduling; and faults
 * wait first (mm_fault_sleep) in every other phase. */
static void new_phase(void)
{
	static const unsigned scale[] = {0, 1, 2, 4, 8}; /* quarters */

	mm_fault_sleep = (m.step / PHASE_STEPS) % 2 == 1;
	m.total_weight = 0;
	for (int i = 0; i < NOPS; i++) {
		m.weight[i] = op_weight[i] * scale[rnd(ARRAY_SIZE(scale))] / 4;
		if (i == OP_USER)
			m.weight[i] = MAX(m.weight[i], op_weight[i] / 2);
		m.total_weight += m.weight[i];
	}
}

static enum op pick_op(void)
{
	unsigned k = rnd(m.total_weight);
	int i = 0;

	while (k >= m.weight[i])
		k -= m.weight[i++];
	return i;
}

static void step(void)
{
	int nlive = live_count();
	struct sproc *p = random_live();
	enum op op = pick_op();

	/* No process: make one. A full table: an exit instead. Squeezed:
	 * give the frames back one step in twenty. */
	if (!p)
		op = OP_SPAWN;
	else if ((op == OP_SPAWN || op == OP_FORK) && nlive == NPROC)
		op = OP_EXIT;
	if (m.squeezed && rnd(20) == 0)
		op = OP_SQUEEZE;
	switch (op) {
	case OP_SPAWN:
		op_spawn();
		break;
	case OP_FORK:
		op_fork(p);
		break;
	case OP_EXIT:
		op_exit(p);
		break;
	case OP_SBRK:
		op_sbrk(p);
		break;
	case OP_COPY:
		op_copy(p);
		break;
	case OP_SWITCH:
		op_switch();
		break;
	case OP_SQUEEZE:
		op_squeeze();
		break;
	default:
		op_user(p);
	}
	nlive = live_count();
	stats.live_sum += nlive;
	stats.max_live = MAX(stats.max_live, nlive);
	if (model_opts.trace && !m.quiet)
		printf("%s\n", result->log[m.step % LOG_LINES]);
	if (!test_failed())
		spot_check();
	if (m.step % CHECK_EVERY == 0)
		full_check();
	if (m.step % PHASE_STEPS == 0)
		new_phase();
}

/* ---- A run --------------------------------------------------------------- */

static void setup(void)
{
	memset(&m, 0, sizeof(m));
	memset(procs, 0, sizeof(procs));
	memset(host_tlb, 0, sizeof(host_tlb));
	m.rng = model_opts.seed ? model_opts.seed : 1;
	for (int i = 0; i < NOPS; i++)
		m.total_weight += m.weight[i] = op_weight[i];
	m.free_start = pmem_free_count();
	for (size_t f = 0; f < SIM_FRAMES; f++) {
		paddr_t pa = SIM_PHYS_BASE + f * PAGE_SIZE;
		held_before[f] =
		    pmem_contains(pa) && pmem_page(pa)->kind == PAGE_USED;
		count_before[f] = held_before[f] ? pmem_refcount(pa) : 0;
	}
	if (vpmap_create(&m.idle) < 0)
		FAIL("no frame for the idle table");
	mm_fault_sleep = false;
	host_waits.on_pause = model_pause;
	for (int c = 0; c < SIM_CPUS; c++) {
		arch_cpu_set(&cpus[c]);
		m.saved_pmap[c] = vpmap_current();
		m.cpu_proc[c] = -1;
		deschedule(c);
	}
}

/* Every process exits, each CPU loads again what it had before the run
 * (the kernel's pmap if nothing), the idle table goes: every frame is
 * free again. */
static void teardown(uint64_t steps)
{
	result->teardown = true;
	m.step = steps;
	full_check();
	if (m.squeezed)
		op_squeeze();
	for (int i = 0; i < NPROC && !test_failed(); i++)
		if (procs[i].live)
			exit_proc(&procs[i]);
	if (test_failed())
		return;
	for (int c = SIM_CPUS - 1; c >= 0; c--) {
		arch_cpu_set(&cpus[c]);
		vpmap_activate(m.saved_pmap[c] ? m.saved_pmap[c]
					       : vpmap_kernel());
	}
	vpmap_destroy(&m.idle);
	if (pmem_free_count() != m.free_start)
		FAIL("every process exited: %zu frames free, %zu at the start",
		     pmem_free_count(), m.free_start);
}

/* The operations up to the failing one of the last run. */
static void print_log(void)
{
	uint64_t last = result->step;
	uint64_t first = last >= LOG_LINES ? last - LOG_LINES + 1 : 1;

	for (uint64_t s = first; s <= last; s++)
		printf("    %s\n", result->log[s % LOG_LINES]);
	if (result->teardown)
		printf("    (then: a full check, and every process exits)\n");
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) + (t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void print_stats(uint64_t steps, double secs)
{
	printf("       model %s: seed %#lx, %lu steps in %.1f s: %lu user "
	       "accesses (%lu faults, %lu spurious, %lu TLB hits), %lu kernel "
	       "copies (%lu "
	       "ERR_FAULT), %lu sbrk (%lu refused), %lu spawns, %lu forks "
	       "(%lu eager), %lu exits, %lu kills, %lu out of memory, %lu "
	       "fault waits; %zu "
	       "zero fills, %zu COW copies, %zu COW reuses; %.1f processes "
	       "on average, %d at most; %lu full checks\n",
	       MACHINE_NAME, (unsigned long)model_opts.seed,
	       (unsigned long)steps, secs, stats.user, stats.faults,
	       stats.spurious, stats.tlb_hits, stats.copies, stats.copy_faults,
	       stats.sbrks, stats.sbrk_errors, stats.spawns, stats.forks,
	       stats.eager_forks, stats.exits, stats.kills, stats.oom,
	       stats.waits, vm_counters.num_zerofill, vm_counters.num_cow_copy,
	       vm_counters.num_cow_reuse,
	       steps ? (double)stats.live_sum / steps : 0.0, stats.max_live,
	       stats.full_checks);
}

/* How much of a child run's output to keep. */
enum output { OUT_ALL, OUT_ERRORS, OUT_NONE };

/* Run `steps` steps in a child process from the current state; 0 when it
 * passed. result says where it failed. */
static int run_child(uint64_t steps, enum output out)
{
	struct timespec t0;
	pid_t pid;
	int status;

	memset(result, 0, sizeof(*result));
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return -1;
	}
	if (pid == 0) {
		if (out != OUT_ALL) {
			int fd = open("/dev/null", O_WRONLY);
			dup2(fd, 1);
			if (out == OUT_NONE)
				dup2(fd, 2);
		}
		clock_gettime(CLOCK_MONOTONIC, &t0);
		setup();
		m.quiet = out != OUT_ALL;
		for (m.step = 1; m.step <= steps && !test_failed(); m.step++) {
			result->step = m.step;
			step();
		}
		if (!test_failed())
			teardown(steps);
		if (test_failed())
			snprintf(result->msg, sizeof(result->msg), "%s",
				 test_failure());
		else if (!m.quiet)
			print_stats(steps, seconds_since(&t0));
		fflush(stdout);
		_exit(test_failed());
	}
	if (waitpid(pid, &status, 0) < 0) {
		perror("waitpid");
		return -1;
	}
	if (status && !result->msg[0])
		snprintf(result->msg, sizeof(result->msg),
			 "crashed (%s %d) during step %lu%s",
			 WIFSIGNALED(status) ? "signal" : "exit status",
			 WIFSIGNALED(status) ? WTERMSIG(status)
					     : WEXITSTATUS(status),
			 (unsigned long)result->step,
			 result->teardown ? " (tearing down)" : "");
	return status;
}

/* The random run; on failure, the shortest prefix of it that fails. */
static void test_model_random(void)
{
	uint64_t seed = model_opts.seed, lo = 0, hi;
	char first[sizeof(result->msg)];
	int status;

	result = mmap(NULL, sizeof(*result), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(result != MAP_FAILED);
	status = run_child(model_opts.steps, OUT_ALL);
	if (status <= 0) {
		munmap(result, sizeof(*result));
		CHECK(status == 0);
		return;
	}
	hi = result->step;
	snprintf(first, sizeof(first), "%s", result->msg);
	printf("  model %s: seed %#lx failed at step %lu: %s\n"
	       "  looking for the shortest failing prefix...\n",
	       MACHINE_NAME, (unsigned long)seed, (unsigned long)hi, first);
	/* A run of hi steps fails; one of lo steps passes (0: trivially). */
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (run_child(mid, OUT_NONE))
			hi = mid;
		else
			lo = mid;
	}
	printf("  model %s: the shortest failing prefix is %lu steps; its "
	       "last operations:\n",
	       MACHINE_NAME, (unsigned long)hi);
	run_child(hi, OUT_ERRORS);
	print_log();
	printf("  replay: make check SEED=%#lx STEPS=%lu TRACE=1\n",
	       (unsigned long)seed, (unsigned long)hi);
	FAIL("seed %#lx fails after %lu steps: %s", (unsigned long)seed,
	     (unsigned long)hi, result->msg);
	munmap(result, sizeof(*result));
}

const struct test model_tests[] = {
    {"model_random", test_model_random, false},
    {NULL, NULL, false},
};
