/*
 * What the kernel does with a decoded trap: a system call goes to its
 * dispatcher; for a page fault mm/ says what happened (a verdict), and
 * here it becomes a panic, a kill, or nothing; anything else kills. The
 * routing itself, trap_user, is inline in trap.h.
 */
#include "kernel/trap.h"

#include <arch/arch.h>

#include "kernel/proc.h"
#include "lib/kprintf.h"
#include "lib/panic.h"
#include "mm/fault.h"

/* A page fault of the kernel's own: a bug, told in the fault's words. */
static noreturn void kernel_fault_panic(const struct fault *f)
{
	struct panic_cause c = {
	    .kind = PANIC_PAGE_FAULT,
	    .pc = f->pc,
	    .fp = f->fp,
	    .addr = f->addr,
	    .access = access_name(f->access),
	    .reason = mm_pte_reason(f->addr, f->access, false),
	};

	panic_at(&c, "page fault: kernel %s at %p (%s), pc %pS", c.access,
		 (void *)c.addr, c.reason, (void *)c.pc);
}

void trap_page_fault(const struct fault *f)
{
	struct verdict v;

	if (!f->user)
		kernel_fault_panic(f);
	/* Interrupts stay off, as the trap left them: turning them on and
	 * off costs about as much as a whole copy-on-write reuse under
	 * QEMU's TCG. The fault may still sleep: a sleep goes through the
	 * scheduler, which runs everyone else with interrupts on. */
	v = mm_user_fault(proc_as(), f->addr, f->access);
	if (v.kind != VERDICT_RESOLVED)
		proc_kill_current(v.reason, f->pc, f->addr,
				  access_name(f->access));
}
