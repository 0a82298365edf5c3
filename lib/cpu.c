/* Per-CPU records and interrupt-disable nesting. */
#include "lib/cpu.h"

#include "lib/kprintf.h"

/* cpus[0] is usable before cpu_init_boot, so early output can lock. */
struct cpu cpus[NCPU] = {[0] = {.self = &cpus[0]}};

void cpu_init_boot(void)
{
	struct cpu *c = &cpus[0];
	c->self = c;
	c->id = 0;
	arch_cpu_set(c);
}

void intr_push(void)
{
	bool on = arch_intr_enabled();
	struct cpu *c;

	arch_intr_disable();
	c = mycpu();
	if (c->intr_depth++ == 0)
		c->intr_was_on = on;
}

void intr_pop(void)
{
	struct cpu *c = mycpu();

	if (arch_intr_enabled())
		panic("intr_pop: interrupts on");
	if (c->intr_depth < 1)
		panic("intr_pop: not pushed");
	if (--c->intr_depth == 0 && c->intr_was_on)
		arch_intr_enable();
}
