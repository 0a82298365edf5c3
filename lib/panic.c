/* panic and the frame-pointer backtrace. */
#include <arch/arch.h>

#include "lib/kprintf.h"
#include "lib/ksyms.h"

extern bool kprintf_unlocked;

#define BACKTRACE_MAX 32

/* Could fp be a frame of kernel code? Frames live on kernel stacks: in the
 * kernel image (boot stacks), the stack area, or the direct map. */
static bool frame_plausible(uintptr_t fp)
{
	if (fp & (sizeof(uintptr_t) - 1))
		return false;
	if (fp >= (uintptr_t)_kernel_start && fp < (uintptr_t)_kernel_end)
		return true;
	if (fp >= KSTACK_AREA && fp < KSTACK_AREA + KSTACK_AREA_SIZE)
		return true;
	return fp >= KMAP_BASE && fp < KMAP_BASE + KMAP_SIZE;
}

/* One line of a backtrace: number, address, and the function holding it
 * or, for a return address (ret), the one holding its call. */
static void backtrace_line(int i, uintptr_t pc, bool ret)
{
	uintptr_t off;
	const char *name =
	    ret ? ksym_lookup_return(pc, &off) : ksym_lookup(pc, &off);

	if (name)
		kprintf("  #%d %016lx %s+0x%lx\n", i, pc, name, off);
	else
		kprintf("  #%d %016lx (not kernel text)\n", i, pc);
}

/* Could a return address be one of the kernel's? Its call is in the text. */
static bool return_in_text(uintptr_t pc)
{
	return pc > (uintptr_t)_text_start && pc <= (uintptr_t)_text_end;
}

void backtrace(uintptr_t pc, uintptr_t fp)
{
	int i = 0;

	kprintf("backtrace:\n");
	if (pc)
		backtrace_line(i++, pc, false);
	for (; i < BACKTRACE_MAX && frame_plausible(fp); i++) {
		arch_frame_unwind(&fp, &pc);
		if (!return_in_text(pc))
			break;
		backtrace_line(i, pc, true);
	}
}

/* The shared body of panic and panic_at. */
static noreturn void vpanic(uintptr_t pc, uintptr_t fp, const char *fmt,
			    va_list ap)
{
	static volatile int panicking;

	arch_intr_disable();
	if (__atomic_exchange_n(&panicking, 1, __ATOMIC_SEQ_CST)) {
		/* A panic while panicking: say nothing more, just stop. */
		arch_poweroff(3);
	}
	kprintf_unlocked = true;
	kprintf("\npanic: ");
	kvprintf(fmt, ap);
	kprintf("\n");
	arch_dump_cpu();
	backtrace(pc, fp);
	arch_poweroff(1);
}

noreturn void panic(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vpanic(0, arch_frame_pointer(), fmt, ap);
}

noreturn void panic_at(uintptr_t pc, uintptr_t fp, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vpanic(pc, fp, fmt, ap);
}
