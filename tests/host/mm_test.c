/*
 * The host test runner: simulated RAM, then every test of every file in
 * order, one line each, and a summary. After each test it checks what every
 * test must leave behind: interrupts on and unnested (so every lock taken was
 * released) and, unless the test says otherwise, every frame given back.
 */
#include <stdarg.h>
#include <stdio.h>

#include "kernel/cpu.h"
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

/* What every test must leave as it found it. */
static void check_after(const struct test *t, size_t free_before)
{
	CHECK(host_intr_on);
	CHECK_EQ(mycpu()->intr_depth, 0);
	if (!t->keeps_frames)
		CHECK_EQ(pmem_free_count(), free_before);
}

static const struct test *const suites[] = {
    pte_tests,
    pmem_tests,
    kmalloc_tests,
    vpmap_tests,
};

int main(void)
{
	int passed = 0, failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	cpu_init_boot();
	sim_ram_init();
	printf("mm host tests, PTE format %s\n", MACHINE_NAME);

	for (size_t s = 0; s < ARRAY_SIZE(suites); s++) {
		for (const struct test *t = suites[s]; t->name; t++) {
			size_t free_before = pmem_free_count();

			failure[0] = 0;
			t->fn();
			if (!test_failed())
				check_after(t, free_before);
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
