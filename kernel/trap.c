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
#include "mm/fault.h"

void trap_page_fault(const struct fault *f)
{
	struct verdict v;

	if (!f->user)
		panic_at(
		    f->pc, f->fp, "page fault: kernel %s at %p (%s), pc %pS",
		    access_name(f->access), (void *)f->addr,
		    mm_pte_reason(f->addr, f->access, false), (void *)f->pc);
	/* Interrupts stay off, as the trap left them: turning them on and
	 * off costs about as much as a whole copy-on-write reuse under
	 * QEMU's TCG. The fault may still sleep: a sleep goes through the
	 * scheduler, which runs everyone else with interrupts on. */
	v = mm_user_fault(proc_as(), f->addr, f->access);
	if (v.kind != VERDICT_RESOLVED)
		proc_kill_current(v.reason, f->pc, f->addr,
				  access_name(f->access));
}
