/* The IDT: an interrupt gate (interrupts off on entry) for every stub in
 * trapentry.S; the double fault runs on its own stack (IST1), and only the
 * system-call gate (0x80) may be called from user mode. */
#include <arch/arch.h>

#include "arch/x86_64/layout.h"
#include "arch/x86_64/pic.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/x86.h"
#include "lib/kprintf.h"

struct gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type;
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
} __attribute__((packed));

struct idt_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

#define GATE_INTERRUPT 0x8e /* present, DPL 0, 64-bit interrupt gate */
/* The same with DPL 3, so that int $0x80 works in ring 3. An interrupt gate,
 * not a trap gate: an interrupt taken before trapentry.S's swapgs would
 * run the kernel with the user's gs base. */
#define GATE_INTERRUPT_USER 0xee

static struct gate idt[256];

/* Point vector vec at entry through an interrupt gate of the given type,
 * on IST stack ist (0: the current stack). */
static void set_gate(unsigned vec, void (*entry)(void), uint8_t type,
		     unsigned ist)
{
	uintptr_t off = (uintptr_t)entry;

	idt[vec] = (struct gate){
	    .offset_low = off & 0xffff,
	    .selector = SEL_KCODE,
	    .ist = ist,
	    .type = type,
	    .offset_mid = (off >> 16) & 0xffff,
	    .offset_high = off >> 32,
	};
}

void idt_load(void)
{
	struct idt_ptr ptr = {sizeof(idt) - 1, (uintptr_t)idt};

	__asm__ volatile("lidt %0" : : "m"(ptr));
}

/* rflags bits the syscall instruction clears: interrupts stay off until
 * the frame is built, and neither single-stepping, a reversed string
 * direction nor AC (which would lift SMAP) reaches the kernel. */
#define SYSCALL_FMASK                                                          \
	(RFLAGS_IF | (1ul << 8) /* TF */ | (1ul << 10) /* DF */                \
	 | (1ul << 14) /* NT */ | (1ul << 18) /* AC */)

/* STAR: syscall loads cs = SEL_KCODE, ss = SEL_KCODE + 8 (SEL_KDATA);
 * sysretq loads cs = base + 16 (SEL_UCODE), ss = base + 8 (SEL_UDATA),
 * with base = SEL_UDATA - 8, all at privilege 3. */
_Static_assert(SEL_KDATA == SEL_KCODE + 8 && SEL_UCODE == SEL_UDATA + 8,
	       "layout.h: the GDT order syscall/sysret need");

void syscall_init(void)
{
	uint64_t star = ((uint64_t)((SEL_UDATA - 8) | 3) << 48) |
			((uint64_t)SEL_KCODE << 32);

	wrmsr(MSR_STAR, star);
	wrmsr(MSR_LSTAR, (uintptr_t)syscall_entry);
	wrmsr(MSR_FMASK, SYSCALL_FMASK);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}

/* The boot CPU's GDT and TSS, the IDT (built here once, loaded by every
 * CPU), SMEP/SMAP, and the PIC remapped with every line masked: the local
 * APIC delivers the interrupts the kernel takes. */
void arch_trap_init(void)
{
	uint64_t cr4;

	gdt_init(0, gdt_boot_ist());
	for (const struct trap_stub *s = trap_stubs; s < trap_stubs_end; s++)
		set_gate(s->vector, s->entry,
			 s->vector == VEC_SYSCALL ? GATE_INTERRUPT_USER
						  : GATE_INTERRUPT,
			 s->vector == VEC_DOUBLE_FAULT ? IST_DOUBLE_FAULT : 0);
	idt_load();
	syscall_init();
	pic_init();
	cr4 = cpu_protect_user();
	kprintf("x86_64: SMEP %s, SMAP %s\n", cr4 & CR4_SMEP ? "on" : "off",
		cr4 & CR4_SMAP ? "on" : "off");
}
