/* The MMU controls: loading a root (satp) and flushing the TLB (sfence.vma).
 * No ASIDs: every root switch flushes everything. */
#include <arch/arch.h>

#include "arch/riscv/csr.h"
#include "arch/riscv/platform.h"

uint64_t riscv_satp(paddr_t root)
{
	return SATP_MODE | root >> PAGE_SHIFT;
}

void arch_set_root(paddr_t root)
{
	csr_write(satp, riscv_satp(root));
	asm volatile("sfence.vma" : : : "memory");
}

void arch_tlb_flush_page(vaddr_t va)
{
	asm volatile("sfence.vma %0, zero" : : "r"(va) : "memory");
}

void arch_tlb_flush_all(void)
{
	asm volatile("sfence.vma" : : : "memory");
}

_Static_assert(PAGE_SIZE == 4096, "page.S: PAGE_BYTES is not PAGE_SIZE");
