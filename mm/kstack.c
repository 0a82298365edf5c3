/* Kernel stacks with guard pages (see kstack.h). */
#include "mm/kstack.h"

#include <arch/arch.h>

#include "lib/ipi.h"
#include "lib/kprintf.h"
#include "lib/spinlock.h"
#include "mm/kmap.h"
#include "mm/pmem.h"
#include "mm/vpmap.h"

#define SLOT_SIZE (KSTACK_SIZE + PAGE_SIZE) /* guard + stack */
#define NSLOTS (KSTACK_AREA_SIZE / SLOT_SIZE)
#define STACK_PAGES (KSTACK_SIZE / PAGE_SIZE)

/* Guards the slot bitmap and the kernel page tables of the stack area,
 * which every CPU changes through the one kernel root. */
static struct spinlock kstack_lock = SPINLOCK_INIT("kstack");
static uint64_t slot_used[(NSLOTS + 63) / 64];

static vaddr_t slot_bottom(size_t slot)
{
	return KSTACK_AREA + slot * SLOT_SIZE + PAGE_SIZE;
}

void kstack_init(void)
{
	if (vpmap_prepare(kmap_root(), KSTACK_AREA) < 0)
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
static void prune_tables_shootdown(vaddr_t bottom)
{
	paddr_t t0 = vpmap_prune(kmap_root(), bottom);
	paddr_t t1 = vpmap_prune(kmap_root(), bottom + KSTACK_SIZE - PAGE_SIZE);

	tlb_shootdown();
	if (t0)
		pmem_unref(t0);
	if (t1)
		pmem_unref(t1);
}

/* Map fresh frames for the stack in slot; false (nothing left mapped)
 * when memory runs out. kstack_lock held. */
static bool slot_fill(size_t slot)
{
	vaddr_t bottom = slot_bottom(slot);

	for (size_t i = 0; i < STACK_PAGES; i++) {
		paddr_t pa = pmem_alloc(0);
		if (!pa || vpmap_map(kmap_root(), bottom + i * PAGE_SIZE, pa,
				     PERM_RW) < 0) {
			if (pa)
				pmem_unref(pa);
			vpmap_unmap(kmap_root(), bottom, i, VPMAP_UNREF);
			prune_tables_shootdown(bottom);
			return false;
		}
	}
	return true;
}

void *kstack_alloc(void)
{
	void *top = NULL;
	size_t slot;

	spin_lock(&kstack_lock);
	slot = slot_claim();
	if (slot < NSLOTS) {
		if (slot_fill(slot))
			top = (void *)(slot_bottom(slot) + KSTACK_SIZE);
		else
			slot_release(slot);
	}
	spin_unlock(&kstack_lock);
	/* No CPU holds a translation of the slot from a stack that lived
	 * there before (kstack_free shot them down); vpmap_map flushed the
	 * invalid entries this CPU may have cached (RISC-V); any other CPU
	 * reaches the stack only after loading the process's new root,
	 * which flushes too. */
	return top;
}

void kstack_free(void *top)
{
	vaddr_t bottom = (vaddr_t)top - KSTACK_SIZE;
	size_t slot = (bottom - KSTACK_AREA) / SLOT_SIZE;

	if (bottom != slot_bottom(slot) || slot >= NSLOTS)
		panic("kstack_free: %p is not a kernel stack", top);
	spin_lock(&kstack_lock);
	vpmap_unmap(kmap_root(), bottom, STACK_PAGES, VPMAP_UNREF);
	/* Every CPU forgets the stack and its pruned tables before the slot
	 * can be handed out again, for every page table shares them. */
	prune_tables_shootdown(bottom);
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
	panic_at(pc, fp, "kernel stack overflow: write at %p, sp %p, pc %pS",
		 (void *)addr, (void *)sp, (void *)pc);
}
