/*
 * The arch interface: the functions each architecture implements, in
 * arch/<arch>/. Together with the constants and PTE codec of <arch/mmu.h>
 * this is everything mm/ and kernel/ may ask of the machine; docs/porting.md
 * lists it for porters.
 *
 * Boot contract: the arch's entry code runs on `boot_stack` in the kernel
 * image's high-half addresses with kmap_offset = KMAP_BASE. Its first C
 * function, which never returns and has no stack canary
 * (STACK_GUARD_EXEMPT, lib/stackguard.h), calls
 * stack_guard_init(arch_boot_entropy()) before any other function; then
 * arch_cpu_set(&cpus[0]) before any output (kprintf takes a lock, and locks
 * use the per-CPU record), fills a struct boot_info and calls kmain.
 */
#ifndef ARCH_ARCH_H
#define ARCH_ARCH_H

#include <arch/mmu.h>

#include "lib/types.h"

/* ---- Boot ---------------------------------------------------------------- */

/* The arch's linker script delimits the kernel image's sections: text,
 * rodata, data and bss, then the symbol table (lib/ksyms.h). */
extern char _kernel_start[], _text_start[], _text_end[], _rodata_start[],
    _rodata_end[], _data_start[], _bss_end[], _ksyms_start[], _kernel_end[];

#define BOOT_MAX_RANGES 32
#define BOOT_CMDLINE_MAX 256

struct mem_range {
	paddr_t base;
	uint64_t size;
};

/*
 * What the boot path learned from the boot loader (PVH start info on x86_64,
 * the device tree on RISC-V). `ram` lists usable RAM only: firmware, boot
 * loader and device regions are already cut out; the kernel image and the
 * initrd are not (pmem_init keeps them out of the frame allocator). The
 * initrd is the boot module QEMU loaded beside the kernel (the start info's
 * module 0; /chosen's linux,initrd-start/end or its multiboot,ramdisk
 * module): where it lies in RAM, its size in bytes. Filled by the arch
 * before kmain and never changed.
 */
struct boot_info {
	struct mem_range ram[BOOT_MAX_RANGES];
	int nram;
	char cmdline[BOOT_CMDLINE_MAX]; /* "" when the loader gave none */
	paddr_t initrd_base;		/* inside ram; 0 when there is none */
	uint64_t initrd_size;		/* 0 when there is none */
};

/* Read len bytes at offset off of the initrd again, from a copy the boot
 * loader keeps outside guest RAM, into dst (a kernel address in RAM: the
 * direct map). Returns false, reading nothing, when the loader keeps no
 * such copy or the range is not inside it; then the initrd's frames must
 * stay. x86_64: QEMU's fw_cfg item of -initrd, by DMA; RISC-V: QEMU keeps
 * none, always false. Callable from any CPU once kmain runs. */
bool arch_boot_module_reread(uint64_t off, void *dst, size_t len);

/* Kernel stacks are KSTACK_SIZE bytes. The arch's entry code provides the
 * boot CPU's stack as `boot_stack` (KSTACK_SIZE bytes, page-aligned) with one
 * spare page right below it, which kmap_init turns into a guard page. */
#define KSTACK_SIZE (4 * PAGE_SIZE)
extern char boot_stack[];

/* 64 bits that differ from boot to boot, for the stack canaries' guard
 * (not for cryptography): x86_64 mixes the TSC with the CMOS clock, and
 * RDRAND when CPUID has it; RISC-V the device tree's /chosen rng-seed, or
 * only the time CSR when there is none. Runs before anything else: no
 * console, no traps, the boot page table; has no stack canary. */
uint64_t arch_boot_entropy(void);

/* Arch-neutral kernel entry (kernel/main.c). Called once on the boot CPU,
 * running in the kernel image's high-half addresses on a valid stack, with
 * the console usable and interrupts off. */
noreturn void kmain(struct boot_info *bi);

/* Early per-arch setup after kmain started: the trap vector (GDT/TSS/IDT on
 * x86_64, stvec on RISC-V). */
void arch_trap_init(void);

/* Called after kmap_init built the kernel page table and before kmain loads
 * it: map what the arch's devices need with kmap_mmio (and guard extra
 * stacks with kmap_guard_page) so they stay reachable once it is live. */
void arch_devices_init(void);

/* ---- Other CPUs ------------------------------------------------------------
 *
 * kernel/smp.c brings them up, one at a time, once the kernel page table
 * is live, the boot CPU's timer runs and its interrupts are on. For each
 * id (1, 2, ... in start order) it takes a kernel stack from kstack_alloc,
 * fills cpus[id].self and .id and calls arch_start_cpu; it stops at the
 * first false. The check-in, its time-out and what a CPU given up on does
 * are the kernel's; the arch's part is the two hooks below.
 *
 *   boot CPU                            CPU id
 *   arch_start_cpu(id, stack_top)
 *     sends the start ---------------> the arch's entry code, on stack_top
 *     smp_wait_check_in(id)            smp_cpu_entry(id)
 *       (at most a second)               arch_cpu_set(&cpus[id])
 *                                        arch_init_cpu(id)
 *                                        the kernel page table
 *       <------------------------------  checks in
 *     returns true                       kmain_ap(id): timer, scheduler
 */

/*
 * Start the next CPU the arch knows of and has not tried yet (the ACPI
 * MADT's on x86_64; the device tree's /cpus, whose hart ids need not be
 * 0..n-1, on RISC-V) as CPU id. The CPU is to call smp_cpu_entry(id) with
 * interrupts off, on the kernel stack ending at stack_top, in a page table
 * that holds the kernel half. From the call on, arch_cpu_name(id) names
 * it. Once the start is sent, call smp_wait_check_in(id); when that says
 * false, stop the CPU if the arch can (and keep what it may still use);
 * return what it said. Returns false without waiting when no CPU is left
 * or this one cannot be started (saying why on the console): then nothing
 * ran on stack_top.
 */
bool arch_start_cpu(int id, void *stack_top);
/* The arch's part of CPU id's own start, called on that CPU by
 * smp_cpu_entry once cpus[id] is its record, interrupts off: its trap
 * state (GDT/TSS/IDT, syscall MSRs, SMEP/SMAP and the local APIC on
 * x86_64; stvec on RISC-V). Takes no lock and writes nothing another CPU
 * uses: the boot CPU may give up on this one at any moment before it
 * checks in. */
void arch_init_cpu(int id);

/* kernel/smp.c: the arch-neutral entry of CPU id, as arch_start_cpu
 * arranges it. Checks in and goes on to the scheduler, or, when the boot
 * CPU gave up on it, waits for interrupts forever (none come: it is not
 * online and its timer was never started). */
noreturn void smp_cpu_entry(int id);
/* kernel/smp.c, for arch_start_cpu on the boot CPU: wait at most a second
 * for CPU id to check in. True when it did; false when the boot CPU gave
 * up on it (said on the console): it can no longer check in. */
bool smp_wait_check_in(int id);
/* A short name of CPU id for the banner ("apic 1", "hart 3"). */
const char *arch_cpu_name(int id);
/* Interrupt CPU id (online, not the caller): it takes the interrupt as
 * soon as its interrupts are on, even from arch_wait_for_interrupt, and
 * calls ipi_receive() (lib/ipi.h) with interrupts off. Several IPIs
 * sent before it takes one may arrive as one. The x86_64 local APIC sends
 * vector VEC_IPI; RISC-V asks the SBI (send_ipi) for a supervisor software
 * interrupt. Callable with interrupts off and locks held. */
void arch_send_ipi(int id);

/* ---- Console and power --------------------------------------------------- */

/* Write one byte to the console UART (polling; usable from any context). */
void arch_console_putc(char c);
/* Read one byte from the console, or -1 when none is waiting. */
int arch_console_getc(void);
/* Leave QEMU with the given status: 0 = success, anything else = failure.
 * Does not return; other CPUs stop too. */
noreturn void arch_poweroff(int status);

/* ---- CPU ----------------------------------------------------------------- */

struct cpu;
/* Make c the calling CPU's per-CPU record (gs base on x86_64, tp on RISC-V). */
void arch_cpu_set(struct cpu *c);
/* struct cpu *arch_cpu(void): the calling CPU's record, as given to
 * arch_cpu_set; inline, in the arch's <arch/percpu.h>. */
#include <arch/percpu.h>

void arch_intr_enable(void);
void arch_intr_disable(void);
bool arch_intr_enabled(void);
/* Wait for the next interrupt and take it; returns with interrupts on.
 * Called with interrupts off, it cannot miss one that arrives in between
 * (sti; hlt on x86_64, wfi then sstatus.SIE on RISC-V). */
void arch_wait_for_interrupt(void);

/* Start the calling CPU's periodic timer at hz ticks per second; each tick
 * calls timer_tick() (kernel/timer.c) with interrupts off. Every CPU calls
 * it for itself, the boot CPU first, before starting the others (x86_64
 * calibrates the local APIC timer there). */
void arch_timer_init(unsigned hz);

/* Ticks per second of the user clock: a counter that runs at a constant
 * rate, agrees across CPUs, and user mode reads without a system call (the
 * TSC with rdtsc on x86_64, the time CSR with rdtime on RISC-V). Known once
 * the boot CPU has called arch_timer_init, which measures it on x86_64;
 * each CPU's arch_timer_init also lets user mode read the counter. */
uint64_t arch_clock_hz(void);

/* The frame pointer of the caller's frame. */
uintptr_t arch_frame_pointer(void);
/* Step one frame up a frame-pointer chain: from *fp, store the caller's
 * frame pointer in *fp and the return address in *pc. The kernel checks the
 * addresses before calling (see lib/panic.c). */
void arch_frame_unwind(uintptr_t *fp, uintptr_t *pc);

/* Print the general registers of the calling CPU (for panic). */
void arch_dump_cpu(void);

/* ---- Processes ------------------------------------------------------------
 *
 * <arch/trapframe.h> defines struct trapframe (the registers saved when a
 * trap enters the kernel from user mode, at the very top of the process's
 * kernel stack) and these inline accessors, which only move data:
 *
 *   uint64_t tf_syscall_nr(const struct trapframe *tf);
 *   uint64_t tf_syscall_arg(const struct trapframe *tf, int n);  n = 0..5
 *   void     tf_set_return(struct trapframe *tf, uint64_t value);
 *   uintptr_t tf_pc(const struct trapframe *tf);
 *   void     tf_init_user(struct trapframe *tf, uintptr_t pc, uintptr_t sp,
 *                         uint64_t arg0, uint64_t arg1);
 *            (a fresh user frame: user mode, interrupts on, every other
 *             register 0; arg0/arg1 land in the first two argument registers)
 *
 * Every trap from user mode ends in trap_user_return() (kernel/proc.c)
 * before the arch returns to user mode.
 */

struct trapframe;
struct context; /* callee-saved registers of a kernel thread not running */

/* Where the trap frame of the kernel stack ending at kstack_top lives. */
struct trapframe *arch_trapframe(void *kstack_top);

/* A context that, when switched to, runs fn() on the kernel stack ending at
 * kstack_top, below that stack's trap frame, with interrupts off. fn must
 * never return. */
struct context *arch_context_init(void *kstack_top, void (*fn)(void));
/* Save the running kernel thread's registers, store its context in *from
 * and resume to. Returns when someone switches back to *from. Called with
 * interrupts off: a context does not record the interrupt state. */
void arch_context_switch(struct context **from, struct context *to);

/* Enter user mode with the registers in tf (the trap frame at the top of
 * the current kernel stack, whose top is given to arch_set_kernel_stack). */
noreturn void arch_return_to_user(struct trapframe *tf);
/* The kernel stack top this CPU switches to on a trap from user mode
 * (TSS rsp0 on x86_64, sscratch on RISC-V). */
void arch_set_kernel_stack(void *kstack_top);

/* Make instruction fetches see what the kernel just wrote to memory that
 * will be executed (fence.i on RISC-V; nothing on x86_64). */
void arch_sync_icache(void);

/* ---- MMU ------------------------------------------------------------------
 */

/* Make the page table rooted at physical address root the current one. */
void arch_set_root(paddr_t root);
/* Forget any cached translation of va on this CPU (invlpg / sfence.vma va). */
void arch_tlb_flush_page(vaddr_t va);
/* Forget every cached translation on this CPU (CR3 reload / sfence.vma). */
void arch_tlb_flush_all(void);

/* ---- Page contents ------------------------------------------------------- */

/* Fill the page-aligned kernel address page with PAGE_SIZE zero bytes, with
 * the widest stores the kernel may use (rep stosq on x86_64; 64 bytes per
 * loop on RISC-V). */
void arch_page_zero(void *page);
/* Copy PAGE_SIZE bytes between page-aligned kernel addresses (rep movsq /
 * 64 bytes per loop). The pages do not overlap. */
void arch_page_copy(void *dst, const void *src);

#endif
