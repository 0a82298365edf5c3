/* Other CPUs: not started yet (issue 7 brings them up); the boot CPU runs
 * alone. */
#include "kernel/arch.h"

int arch_start_cpus(int max)
{
	(void)max;
	return 1;
}

const char *arch_cpu_name(int id)
{
	(void)id;
	return "boot cpu";
}
