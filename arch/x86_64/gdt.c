/*
 * The GDT and TSS. Long mode ignores segment bases and limits; the GDT is
 * there for privilege levels (kernel/user code and data) and to point at
 * the TSS, whose interest is its stacks: rsp0 for traps from user mode
 * (arch_set_kernel_stack) and IST1, a stack of its own for double faults,
 * so that overflowing a kernel stack still reports "double fault".
 */
#include "arch/x86_64/layout.h"
#include "arch/x86_64/trap.h"
#include "kernel/arch.h"
#include "mm/kmap.h"

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

struct gdt_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

#define SEG_CODE64 0x00af9a000000fffful /* present, long mode, execute/read */
#define SEG_DATA 0x00cf92000000fffful	/* present, read/write */
#define SEG_DPL3 (3ul << 45)
#define TSS_AVAILABLE 0x9ul /* 64-bit TSS, not busy */
#define DESC_PRESENT (1ul << 47)

#define IST_STACK_SIZE (2 * PAGE_SIZE)

/* The double-fault stack with a spare page below it for a guard. */
static struct {
	char guard[PAGE_SIZE];
	char stack[IST_STACK_SIZE];
} ist_double_fault __attribute__((aligned(PAGE_SIZE)));

static struct tss tss;

static uint64_t gdt[] = {
    [0] = 0,
    [SEL_KCODE / 8] = SEG_CODE64,
    [SEL_KDATA / 8] = SEG_DATA,
    [SEL_UDATA / 8] = SEG_DATA | SEG_DPL3,
    [SEL_UCODE / 8] = SEG_CODE64 | SEG_DPL3,
    [SEL_TSS / 8 + 1] = 0, /* the TSS descriptor takes two slots */
};

/* The two-slot system descriptor for a TSS at base. */
static void set_tss_descriptor(uint64_t *slot, uintptr_t base)
{
	uint64_t limit = sizeof(struct tss) - 1;

	slot[0] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
		  (TSS_AVAILABLE << 40) | DESC_PRESENT |
		  (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	slot[1] = base >> 32;
}

/* Fill in the TSS (IST1) and its descriptor, load the GDT, reload cs, ds,
 * es and ss, and load the task register. */
void gdt_init(void)
{
	struct gdt_ptr ptr = {sizeof(gdt) - 1, (uintptr_t)gdt};

	tss.ist[IST_DOUBLE_FAULT - 1] =
	    (uintptr_t)ist_double_fault.stack + IST_STACK_SIZE;
	tss.iomap_base = sizeof(struct tss); /* no I/O permission bitmap */
	set_tss_descriptor(&gdt[SEL_TSS / 8], (uintptr_t)&tss);

	/* Reload cs with a far return; fs and gs stay: gs holds the per-CPU
	 * base already. */
	__asm__ volatile("lgdt %0\n\t"
			 "pushq %1\n\t"
			 "lea 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "mov %2, %%ds\n\t"
			 "mov %2, %%es\n\t"
			 "mov %2, %%ss\n\t"
			 "ltr %3"
			 :
			 : "m"(ptr), "i"(SEL_KCODE), "r"((uint16_t)SEL_KDATA),
			   "r"((uint16_t)SEL_TSS)
			 : "rax", "memory");
}

/* TSS.rsp0: where the CPU switches on a trap from ring 3, and so where
 * the trap frame lands (see kernel/arch.h). One TSS: one CPU for now. */
void arch_set_kernel_stack(void *kstack_top)
{
	tss.rsp[0] = (uintptr_t)kstack_top;
}

/* The double-fault stack's guard (see trap.h). */
void gdt_guard_ist(void)
{
	kmap_guard_page(ist_double_fault.stack);
}
