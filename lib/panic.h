/*
 * What a panic is about, for whoever judges it. The trap paths say what
 * kind of panic theirs is (a kernel page fault, an unexpected trap, a
 * kernel stack overflow) with the fault's facts; panic() is a bug of any
 * other kind. A hook registered from above (the kernel's self-tests)
 * gets the whole report after the backtrace and picks the exit status.
 */
#ifndef SUPPORT_PANIC_H
#define SUPPORT_PANIC_H

#include "lib/types.h"

#define BACKTRACE_MAX 32

enum panic_kind {
	PANIC_BUG,	     /* panic(): an impossible state */
	PANIC_PAGE_FAULT,    /* the kernel touched memory it must not */
	PANIC_TRAP,	     /* an exception nobody handles */
	PANIC_STACK_OVERFLOW, /* a kernel stack ran into its guard page */
	PANIC_UBSAN,	      /* a SANITIZE=1 check found undefined behaviour */
	PANIC_STACK_SMASH     /* a SANITIZE=1 canary was overwritten */
};

struct panic_cause {
	enum panic_kind kind;
	uintptr_t pc, fp;   /* the trapped (or checking) pc, frame pointer */
	uintptr_t addr;	    /* a page fault's address */
	const char *access; /* a page fault's access: "read", "write"... */
	const char *reason; /* why the page fault's access was refused */
};

struct panic_report {
	const struct panic_cause *cause;
	const char *message;		   /* the text after "panic: " */
	const char *frames[BACKTRACE_MAX]; /* the backtrace's functions, */
	int nframes;			   /* NULL where not kernel text */
};

/* Runs once the panic is printed, interrupts off and the console
 * unlocked. Return: the status to power off with. */
typedef int panic_hook_fn(const struct panic_report *r);

/* Make hook judge every panic from now on (NULL: none, status 1). */
void panic_set_hook(panic_hook_fn *hook);

/* panic() for a trap, whose interesting frames are the interrupted ones:
 * the backtrace starts with c->pc, then walks up from c->fp instead of
 * the caller's frame; the hook learns c. */
noreturn void panic_at(const struct panic_cause *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Print a backtrace, each address with the function holding it: pc first
 * (unless 0), then the return addresses of the frame-pointer chain from
 * frame fp up, each named by the function of its call (the byte before).
 * names (unless NULL) gets each line's function. Return: the lines. */
int backtrace(uintptr_t pc, uintptr_t fp, const char *names[BACKTRACE_MAX]);

#endif
