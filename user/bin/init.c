/* init, the first process. Its argv holds the words of the kernel command
 * line (argv[0] is "init"). With the word "runtests" it is the test runner
 * ("start=K" skips the first K tests, "test=NAME" runs only that one,
 * "timeout=S" gives each test S seconds instead of 30; with a word
 * "failinject=..." it judges each test as the injected-failure column
 * does, see judge_failinject); otherwise it keeps a shell running,
 * starting a new one whenever it dies. The kernel powers the machine off
 * with init's exit status. */
#include <lib/stdio.h>
#include <lib/string.h>
#include <lib/usyscall.h>

#define TESTS_FILE "TESTS"
#define TESTS_MAX (32 * 1024)
#define STACK_PREFAULT (16 * 1024)
#define TIMEOUT_DEFAULT_S 30
#define EXEC_TRIES 10 /* more execs of a test, under injected failures */

/* What the runner saw in one test's output. */
struct outcome {
	bool passed;	 /* "passed" somewhere */
	bool error;	 /* "ERROR" somewhere */
	bool line_start; /* the last byte ended a line */
};

/* What the kernel holds for everyone: each test must leave it as it was. */
struct census {
	long free_pages;
	long kmalloc_objects[SYS_INFO_KMALLOC_CLASSES];
	long injected; /* failures injected so far */
};

static char test_list[TESTS_MAX];
static long timeout_s = TIMEOUT_DEFAULT_S;
static const char *only_test; /* test=NAME, or NULL for all of TESTS */
static bool failinject;	      /* the kernel injects failures */

/* Start sh and wait until it exits, reaping the orphans handed to init on
 * the way; forever. Exits 1 if sh cannot be started. */
static __attribute__((noreturn)) void keep_shell(void)
{
	for (;;) {
		int pid = spawn("sh"), reaped;

		if (pid < 0) {
			printf("init: cannot run sh: %s\n", strerror(pid));
			exit(1);
		}
		do
			reaped = wait(-1, NULL);
		while (reaped >= 0 && reaped != pid);
	}
}

/* Read the whole TESTS file into test_list, NUL-terminated.
 * Return: ERR_OK, or the error that stopped it (ERR_NOMEM: too long). */
static int read_test_list(void)
{
	size_t len = 0;
	ssize_t n = 0;
	int fd = open(TESTS_FILE, FS_RDONLY, EMPTY_MODE);

	if (fd < 0)
		return fd;
	while (len + 1 < sizeof(test_list) &&
	       (n = read(fd, test_list + len, sizeof(test_list) - 1 - len)) > 0)
		len += n;
	close(fd);
	test_list[len] = '\0';
	if (n < 0)
		return (int)n;
	return len + 1 < sizeof(test_list) ? ERR_OK : ERR_NOMEM;
}

/* Touch the stack the runner will use, so that pages the kernel gives init's
 * own stack on demand during a test are not counted as that test's leak. */
static __attribute__((noinline)) void prefault_stack(void)
{
	volatile char pad[STACK_PREFAULT];

	for (size_t i = 0; i < sizeof(pad); i += 256)
		pad[i] = 0;
}

/* Fork a child that runs the test name with fds 1 and 2 the write end of a
 * new pipe. Return: the child's pid with *out the pipe's read end, or an
 * error code. */
static int start_test(const char *name, int *out)
{
	int fds[2], pid, err;

	if ((err = pipe(fds)) < 0)
		return err;
	pid = fork();
	if (pid == 0) {
		close(1);
		dup(fds[1]);
		close(2);
		dup(fds[1]);
		close(fds[0]);
		close(fds[1]);
		/* Under injected failures, again while loading it fails for
		 * memory: the test itself should meet the failures. */
		err = exec(name);
		for (int i = 0;
		     failinject && err == ERR_NOMEM && i < EXEC_TRIES; i++)
			err = exec(name);
		printf("ERROR: init: cannot exec %s: %s\n", name,
		       strerror(err));
		exit(127);
	}
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		return pid;
	}
	*out = fds[0];
	return pid;
}

/* Advance the search for word in a stream by its next character c; *at is
 * how much of word matched so far. This simple restart is exact because
 * word's first letter occurs in it only once ("passed", "ERROR").
 * Return: whether word has just been matched. */
static bool match_step(const char *word, size_t *at, char c)
{
	*at = c == word[*at] ? *at + 1 : c == word[0];
	if (word[*at] != '\0')
		return false;
	*at = 0;
	return true;
}

/* Copy fd to the console until every writer has closed it, noting in o
 * whether "passed" and "ERROR" went by. */
static void scan_output(int fd, struct outcome *o)
{
	size_t passed_at = 0, error_at = 0;
	char buf[256];
	ssize_t n;

	*o = (struct outcome){.line_start = true};
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		write(1, buf, n);
		for (ssize_t i = 0; i < n; i++) {
			o->passed |= match_step("passed", &passed_at, buf[i]);
			o->error |= match_step("ERROR", &error_at, buf[i]);
		}
		o->line_start = buf[n - 1] == '\n';
	}
}

/* Fork the watchdog of one test: after timeout_s seconds it kills every
 * process but init and itself (the test and all it started) and exits 0.
 * Return: its pid, or an error code. */
static int start_watchdog(void)
{
	int pid = fork();

	if (pid == 0) {
		sleep((unsigned)timeout_s * 1000);
		kill(-1);
		exit(0);
	}
	return pid;
}

/* Return: the processes alive now. */
static long live_procs(void)
{
	struct sys_info si;

	info(&si);
	return (long)si.live_procs;
}

/* Reap every process the test left (its orphans now belong to init) until
 * only init and the watchdog remain, then stop the watchdog.
 * Return: whether the watchdog fired. */
static bool reap_all(int watchdog)
{
	bool fired = false;
	int status;

	while (live_procs() > (watchdog > 0 ? 2 : 1))
		if (wait(-1, &status) == watchdog) {
			fired = status == 0;
			watchdog = 0;
		}
	if (watchdog > 0) {
		kill(watchdog); /* nothing if it has exited already */
		if (wait(watchdog, &status) == watchdog)
			fired = status == 0;
	}
	while (wait(-1, NULL) >= 0)
		;
	return fired;
}

/* Fill *c with the kernel's counts now. */
static void take_census(struct census *c)
{
	struct sys_info si;

	info(&si);
	c->free_pages = (long)si.free_pages;
	for (int i = 0; i < SYS_INFO_KMALLOC_CLASSES; i++)
		c->kmalloc_objects[i] = (long)si.kmalloc_objects[i];
	c->injected = (long)si.num_injected;
}

/* Write in why (size bytes) what a test left behind between censuses
 * before and after: "leaked N kmalloc objects (class S)", S the class's
 * largest object in bytes, or else "leaked N pages" (a kmalloc object
 * left behind often holds a page too: it is the cause, so it comes first).
 * Return: whether it left anything. */
static bool leaked(const struct census *before, const struct census *after,
		   char *why, size_t size)
{
	long pages = before->free_pages - after->free_pages;

	for (int i = 0; i < SYS_INFO_KMALLOC_CLASSES; i++) {
		long n = after->kmalloc_objects[i] - before->kmalloc_objects[i];

		if (n != 0) {
			snprintf(why, size,
				 "leaked %ld kmalloc objects (class %d)", n,
				 16 << i);
			return true;
		}
	}
	if (pages != 0) {
		snprintf(why, size, "leaked %ld pages", pages);
		return true;
	}
	return false;
}

/* Print test n's result line, "ok N name" or "not ok N name # reason"
 * (docs/testing.md), by the test's own verdict: exit status 0, "passed"
 * and no "ERROR" printed, nothing leaked (leak: its description, or
 * NULL). Return: whether it passed. */
static bool judge(int n, const char *name, int status, const struct outcome *o,
		  const char *leak, bool timed_out)
{
	if (timed_out)
		printf("not ok %d %s # timed out after %ld s\n", n, name,
		       timeout_s);
	else if (status != 0)
		printf("not ok %d %s # exit status %d\n", n, name, status);
	else if (!o->passed)
		printf("not ok %d %s # no 'passed'\n", n, name);
	else if (o->error)
		printf("not ok %d %s # printed ERROR\n", n, name);
	else if (leak)
		printf("not ok %d %s # %s\n", n, name, leak);
	else
		printf("ok %d %s\n", n, name);
	return !timed_out && status == 0 && o->passed && !o->error && !leak;
}

/* The judgement under injected failures (failinject=): a test's own
 * checks fail when a fork or a pipe it relies on gets ERR_NOMEM, so its
 * status and output are not asked. It passes when it ended within its
 * time, by exit (any status) or by a kill (the kernel printed the reason),
 * and left no page and no kmalloc object behind; a panic ends the boot
 * instead, and the runner fails the test that was running. Prints test
 * n's result line after a comment line of what the test met.
 * Return: whether it passed. */
static bool judge_failinject(int n, const char *name, int status,
			     const char *leak, bool timed_out, long injected)
{
	printf("# failinject: %s ended with status %d, %ld failures "
	       "injected\n",
	       name, status, injected);
	if (timed_out)
		printf("not ok %d %s # timed out after %ld s\n", n, name,
		       timeout_s);
	else if (leak)
		printf("not ok %d %s # %s\n", n, name, leak);
	else
		printf("ok %d %s\n", n, name);
	return !timed_out && !leak;
}

/* Run test n, name, wait for it and every orphan it left, and judge it by
 * its status, its output and the free pages before and after.
 * Return: whether it passed. */
static bool run_test(int n, const char *name)
{
	struct census before, after;
	struct outcome o;
	int fd, pid, status, watchdog;
	bool timed_out, left;
	char leak[64];

	take_census(&before);
	printf("# run %d %s\n", n, name);
	/* The watchdog first: a test that counts live processes must find
	 * the same number all the way through. */
	watchdog = start_watchdog();
	pid = start_test(name, &fd);
	if (pid < 0) {
		printf("not ok %d %s # cannot start: %s\n", n, name,
		       strerror(pid));
		reap_all(watchdog);
		return false;
	}
	scan_output(fd, &o);
	close(fd);
	if (wait(pid, &status) != pid)
		status = -1;
	timed_out = reap_all(watchdog);
	take_census(&after);
	left = leaked(&before, &after, leak, sizeof(leak));
	if (!o.line_start)
		printf("\n");
	if (failinject)
		return judge_failinject(n, name, status, left ? leak : NULL,
					timed_out,
					after.injected - before.injected);
	return judge(n, name, status, &o, left ? leak : NULL, timed_out);
}

/* The number of names (non-empty lines) in list. */
static int count_names(const char *list)
{
	int n = 0;

	for (const char *s = list; *s != '\0'; s++)
		if (*s != '\n' && (s == list || s[-1] == '\n'))
			n++;
	return n;
}

/* End the line at s at its newline. Return: the start of the next line. */
static char *next_line(char *s)
{
	char *newline = strchr(s, '\n');

	if (newline == NULL)
		return s + strlen(s);
	*newline = '\0';
	return newline + 1;
}

/* Run the tests named in TESTS, one a line, from the one at index start on
 * (the host restarts a crashed run after the test that crashed it), and
 * print the totals. The plan line "1..N" first says how many there are,
 * so the host knows whether each got a result line.
 * Return: the number that failed. */
static int run_tests(long start)
{
	int passed = 0, failed = 0, err;
	char *name, *next;
	long index = 0;

	if (only_test) {
		strncpy(test_list, only_test, sizeof(test_list) - 1);
	} else if ((err = read_test_list()) != ERR_OK) {
		printf("init: cannot read %s: %s\n", TESTS_FILE, strerror(err));
		return 1;
	}
	printf("1..%d\n", count_names(test_list));
	prefault_stack();
	for (name = test_list; *name != '\0'; name = next) {
		next = next_line(name);
		if (*name == '\0' || index++ < start)
			continue;
		if (run_test((int)index, name))
			passed++;
		else
			failed++;
	}
	if (failinject) {
		struct census now;

		take_census(&now);
		printf("# failinject: %ld failures injected in all\n",
		       now.injected);
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed;
}

int main(int argc, char **argv)
{
	bool runtests = false;
	long start = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "runtests") == 0)
			runtests = true;
		else if (strncmp(argv[i], "start=", 6) == 0)
			start = strtol(argv[i] + 6, NULL, 10);
		else if (strncmp(argv[i], "test=", 5) == 0)
			only_test = argv[i] + 5;
		else if (strncmp(argv[i], "timeout=", 8) == 0)
			timeout_s = strtol(argv[i] + 8, NULL, 10);
		else if (strncmp(argv[i], "failinject=", 11) == 0)
			failinject = true;
	}
	if (runtests)
		exit(run_tests(start) != 0);
	keep_shell();
}
