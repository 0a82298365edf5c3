/* panic, the frame-pointer backtrace, and the hook that judges a panic. */
#include "lib/panic.h"

#include <arch/arch.h>

#include "lib/format.h"
#include "lib/kprintf.h"
#include "lib/ksyms.h"

extern bool kprintf_unlocked;

#define MESSAGE_MAX 256

static panic_hook_fn *panic_hook;

void panic_set_hook(panic_hook_fn *hook)
{
	panic_hook = hook;
}

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
 * or, for a return address (ret), the one holding its call.
 * Return: that function's name, or NULL when it is not kernel text. */
static const char *backtrace_line(int i, uintptr_t pc, bool ret)
{
	uintptr_t off;
	const char *name =
	    ret ? ksym_lookup_return(pc, &off) : ksym_lookup(pc, &off);

	if (name)
		kprintf("  #%d %016lx %s+0x%lx\n", i, pc, name, off);
	else
		kprintf("  #%d %016lx (not kernel text)\n", i, pc);
	return name;
}

/* Could a return address be one of the kernel's? Its call is in the text. */
static bool return_in_text(uintptr_t pc)
{
	return pc > (uintptr_t)_text_start && pc <= (uintptr_t)_text_end;
}

int backtrace(uintptr_t pc, uintptr_t fp, const char *names[BACKTRACE_MAX])
{
	const char *name;
	int i = 0;

	kprintf("backtrace:\n");
	if (pc) {
		name = backtrace_line(i, pc, false);
		if (names)
			names[i] = name;
		i++;
	}
	for (; i < BACKTRACE_MAX && frame_plausible(fp); i++) {
		arch_frame_unwind(&fp, &pc);
		if (!return_in_text(pc))
			break;
		name = backtrace_line(i, pc, true);
		if (names)
			names[i] = name;
	}
	return i;
}

/* The shared body of panic and panic_at: print the message, the CPU and
 * the backtrace, then power off with the hook's status (1 without one). */
static noreturn void vpanic(const struct panic_cause *c, const char *fmt,
			    va_list ap)
{
	static volatile int panicking;
	static char message[MESSAGE_MAX];
	static struct panic_report r;

	arch_intr_disable();
	if (__atomic_exchange_n(&panicking, 1, __ATOMIC_SEQ_CST)) {
		/* A panic while panicking: say nothing more, just stop. */
		arch_poweroff(3);
	}
	kprintf_unlocked = true;
	vformat_string(message, sizeof(message), ksym_lookup, fmt, ap);
	kprintf("\npanic: %s\n", message);
	arch_dump_cpu();
	r.cause = c;
	r.message = message;
	r.nframes = backtrace(c->pc, c->fp, r.frames);
	arch_poweroff(panic_hook ? panic_hook(&r) : 1);
}

noreturn void panic(const char *fmt, ...)
{
	struct panic_cause c = {.kind = PANIC_BUG, .fp = arch_frame_pointer()};
	va_list ap;

	va_start(ap, fmt);
	vpanic(&c, fmt, ap);
}

noreturn void panic_at(const struct panic_cause *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vpanic(c, fmt, ap);
}
