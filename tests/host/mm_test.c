/*
 * The host test runner: simulated RAM, then every test of every file in
 * order, one line each, and a summary. After each test it checks what every
 * test must leave behind: interrupts on and unnested (so every lock taken was
 * released), the calling CPU cpus[0], the fault policy's test knob off and no
 * pause hook, and, unless the test says otherwise, every frame given back.
 *
 *   mm_test [seed=N|seed=random] [steps=N] [trace=1]   (the model test's knobs)
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/cpu.h"
#include "lib/failinject.h"
#include "mm/fault.h"
#include "mm/kmalloc.h"
#include "mm/pmem.h"
#include "tests/host/host.h"

static char failure[512];

void test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (failure[0])
		return;
	n = snprintf(failure, sizeof(failure), "%s:%d: ", file, line);
	va_start(ap, fmt);
	vsnprintf(failure + n, sizeof(failure) - n, fmt, ap);
	va_end(ap);
}

bool test_failed(void)
{
	return failure[0] != 0;
}

const char *test_failure(void)
{
	return failure;
}

/* The kmalloc objects in use now, of every class. */
static size_t kmalloc_objects(void)
{
	size_t n = 0;

	for (int c = 0; c < KMALLOC_CLASSES; c++)
		n += kmalloc_in_use(c);
	return n;
}

/* What every test must leave as it found it. */
static void check_after(const struct test *t, size_t free_before,
			size_t objects_before)
{
	CHECK(host_intr_on);
	CHECK_EQ(mycpu()->intr_depth, 0);
	CHECK(mycpu() == &cpus[0]);
	CHECK(!mm_fault_sleep);
	CHECK(!host_waits.on_pause);
	CHECK(!failinject_armed);
	if (t->keeps_frames)
		return;
	CHECK_EQ(pmem_free_count(), free_before);
	CHECK_EQ(kmalloc_objects(), objects_before);
}

static const struct test *const suites[] = {
    pte_tests,	 pmem_tests,  kmalloc_tests,	wait_tests,  vpmap_tests,
    fault_tests, vmmap_tests, failinject_tests, model_tests,
};

/* Read the model test's knobs; false on an argument it does not know. */
static bool parse_args(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		char *end = NULL;

		if (!strcmp(a, "seed=random"))
			model_opts.seed = (uint64_t)time(NULL) * 2654435761u ^
					  (uint64_t)getpid() << 32;
		else if (!strncmp(a, "seed=", 5))
			model_opts.seed = strtoull(a + 5, &end, 0);
		else if (!strncmp(a, "steps=", 6))
			model_opts.steps = strtoull(a + 6, &end, 0);
		else if (!strncmp(a, "trace=", 6))
			model_opts.trace = strtoul(a + 6, &end, 0) != 0;
		else
			return false;
		if (end && *end)
			return false;
	}
	return true;
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!parse_args(argc, argv)) {
		fprintf(stderr,
			"usage: %s [seed=N|seed=random] [steps=N] "
			"[trace=1]\n",
			argv[0]);
		return 2;
	}
	cpu_init_boot();
	host_cpus_init();
	host_wait_init();
	sim_ram_init();
	printf("mm host tests, PTE format %s\n", MACHINE_NAME);

	for (size_t s = 0; s < ARRAY_SIZE(suites); s++) {
		for (const struct test *t = suites[s]; t->name; t++) {
			size_t free_before = pmem_free_count();
			size_t objects_before = kmalloc_objects();

			failure[0] = 0;
			t->fn();
			if (!test_failed())
				check_after(t, free_before, objects_before);
			if (test_failed()) {
				printf("  FAIL %s: %s\n", t->name, failure);
				failed++;
			} else {
				printf("  ok   %s\n", t->name);
				passed++;
			}
		}
	}
	printf("%s: %d passed, %d failed\n", MACHINE_NAME, passed, failed);
	return failed ? 1 : 0;
}
