/* A tiny kernel console for `make qemu` until user space exists. */
#ifndef KERNEL_MONITOR_H
#define KERNEL_MONITOR_H

/* Read commands from the console forever (help, mem, ticks, selftest,
 * halt). */
_Noreturn void monitor_run(void);

#endif
