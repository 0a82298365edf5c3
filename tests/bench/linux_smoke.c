/*
 * A placeholder benchmark that proves the pipeline of make bench-linux
 * (docs/linux-compare.md) until the suite of issue 8 lands: a null system
 * call (getpid), and fork + exit + wait of a process with 0, 1 and 16 MiB
 * of heap touched. Course API and lib/clock.h only, so it runs on both
 * kernels. One BENCH line per measurement.
 */
#include <lib/clock.h>
#include <lib/stdio.h>
#include <lib/usyscall.h>

#define RUNS 11
#define GETPID_LOOP 1000
#define PAGE_SIZE 4096
#define MIB (1024 * 1024)

/* Sort the n values of v, ascending (n is small). */
static void sort(uint64_t *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

/* Print the BENCH line of RUNS measurements ns (sorted here). */
static void report(const char *name, int param, uint64_t *ns)
{
	sort(ns, RUNS);
	printf("BENCH name=%s param=%d unit=op median_ns=%llu min_ns=%llu "
	       "max_ns=%llu runs=%d\n",
	       name, param, (unsigned long long)ns[RUNS / 2],
	       (unsigned long long)ns[0], (unsigned long long)ns[RUNS - 1],
	       RUNS);
}

/* The cost of one getpid, averaged over GETPID_LOOP calls per run. */
static void bench_getpid(void)
{
	uint64_t ns[RUNS];

	for (int r = 0; r < RUNS; r++) {
		uint64_t t0 = clock_now();
		for (int i = 0; i < GETPID_LOOP; i++)
			getpid();
		ns[r] = clock_ns(clock_now() - t0) / GETPID_LOOP;
	}
	report("smoke_getpid", 0, ns);
}

/* fork, exit(0) in the child, wait in the parent, with mib MiB of heap
 * written first (the heap is given back afterwards). */
static void bench_fork(int mib)
{
	size_t bytes = (size_t)mib * MIB;
	volatile char *heap = sbrk((ssize_t)bytes);
	uint64_t ns[RUNS];

	if (heap == (char *)ERR_NOMEM) {
		printf("ERROR: sbrk of %d MiB failed\n", mib);
		exit(1);
	}
	for (size_t off = 0; off < bytes; off += PAGE_SIZE)
		heap[off] = 1;
	for (int r = 0; r < RUNS; r++) {
		uint64_t t0 = clock_now();
		int pid = fork();
		if (pid == 0)
			exit(0);
		wait(pid, NULL);
		ns[r] = clock_ns(clock_now() - t0);
	}
	sbrk(-(ssize_t)bytes);
	report("smoke_fork_exit_wait", mib, ns);
}

int main(void)
{
	bench_getpid();
	bench_fork(0);
	bench_fork(1);
	bench_fork(16);
	return 0;
}
