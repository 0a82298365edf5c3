/* The fuzz storm: NFUZZERS syscall fuzzers (tests/user/fuzz.c, run as
 * "fuzz storm SEED CALLS", each with its own seed) run at once, and the
 * storm kills some of them at random moments -- a fuzzer and its children,
 * one of its children, or the fuzzer alone (its children orphaned to init)
 * -- and starts a new fuzzer for each one that ends, until the fuzzers have
 * made the calls asked for. A disturbed fuzzer that does not end within
 * GRACE calls is killed with its children. Every fuzzer prints on one pipe "@child P C"
 * for each child it forks and "@calls K" as its children make calls (so
 * the calls of killed fuzzers count too); a ticker process writes "@tick"
 * on it every TICK_MS, so that the storm never waits long for a line.
 * Passes when every fuzzer it did not disturb exited 0 and, once the
 * orphans left (grandchildren that wait for a parent that was killed) are
 * killed too, the number of processes alive comes back to what it was
 * within SETTLE_MS; init then checks the free pages, after reaping them.
 * Seed and calls: the initrd file STORM ("S N", from make soak-storm
 * SEED= STORM_CALLS=), else DEFAULT_SEED and DEFAULT_CALLS. */
#include <lib/stddef.h>
#include <lib/test.h>
#include <lib/testkit.h>

#define NFUZZERS 4
#define FUZZ_CALLS 2000 /* calls of one fuzzer, its children's together */
#define DEFAULT_SEED 1
#define DEFAULT_CALLS 100000
#define TICK_MS 20
#define KILL_EVERY 3000 /* calls between two kills, on average */
#define GRACE 6000	/* calls a disturbed fuzzer gets to end by itself */
#define SETTLE_MS 30000 /* time orphans get to end */
#define NCHILD 4	/* children per fuzzer (fuzz.c's NCHILDREN) */

/* A fuzzer the storm started; pid 0: a free slot. */
struct fuzzer {
	int pid;
	int child[NCHILD];
	int nchild;
	bool disturbed; /* the storm killed it or one of its children */
	bool ended;	/* the storm killed it, and its children */
	long since;	/* the calls when it was disturbed */
};

static struct fuzzer slot[NFUZZERS];
static unsigned long seed = DEFAULT_SEED;
static long target = DEFAULT_CALLS;
static uint64_t rng;
static int wr = -1; /* the pipe's write end, for new fuzzers */
static long next_kill = KILL_EVERY;
static long calls, started, forks, kills_all, kills_child, kills_alone;
static int failures;
static char first_msg[160]; /* a fuzzer's first line that was no progress */

/* A number from 0 to n - 1 (a 64-bit LCG's high bits). */
static uint64_t below(uint64_t n)
{
	rng = rng * 6364136223846793005ul + 1442695040888963407ul;
	return (rng >> 33) % n;
}

/* The seed and the calls from the file STORM ("S N"), when there is one. */
static void read_params(void)
{
	char buf[64], *end;

	if (read_small_file("STORM", buf, sizeof(buf)) <= 0)
		return;
	seed = (unsigned long)strtol(buf, &end, 10);
	target = strtol(end, NULL, 10);
}

/* Start fuzzer number started in slot f: fork, make the pipe its fd 1,
 * exec fuzz. Fails the test when fork fails. */
static void start_fuzzer(struct fuzzer *f, int rd)
{
	char args[64];
	int pid;

	snprintf(args, sizeof(args), "fuzz storm %lu %d",
		 seed * 10000 + (unsigned long)started, FUZZ_CALLS);
	pid = fork();
	if (pid == 0) {
		close(1);
		if (dup(wr) != 1)
			exit(120);
		close(wr);
		close(rd);
		exec(args);
		exit(121);
	}
	if (pid < 0)
		error("fuzz_storm: fork of fuzzer %ld: %d", started, pid);
	*f = (struct fuzzer){.pid = pid};
	started++;
	forks++;
}

/* The ticker: "@tick" on fd every TICK_MS until the read end is gone or
 * it is killed. Return: its pid. */
static int start_ticker(int fd)
{
	int pid = fork();

	if (pid == 0) {
		for (int i = 0; i < NUM_FILES; i++)
			if (i != fd)
				close(i);
		while (write(fd, "@tick\n", 6) == 6)
			sleep(TICK_MS);
		exit(0);
	}
	if (pid < 0)
		error("fuzz_storm: fork of the ticker: %d", pid);
	forks++;
	return pid;
}

/* The slot whose fuzzer has pid, or NULL. */
static struct fuzzer *find(int pid)
{
	for (int i = 0; i < NFUZZERS; i++)
		if (slot[i].pid == pid)
			return &slot[i];
	return NULL;
}

/* Take one line a fuzzer (or the ticker) printed. */
static void take_line(const char *line)
{
	struct fuzzer *f;
	char *end;
	long a, b;

	if (strncmp(line, "@tick", 5) == 0)
		return;
	if (strncmp(line, "@calls ", 7) == 0) {
		calls += strtol(line + 7, NULL, 10);
		return;
	}
	if (strncmp(line, "@child ", 7) == 0) {
		a = strtol(line + 7, &end, 10);
		b = strtol(end, NULL, 10);
		forks++;
		if ((f = find((int)a)) && f->nchild < NCHILD)
			f->child[f->nchild++] = (int)b;
		return;
	}
	if (strncmp(line, "passed ", 7) != 0 && first_msg[0] == '\0')
		strncpy(first_msg, line, sizeof(first_msg) - 1);
}

/* Read what the pipe has and take its whole lines. Return: false at end
 * of file. */
static bool take_input(int rd)
{
	static char buf[512];
	static size_t len;
	char *s, *nl;
	long n = read(rd, buf + len, sizeof(buf) - 1 - len);

	if (n <= 0)
		return false;
	len += (size_t)n;
	buf[len] = '\0';
	for (s = buf; (nl = strchr(s, '\n')); s = nl + 1) {
		*nl = '\0';
		take_line(s);
	}
	len = strlen(s);
	memmove(buf, s, len);
	if (len == sizeof(buf) - 1)
		len = 0; /* a line too long for us: dropped */
	return true;
}

/* Kill fuzzer f and its children. */
static void end_fuzzer(struct fuzzer *f)
{
	kill(f->pid);
	for (int i = 0; i < f->nchild; i++)
		kill(f->child[i]);
	f->ended = true;
}

/* Once the calls pass next_kill, kill a fuzzer at random: with its
 * children, one child, or alone; the next kill comes 0 to 2 KILL_EVERY
 * calls later. */
static void maybe_kill(void)
{
	struct fuzzer *f = &slot[below(NFUZZERS)];
	int how = (int)below(3);

	if (calls < next_kill || f->pid == 0 || f->disturbed)
		return;
	next_kill = calls + (long)below(2 * KILL_EVERY);
	f->disturbed = true;
	f->since = calls;
	if (how == 1 && f->nchild > 0) {
		kill(f->child[below(f->nchild)]);
		kills_child++;
		return;
	}
	if (how == 0) {
		end_fuzzer(f);
		kills_all++;
	} else {
		kill(f->pid);
		kills_alone++;
	}
}

/* End each disturbed fuzzer that has not ended in GRACE calls, or at all
 * once the calls are made: one whose child was killed waits for its
 * report pipe's end of file, which an orphaned grandchild waiting to be
 * killed by that child holds open. */
static void end_stragglers(void)
{
	for (int i = 0; i < NFUZZERS; i++)
		if (slot[i].pid && slot[i].disturbed && !slot[i].ended &&
		    (calls - slot[i].since > GRACE || calls >= target))
			end_fuzzer(&slot[i]);
}

/* Reap the fuzzers that have exited (no memory left: vmmap says so), and
 * judge those the storm did not disturb. Return: the fuzzers reaped. */
static int reap_ended(void)
{
	int n = 0, status;

	for (int i = 0; i < NFUZZERS; i++) {
		struct fuzzer *f = &slot[i];

		if (f->pid == 0 || vmmap(f->pid, NULL, 0) != ERR_NOTEXIST)
			continue;
		if (wait(f->pid, &status) != f->pid)
			error("fuzz_storm: wait for fuzzer %d", f->pid);
		if (!f->disturbed && status != 0) {
			failures++;
			printf("fuzz_storm: fuzzer %d exited with %d\n",
			       f->pid, status);
		}
		f->pid = 0;
		n++;
	}
	return n;
}

/* Kill every process started after us that is still alive: orphans of
 * killed fuzzers' children (grandchildren that block or spin until their
 * parent kills them). Pids only increase, and nothing but our descendants
 * starts meanwhile, so they are the pids between ours and a new child's.
 * Return: the processes killed. */
static long sweep(void)
{
	int probe = fork(), me = getpid();
	long n = 0;

	if (probe == 0)
		exit(0);
	if (probe < 0 || wait(probe, NULL) != probe)
		error("fuzz_storm: fork of the probe: %d", probe);
	for (int pid = me + 1; pid < probe; pid++)
		n += kill(pid) == ERR_OK;
	return n;
}

/* Wait up to SETTLE_MS for the live processes to come back to live0 (the
 * orphans to end). Return: whether they did. */
static bool settle(size_t live0, struct sys_info *si)
{
	for (int ms = 0; ms <= SETTLE_MS; ms += 50) {
		assert(info(si) == ERR_OK);
		if (si->live_procs == live0)
			return true;
		sleep(50);
	}
	return false;
}

int main(void)
{
	struct sys_info si;
	size_t live0, free0;
	int fds[2], ticker, live = 0, status;
	long swept;

	read_params();
	rng = seed;
	assert(info(&si) == ERR_OK);
	live0 = si.live_procs;
	free0 = si.free_pages;
	assert(pipe(fds) == ERR_OK);
	wr = fds[1];
	ticker = start_ticker(wr);
	while (calls < target || live > 0) {
		for (int i = 0; calls < target && i < NFUZZERS; i++)
			if (slot[i].pid == 0) {
				start_fuzzer(&slot[i], fds[0]);
				live++;
			}
		if (!take_input(fds[0]))
			error("fuzz_storm: the pipe closed");
		if (calls < target)
			maybe_kill();
		end_stragglers();
		live -= reap_ended();
	}
	kill(ticker);
	if (wait(ticker, &status) != ticker)
		error("fuzz_storm: wait for the ticker");
	close(fds[1]);
	while (take_input(fds[0]))
		;
	close(fds[0]);
	if (wait(-1, NULL) != ERR_CHILD)
		error("fuzz_storm: a child left unreaped");
	if (failures)
		error("fuzz_storm: %d fuzzers failed; first message: %s",
		      failures, first_msg);
	swept = sweep();
	if (!settle(live0, &si))
		error("fuzz_storm: after %d s, %zu processes alive, %zu before",
		      SETTLE_MS / 1000, si.live_procs, live0);
	pass("fuzz_storm: %ld calls, seed %lu, %ld fuzzers, %ld forks, %ld "
	     "kills (%ld with children, %ld alone, %ld of a child), %ld "
	     "orphans swept, %ld pages in orphans' zombies",
	     calls, seed, started, forks, kills_all + kills_alone + kills_child,
	     kills_all, kills_alone, kills_child, swept,
	     (long)free0 - (long)si.free_pages);
	return 0;
}
