/* Many processes forking, writing shared copy-on-write pages and exiting at
 * once, on every CPU there is: each side must see only its own writes, every
 * exit status must arrive, and the runner's leak check must come out even.
 * With CPUS=2 (make test) parent and child really write the same COW frames
 * at the same moment, and sleeping between fork and write moves processes
 * from one CPU to another in between. */
#include <lib/stddef.h>
#include <lib/test.h>

#define WORKERS 6
#define ROUNDS 40
/* Values: mine = id * 40 + round (and mine + 1) stay below 241, theirs =
 * 250 + id: no value one side writes can be mistaken for the other's. */
_Static_assert((WORKERS - 1) * 40 + ROUNDS < 250 && WORKERS <= 6,
	       "stamps must not collide");
#define PAGES 8

static unsigned char shared[PAGES][4096];

/* Write pattern v at a few places of every shared page. */
static void stamp(unsigned char v)
{
	for (int p = 0; p < PAGES; p++)
		for (int off = 0; off < 4096; off += 1024)
			shared[p][off] = v;
}

/* Does every stamped place hold v? */
static bool stamped(unsigned char v)
{
	for (int p = 0; p < PAGES; p++)
		for (int off = 0; off < 4096; off += 1024)
			if (shared[p][off] != v)
				return false;
	return true;
}

/* One round: fork; both sides stamp their own value (the child after a
 * sleep in every other round, so it may wake on another CPU) and check it.
 * The child exits with its value; returns whether all was right. */
static bool round_trip(unsigned char mine, unsigned char theirs, int round)
{
	int pid, status;

	stamp(mine);
	pid = fork();
	if (pid < 0)
		error("fork failed: %d", pid);
	if (pid == 0) {
		if (round % 2)
			sleep(10);
		if (!stamped(mine))
			exit(1000); /* the parent's later writes leaked in */
		stamp(theirs);
		exit(stamped(theirs) ? theirs : 1001);
	}
	stamp((unsigned char)(mine + 1));
	if (wait(pid, &status) != pid || status != theirs)
		return false;
	return stamped((unsigned char)(mine + 1));
}

/* A worker: ROUNDS round trips, exit status = rounds that went wrong. */
static void worker(int id)
{
	int bad = 0;

	for (int r = 0; r < ROUNDS; r++)
		bad += !round_trip((unsigned char)(id * 40 + r),
				   (unsigned char)(250 + id), r);
	exit(bad);
}

int main(void)
{
	int status, bad = 0, killed = 0, reaped = 0, pid;

	for (int id = 0; id < WORKERS; id++) {
		pid = fork();
		if (pid < 0)
			error("fork of worker %d failed: %d", id, pid);
		if (pid == 0)
			worker(id);
	}
	while ((pid = wait(-1, &status)) >= 0) {
		reaped++;
		if (status < 0)
			killed++;
		else
			bad += status;
	}
	if (reaped != WORKERS || killed)
		error("%d workers reaped of %d, %d of them killed", reaped,
		      WORKERS, killed);
	if (bad)
		error("%d round trips saw the other side's writes", bad);
	pass("smp_stress: %d workers x %d fork/write/exit rounds", WORKERS,
	     ROUNDS);
	return 0;
}
