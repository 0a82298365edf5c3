/*
 * The kernel monitor: what `make qemu` shows until user space exists
 * (issue 4 replaces it with init and the shell). One command per line.
 */
#include "kernel/monitor.h"

#include "kernel/arch.h"
#include "kernel/kprintf.h"
#include "kernel/selftest.h"
#include "kernel/string.h"
#include "kernel/timer.h"
#include "mm/pmem.h"

/* Read a line into buf (echoing it), waiting for input with interrupts on. */
static void read_line(char *buf, size_t size)
{
	size_t n = 0;

	for (;;) {
		int c = arch_console_getc();
		if (c < 0) {
			arch_wait_for_interrupt();
			continue;
		}
		if (c == '\r' || c == '\n') {
			kprintf("\n");
			buf[n] = '\0';
			return;
		}
		if ((c == 0x7f || c == '\b') && n > 0) {
			n--;
			kprintf("\b \b");
		} else if (c >= ' ' && c < 0x7f && n + 1 < size) {
			buf[n++] = (char)c;
			kprintf("%c", c);
		}
	}
}

noreturn void monitor_run(void)
{
	char line[64];

	kprintf(
	    "kernel monitor: type 'help' (user space comes with issue 4)\n");
	for (;;) {
		kprintf("osvm> ");
		read_line(line, sizeof(line));
		if (!strcmp(line, "help"))
			kprintf(
			    "help | mem | ticks | selftest [NAME] | halt\n");
		else if (!strcmp(line, "mem"))
			kprintf("%lu of %lu frames free (%lu KiB)\n",
				(unsigned long)pmem_free_count(),
				(unsigned long)pmem_total(),
				(unsigned long)(pmem_free_count() * PAGE_SIZE >>
						10));
		else if (!strcmp(line, "ticks"))
			kprintf("%lu timer ticks at %d Hz\n",
				(unsigned long)timer_ticks(), TIMER_HZ);
		else if (!strncmp(line, "selftest", 8))
			selftest_run(line[8] == ' ' ? line + 9 : "");
		else if (!strcmp(line, "halt"))
			arch_poweroff(0);
		else if (line[0])
			kprintf("unknown command '%s'\n", line);
	}
}
