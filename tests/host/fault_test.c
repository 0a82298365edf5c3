/*
 * The fault policy's verdicts (mm/fault.h), in this arch's PTE format over
 * simulated RAM: every refusal with its kind and reason, each way a fault
 * is resolved, running out of memory, the WAIT of mm_fault_sleep through
 * mm_fault_resolve, mm_user_fault and the copy helpers (the host's pause
 * op counts the waits), the reasons of mm_pte_reason, and the lock the
 * fault path takes.
 */
#include <arch/perm.h>
#include <string.h>

#include "mm/addrspace.h"
#include "mm/fault.h"
#include "mm/pmem.h"
#include "mm/uaccess.h"
#include "mm/vpmap.h"
#include "tests/host/host.h"

#define TEXT 0x400000ul /* R+X, one page, present */
#define DATA 0x401000ul /* R+W, DATA_PAGES pages, absent */
#define DATA_PAGES 3
#define NOACC 0x500000ul /* no access at all, one page */

static struct hoard hoard;

const char *verdict_name(enum verdict_kind kind)
{
	static const char *const names[] = {
	    [VERDICT_RESOLVED] = "RESOLVED",
	    [VERDICT_BAD_ADDRESS] = "BAD_ADDRESS",
	    [VERDICT_PROTECTION] = "PROTECTION",
	    [VERDICT_NOMEM] = "NOMEM",
	    [VERDICT_WAIT] = "WAIT",
	};

	return kind < ARRAY_SIZE(names) ? names[kind] : "?";
}

/* A new address space in *out with the regions above and a stack, whose
 * top page only is present. */
static void make_as(struct addrspace **out)
{
	struct addrspace *as = *out = as_create();
	struct memregion *text, *stack;

	CHECK(as);
	text = as_add_memregion(as, TEXT, TEXT + PAGE_SIZE, PERM_RX);
	CHECK(text);
	CHECK(
	    as_add_memregion(as, DATA, DATA + DATA_PAGES * PAGE_SIZE, PERM_RW));
	CHECK(as_add_memregion(as, NOACC, NOACC + PAGE_SIZE, 0));
	stack = as_add_memregion(as, USTACK_BOTTOM, USTACK_UPPERBOUND, PERM_RW);
	CHECK(stack);
	CHECK(as_map_new_page(as, text, TEXT, true));
	CHECK(as_map_new_page(as, stack, USTACK_UPPERBOUND - PAGE_SIZE, true));
}

/* mm_fault_resolve's verdict on attempt `attempt`, under as's lock. */
static struct verdict resolve(struct addrspace *as, vaddr_t va, enum access a,
			      unsigned attempt)
{
	struct verdict v;

	as_lock(as);
	v = mm_fault_resolve(as, va, a, attempt);
	as_unlock(as);
	return v;
}

/* Verdict v must be of kind with reason why (NULL: any). */
static void expect_verdict(struct verdict v, enum verdict_kind kind,
			   const char *why)
{
	if (v.kind != kind)
		test_fail(__FILE__, __LINE__, "verdict %s (%s), wanted %s",
			  verdict_name(v.kind), v.reason ? v.reason : "-",
			  verdict_name(kind));
	else if (why && (!v.reason || strcmp(v.reason, why)))
		test_fail(__FILE__, __LINE__, "reason \"%s\", wanted \"%s\"",
			  v.reason ? v.reason : "(none)", why);
}

/* Access a at va is refused with kind and why, by the policy and by
 * mm_user_fault alike, mapping nothing and taking no frame. */
static void expect_refused(struct addrspace *as, vaddr_t va, enum access a,
			   enum verdict_kind kind, const char *why)
{
	size_t free0 = pmem_free_count();
	bool was_mapped =
	    va < USER_TOP &&
	    vpmap_lookup(&as->pmap, ROUND_DOWN(va, PAGE_SIZE), NULL, NULL);

	CALL(expect_verdict(resolve(as, va, a, 0), kind, why));
	CALL(expect_verdict(mm_user_fault(as, va, a), kind, why));
	CHECK_EQ(pmem_free_count(), free0);
	if (va < USER_TOP)
		CHECK_EQ(vpmap_lookup(&as->pmap, ROUND_DOWN(va, PAGE_SIZE),
				      NULL, NULL),
			 was_mapped);
}

/* Where a kill used to be: each refusal's kind and its words. */
static void test_fault_refusals(void)
{
	struct addrspace *as;

	CALL(make_as(&as));
	CALL(expect_refused(as, USER_TOP, ACCESS_READ, VERDICT_BAD_ADDRESS,
			    "kernel address"));
	CALL(expect_refused(as, KMAP_BASE + SIM_PHYS_BASE, ACCESS_WRITE,
			    VERDICT_BAD_ADDRESS, "kernel address"));
	CALL(expect_refused(as, USTACK_BOTTOM - 1, ACCESS_WRITE,
			    VERDICT_BAD_ADDRESS, "stack overflow"));
	CALL(expect_refused(as, 0, ACCESS_READ, VERDICT_BAD_ADDRESS,
			    "bad address (no region)"));
	CALL(expect_refused(as, DATA + DATA_PAGES * PAGE_SIZE, ACCESS_READ,
			    VERDICT_BAD_ADDRESS, "bad address (no region)"));
	CALL(expect_refused(as, TEXT + 8, ACCESS_WRITE, VERDICT_PROTECTION,
			    "write to a read-only region"));
	CALL(expect_refused(as, DATA, ACCESS_EXEC, VERDICT_PROTECTION,
			    "execute in a non-executable region"));
	CALL(expect_refused(as, NOACC, ACCESS_READ, VERDICT_PROTECTION,
			    "read of an unreadable region"));
	/* A page made read-only in a writable region, and not COW. */
	CHECK_EQ(resolve(as, DATA, ACCESS_WRITE, 0).kind, VERDICT_RESOLVED);
	CHECK_EQ(vpmap_protect(&as->pmap, DATA, 1, PERM_R | PERM_U), 1);
	CALL(expect_refused(as, DATA, ACCESS_WRITE, VERDICT_PROTECTION,
			    "write to a read-only page"));
	as_release(as);
}

/* An absent page is zero-filled with its region's rights; a fault the
 * table already allows flushes the page on this CPU (a stale entry) and
 * maps nothing new; every user fault is counted once. */
static void test_fault_resolutions(void)
{
	struct addrspace *as;
	struct vm_counters before = vm_counters;
	paddr_t pa, again;
	unsigned perm;

	CALL(make_as(&as));
	CALL(expect_verdict(mm_user_fault(as, DATA + 5, ACCESS_READ),
			    VERDICT_RESOLVED, NULL));
	CHECK(vpmap_lookup(&as->pmap, DATA, &pa, &perm));
	CHECK_EQ(perm, PERM_RW | PERM_U);
	for (size_t i = 0; i < PAGE_SIZE; i++)
		CHECK_EQ(((uint8_t *)P2V(pa))[i], 0);
	CHECK_EQ(vm_counters.num_zerofill, before.num_zerofill + 1);
	vpmap_activate(&as->pmap);
	arch_calls.flush_page = 0;
	CALL(expect_verdict(mm_user_fault(as, DATA + 9, ACCESS_WRITE),
			    VERDICT_RESOLVED, NULL));
	CHECK_EQ(arch_calls.flush_page, 1);
	CHECK_EQ(arch_calls.flush_page_va, DATA);
	CHECK(vpmap_lookup(&as->pmap, DATA, &again, NULL) && again == pa);
	CHECK_EQ(vm_counters.num_zerofill, before.num_zerofill + 1);
	CHECK_EQ(vm_counters.num_pgfault, before.num_pgfault + 2);
	vpmap_activate(vpmap_kernel());
	as_release(as);
}

/* Without a frame, an absent page and a COW copy are NOMEM ("out of
 * memory"), leaving the table as it was; with frames back, both resolve. */
static void test_fault_nomem(void)
{
	struct addrspace *as, *child;
	unsigned perm;

	CALL(make_as(&as));
	CHECK_EQ(resolve(as, DATA, ACCESS_WRITE, 0).kind, VERDICT_RESOLVED);
	child = as_create();
	CHECK(child);
	as_lock(as);
	CHECK_EQ(as_share_cow(as, child), 0);
	as_unlock(as);
	hoard_take(&hoard, 0);
	CALL(expect_verdict(resolve(as, DATA + PAGE_SIZE, ACCESS_READ, 0),
			    VERDICT_NOMEM, "out of memory"));
	CALL(expect_verdict(resolve(child, DATA, ACCESS_WRITE, 0),
			    VERDICT_NOMEM, "out of memory"));
	hoard_release(&hoard);
	CHECK(!vpmap_lookup(&as->pmap, DATA + PAGE_SIZE, NULL, NULL));
	CHECK(vpmap_lookup(&child->pmap, DATA, NULL, &perm));
	CHECK_EQ(perm, PERM_R | PERM_U | PERM_COW);
	CHECK_EQ(resolve(child, DATA, ACCESS_WRITE, 0).kind, VERDICT_RESOLVED);
	CHECK_EQ(resolve(as, DATA + PAGE_SIZE, ACCESS_READ, 0).kind,
		 VERDICT_RESOLVED);
	as_release(child);
	as_release(as);
}

/* What the pause of a waiting fault saw (wait_probe_pause). */
static struct {
	struct addrspace *as;
	vaddr_t page;
	unsigned pauses;
	bool locked, mapped; /* at every pause: as's lock held; page mapped */
} probe;

/* The pause op's hook: the fault waits holding the address space's lock,
 * before the page is resolved. */
static void wait_probe_pause(void)
{
	probe.pauses++;
	probe.locked &= sleeplock_held(&probe.as->lock);
	probe.mapped |= vpmap_lookup(&probe.as->pmap, probe.page, NULL, NULL);
}

/* Watch the pauses of faults at page of as from now on. */
static void watch_pauses(struct addrspace *as, vaddr_t page)
{
	probe.as = as;
	probe.page = page;
	probe.pauses = 0;
	probe.locked = true;
	probe.mapped = false;
	host_waits.on_pause = wait_probe_pause;
}

/* With mm_fault_sleep, attempt 0 of a fault the region allows is WAIT and
 * changes nothing; the next attempt resolves it. Refusals never wait. */
static void wait_resolve(struct addrspace *as)
{
	size_t free0 = pmem_free_count();
	struct vm_counters before = vm_counters;

	CALL(expect_verdict(resolve(as, DATA, ACCESS_WRITE, 0), VERDICT_WAIT,
			    NULL));
	CHECK(!vpmap_lookup(&as->pmap, DATA, NULL, NULL));
	CHECK_EQ(pmem_free_count(), free0);
	CHECK_EQ(vm_counters.num_zerofill, before.num_zerofill);
	CALL(expect_verdict(resolve(as, DATA, ACCESS_WRITE, 1),
			    VERDICT_RESOLVED, NULL));
	CHECK(vpmap_lookup(&as->pmap, DATA, NULL, NULL));
	CHECK_EQ(vm_counters.num_zerofill, before.num_zerofill + 1);
	CALL(expect_verdict(resolve(as, 0, ACCESS_READ, 0), VERDICT_BAD_ADDRESS,
			    "bad address (no region)"));
	CALL(expect_verdict(resolve(as, TEXT, ACCESS_WRITE, 0),
			    VERDICT_PROTECTION, "write to a read-only region"));
}

/* mm_user_fault asks again after each WAIT, pausing once through the
 * registered pause op, with as's lock held and the page still absent;
 * it counts the fault once. A refusal does not pause. */
static void wait_user_fault(struct addrspace *as)
{
	vaddr_t page = DATA + PAGE_SIZE;
	struct vm_counters before = vm_counters;
	unsigned pauses = host_waits.pauses;

	watch_pauses(as, page);
	CALL(expect_verdict(mm_user_fault(as, page + 3, ACCESS_READ),
			    VERDICT_RESOLVED, NULL));
	CHECK_EQ(host_waits.pauses, pauses + 1);
	CHECK_EQ(probe.pauses, 1);
	CHECK(probe.locked);
	CHECK(!probe.mapped);
	CHECK(vpmap_lookup(&as->pmap, page, NULL, NULL));
	CHECK(!sleeplock_held(&as->lock));
	CHECK_EQ(vm_counters.num_pgfault, before.num_pgfault + 1);
	CALL(expect_verdict(mm_user_fault(as, NOACC, ACCESS_READ),
			    VERDICT_PROTECTION, NULL));
	CHECK_EQ(probe.pauses, 1);
}

/* A copy into two absent pages waits once for each, holding the lock. */
static void wait_copy(struct addrspace *as)
{
	vaddr_t page = DATA + 2 * PAGE_SIZE;
	char buf[16] = "across";

	CHECK(!vpmap_lookup(&as->pmap, page, NULL, NULL));
	watch_pauses(as, page);
	CHECK_EQ(copy_to_user(as, page - 3, buf, sizeof(buf)), 0);
	CHECK_EQ(probe.pauses, 1); /* DATA + PAGE_SIZE was present */
	CHECK(probe.locked);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(copy_from_user(as, buf, page - 3, sizeof(buf)), 0);
	CHECK(!strcmp(buf, "across"));
	CHECK_EQ(probe.pauses, 1);
}

/* The WAIT verdict of the fault_sleep knob: see the three parts. */
static void test_fault_wait(void)
{
	struct addrspace *as;

	CALL(make_as(&as));
	mm_fault_sleep = true;
	wait_resolve(as);
	if (!test_failed())
		wait_user_fault(as);
	if (!test_failed())
		wait_copy(as);
	mm_fault_sleep = false;
	host_waits.on_pause = NULL;
	as_release(as);
}

/* Why the loaded table refuses an access, page by page. */
static void test_fault_pte_reason(void)
{
	struct addrspace *as;
	paddr_t pa = pmem_alloc(PMEM_ZERO);
	vaddr_t user = USTACK_UPPERBOUND - PAGE_SIZE;

	CALL(make_as(&as));
	CHECK(pa);
	CHECK_EQ(vpmap_map(&as->pmap, DATA, pa, PERM_R), 0); /* no U */
	vpmap_activate(&as->pmap);
	CHECK(!strcmp(mm_pte_reason(0, ACCESS_READ, true), "not present"));
	CHECK(!strcmp(mm_pte_reason(USER_TOP + 16, ACCESS_READ, false),
		      "not present"));
	CHECK(!strcmp(mm_pte_reason(DATA + 1, ACCESS_READ, true),
		      "kernel-only page"));
	CHECK(!strcmp(mm_pte_reason(user, ACCESS_READ, false), "user page"));
	CHECK(
	    !strcmp(mm_pte_reason(TEXT, ACCESS_WRITE, true), "read-only page"));
	CHECK(
	    !strcmp(mm_pte_reason(user, ACCESS_EXEC, true), "no-execute page"));
	CHECK(strstr(mm_pte_reason(TEXT, ACCESS_EXEC, true), "stale TLB"));
	CHECK(strstr(mm_pte_reason(user, ACCESS_WRITE, true), "stale TLB"));
	vpmap_activate(vpmap_kernel());
	as_release(as);
}

static void do_user_fault_locked(void *as)
{
	as_lock(as);
	mm_user_fault(as, DATA, ACCESS_READ);
}

/* mm_user_fault takes the lock itself: a caller holding it panics. */
static void test_fault_takes_lock(void)
{
	struct addrspace *as;

	CALL(make_as(&as));
	CHECK_PANICS(do_user_fault_locked, as, "already held by its caller");
	CHECK(!sleeplock_held(&as->lock));
	as_release(as);
}

const struct test fault_tests[] = {
    {"fault_refusals", test_fault_refusals, false},
    {"fault_resolutions", test_fault_resolutions, false},
    {"fault_nomem", test_fault_nomem, false},
    {"fault_wait", test_fault_wait, false},
    {"fault_pte_reason", test_fault_pte_reason, false},
    {"fault_takes_lock", test_fault_takes_lock, false},
    {NULL, NULL, false},
};
