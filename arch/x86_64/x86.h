/*
 * The x86_64 instructions the arch layer uses, as tiny inline functions:
 * port I/O, MSRs, control registers. Only arch/x86_64/ includes this.
 */
#ifndef X86_64_X86_H
#define X86_64_X86_H

#include "lib/types.h"

#define MSR_APIC_BASE 0x1b
#define MSR_APIC_BASE_ADDR 0x000ffffffffff000ul /* the local APIC's page */
#define MSR_EFER 0xc0000080
#define EFER_SCE (1ul << 0)  /* syscall/sysret enabled */
#define MSR_STAR 0xc0000081  /* syscall/sysret segment selectors */
#define MSR_LSTAR 0xc0000082 /* syscall's 64-bit entry point */
#define MSR_FMASK 0xc0000084 /* rflags bits syscall clears */
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102

#define RFLAGS_IF (1ul << 9)

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr"
			 :
			 : "c"(msr), "a"((uint32_t)v),
			   "d"((uint32_t)(v >> 32)));
}

/* The time-stamp counter (user mode may read it too: CR4.TSD stays 0). */
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

#define DEFINE_READ_CR(n)                                                      \
	static inline uint64_t read_cr##n(void)                                \
	{                                                                      \
		uint64_t v;                                                    \
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));              \
		return v;                                                      \
	}
DEFINE_READ_CR(0)
DEFINE_READ_CR(2)
DEFINE_READ_CR(3)
DEFINE_READ_CR(4)

static inline void write_cr3(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline void write_cr4(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

#define CR4_SMEP (1ul << 20) /* no kernel execution of user pages */
#define CR4_SMAP (1ul << 21) /* no kernel access to user pages */

/* cpuid leaf/subleaf: the four result registers. */
static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}

static inline uint64_t read_rflags(void)
{
	uint64_t v;
	__asm__ volatile("pushfq; popq %0" : "=r"(v));
	return v;
}

/* Stop this CPU for good: interrupts off, halt forever. */
static inline noreturn void halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

#endif
