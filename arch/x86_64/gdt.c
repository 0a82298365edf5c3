/*
 * The GDT and TSS, one of each per CPU. Long mode ignores segment bases
 * and limits; the GDT is there for privilege levels (kernel/user code and
 * data) and to point at the TSS, whose interest is its stacks: rsp0 for
 * traps from user mode (arch_set_kernel_stack) and IST1, a stack of its
 * own for double faults, so that overflowing a kernel stack still reports
 * "double fault".
 */
#include <arch/arch.h>

#include "arch/x86_64/layout.h"
#include "arch/x86_64/trap.h"
#include "lib/cpu.h"
#include "lib/string.h"
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

/* The boot CPU's double-fault stack with a spare page below it for a
 * guard; the other CPUs get theirs from kstack_alloc (smp.c). */
static struct {
	char guard[PAGE_SIZE];
	char stack[IST_STACK_SIZE];
} ist_double_fault __attribute__((aligned(PAGE_SIZE)));

/* Each CPU's own GDT and TSS: a TSS descriptor is marked busy when loaded,
 * and rsp0 is per CPU, so neither can be shared. */
static struct cpu_tables {
	uint64_t gdt[SEL_TSS / 8 + 2]; /* the TSS descriptor takes two slots */
	struct tss tss;
} tables[NCPU];

static const uint64_t gdt_template[SEL_TSS / 8] = {
    [0] = 0,
    [SEL_KCODE / 8] = SEG_CODE64,
    [SEL_KDATA / 8] = SEG_DATA,
    [SEL_UDATA / 8] = SEG_DATA | SEG_DPL3,
    [SEL_UCODE / 8] = SEG_CODE64 | SEG_DPL3,
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

/* Load gdt, reload cs with a far return, ds, es and ss, and load the task
 * register. fs and gs stay: gs holds the per-CPU base already. */
static void load_gdt(const uint64_t *gdt, size_t size)
{
	struct gdt_ptr ptr = {size - 1, (uintptr_t)gdt};

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

void gdt_init(int id, void *ist_top)
{
	struct cpu_tables *t = &tables[id];

	memcpy(t->gdt, gdt_template, sizeof(gdt_template));
	t->tss.ist[IST_DOUBLE_FAULT - 1] = (uintptr_t)ist_top;
	t->tss.iomap_base = sizeof(struct tss); /* no I/O permission bitmap */
	set_tss_descriptor(&t->gdt[SEL_TSS / 8], (uintptr_t)&t->tss);
	load_gdt(t->gdt, sizeof(t->gdt));
}

void *gdt_boot_ist(void)
{
	return ist_double_fault.stack + IST_STACK_SIZE;
}

/* TSS.rsp0 of the calling CPU: where it switches on a trap from ring 3,
 * and so where the trap frame lands (see arch/include/arch/arch.h). Called with
 * interrupts off, so the CPU cannot change under us. */
_Static_assert(__builtin_offsetof(struct cpu, arch_words[0]) == CPU_USER_RSP &&
		   __builtin_offsetof(struct cpu, arch_words[1]) ==
		       CPU_KSTACK_TOP,
	       "layout.h: struct cpu's arch words");

/* Traps from user mode switch to the TSS's rsp0; the syscall instruction
 * switches to the same stack through CPU_KSTACK_TOP. */
void arch_set_kernel_stack(void *kstack_top)
{
	struct cpu *c = mycpu();

	tables[c->id].tss.rsp[0] = (uintptr_t)kstack_top;
	c->arch_words[1] = (uintptr_t)kstack_top;
}

/* The boot CPU's double-fault stack's guard (see trap.h). */
void gdt_guard_ist(void)
{
	kmap_guard_page(ist_double_fault.stack);
}
