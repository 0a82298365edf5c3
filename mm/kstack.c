/* Kernel stacks with guard pages (see kstack.h). */
#include "mm/kstack.h"

#include <arch/arch.h>

#include "lib/kprintf.h"
#include "lib/panic.h"
#include "lib/spinlock.h"
#include "mm/kmap.h"
#include "mm/pmem.h"
#include "mm/vpmap.h"

#define SLOT_SIZE (KSTACK_SIZE + PAGE_SIZE) /* guard + stack */
#define NSLOTS (KSTACK_AREA_SIZE / SLOT_SIZE)
#define STACK_PAGES (KSTACK_SIZE / PAGE_SIZE)

/* Guards the slot bitmap and the kernel page tables of the stack area,
 * which every CPU changes through the one kernel pmap. */
static struct spinlock kstack_lock = SPINLOCK_INIT("kstack");
static uint64_t slot_used[(NSLOTS + 63) / 64];

/* The first CACHED_SLOTS slots are mapped once, at kstack_init, and stay
 * mapped: a stack there is reused without a shootdown (slot_claim hands
 * out the lowest free slot, so they go first). The others are filled when
 * taken and emptied when freed. */
#define CACHED_SLOTS 8

static vaddr_t slot_bottom(size_t slot)
{
	return KSTACK_AREA + slot * SLOT_SIZE + PAGE_SIZE;
}

static bool slot_fill(size_t slot);

void kstack_init(void)
{
	if (vpmap_prepare(vpmap_kernel(), KSTACK_AREA) < 0)
		panic("kstack_init: out of memory");
	for (size_t slot = 0; slot < CACHED_SLOTS; slot++)
		if (!slot_fill(slot))
			panic("kstack_init: out of memory");
}

/* Claim a free slot number, or return NSLOTS (kstack_lock held). */
static size_t slot_claim(void)
{
	for (size_t w = 0; w < ARRAY_SIZE(slot_used); w++)
		for (int bit = 0; bit < 64 && slot_used[w] != ~0ull; bit++) {
			if ((slot_used[w] >> bit) & 1 || w * 64 + bit >= NSLOTS)
				continue;
			slot_used[w] |= 1ull << bit;
			return w * 64 + bit;
		}
	return NSLOTS;
}

static void slot_release(size_t slot)
{
	slot_used[slot / 64] &= ~(1ull << (slot % 64));
}

/* Give back the page tables of the stack slot at bottom if they emptied:
 * kernel stacks at a high-water mark no longer need them (a stack may
 * straddle two last-level tables). Every CPU is shot down first, and only
 * then are the tables freed: until then another CPU's paging-structure
 * cache may still point at them, and a walk through a table reused as
 * someone's page would read their bytes as PTEs. */
static void prune_tables(vaddr_t bottom)
{
	paddr_t t0 = vpmap_prune(vpmap_kernel(), bottom);
	paddr_t t1 =
	    vpmap_prune(vpmap_kernel(), bottom + KSTACK_SIZE - PAGE_SIZE);

	if (!t0 && !t1)
		return;
	vpmap_flush_tlb_all(vpmap_kernel());
	if (t0)
		pmem_unref(t0);
	if (t1)
		pmem_unref(t1);
}

/* Unmap the first npages pages of the stack at bottom and give them and
 * its emptied tables back, each only after every CPU has forgotten it
 * (vpmap_unmap flushes before it drops the frames). kstack_lock held. */
static void slot_empty(vaddr_t bottom, size_t npages)
{
	vpmap_unmap(vpmap_kernel(), bottom, npages, VPMAP_UNREF);
	prune_tables(bottom);
}

/* Map fresh frames for the stack in slot; false (nothing left mapped)
 * when memory runs out. kstack_lock held. */
static bool slot_fill(size_t slot)
{
	vaddr_t bottom = slot_bottom(slot);

	for (size_t i = 0; i < STACK_PAGES; i++) {
		paddr_t pa = pmem_alloc(0);
		if (!pa || vpmap_map(vpmap_kernel(), bottom + i * PAGE_SIZE, pa,
				     PERM_RW) < 0) {
			if (pa)
				pmem_unref(pa);
			slot_empty(bottom, i);
			return false;
		}
	}
	return true;
}

/* The slot of the stack whose top is top; panics if it is none. */
static size_t slot_of(void *top)
{
	vaddr_t bottom = (vaddr_t)top - KSTACK_SIZE;
	size_t slot = (bottom - KSTACK_AREA) / SLOT_SIZE;

	if (bottom < KSTACK_AREA || slot >= NSLOTS ||
	    bottom != slot_bottom(slot))
		panic("kstack_free: %p is not a kernel stack", top);
	return slot;
}

/* A new stack in a free slot; NULL when none (kstack_lock held). */
static void *stack_take(void)
{
	size_t slot = slot_claim();

	if (slot == NSLOTS)
		return NULL;
	if (slot < CACHED_SLOTS || slot_fill(slot))
		return (void *)(slot_bottom(slot) + KSTACK_SIZE);
	slot_release(slot);
	return NULL;
}

void *kstack_alloc(void)
{
	void *top;

	spin_lock(&kstack_lock);
	top = stack_take();
	spin_unlock(&kstack_lock);
	/* No CPU holds a translation of the slot from a stack that lived
	 * there before (slot_empty shot them down); vpmap_map flushed the
	 * invalid entries this CPU may have cached (RISC-V); any other CPU
	 * reaches the stack only after loading the process's new root,
	 * which flushes too. */
	return top;
}

/* A cached slot is only released: it stays mapped. From any other, every
 * CPU forgets the stack and its pruned tables before its frames, tables
 * and slot can be handed out again, for every page table shares them. */
void kstack_free(void *top)
{
	size_t slot = slot_of(top);

	spin_lock(&kstack_lock);
	if (slot >= CACHED_SLOTS)
		slot_empty(slot_bottom(slot), STACK_PAGES);
	slot_release(slot);
	spin_unlock(&kstack_lock);
}

bool kstack_overflowed(uintptr_t addr, uintptr_t sp)
{
	return addr - sp + KSTACK_OVERFLOW_REACH < 2 * KSTACK_OVERFLOW_REACH;
}

noreturn void kstack_overflow_panic(uintptr_t pc, uintptr_t fp, uintptr_t addr,
				    uintptr_t sp)
{
	struct panic_cause c = {
	    .kind = PANIC_STACK_OVERFLOW, .pc = pc, .fp = fp, .addr = addr};

	panic_at(&c, "kernel stack overflow: write at %p, sp %p, pc %pS",
		 (void *)addr, (void *)sp, (void *)pc);
}
