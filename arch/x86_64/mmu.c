/* Loading a page-table root and flushing the TLB (no PCIDs, no global
 * pages, so a CR3 write flushes everything). */
#include <arch/arch.h>

#include "arch/x86_64/x86.h"

/* Load CR3, which also flushes every translation. */
void arch_set_root(paddr_t root)
{
	write_cr3(root);
}

/* Drop this CPU's translation of the page holding va. */
void arch_tlb_flush_page(vaddr_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

/* Reload CR3 with its own value: every translation goes. */
void arch_tlb_flush_all(void)
{
	write_cr3(read_cr3());
}
