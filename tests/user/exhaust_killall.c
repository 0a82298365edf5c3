/* kill(-1) stops a fork bomb, as the runner's watchdog needs it to.
 * BOMBERS processes each loop: fork a child that blocks reading a pipe,
 * kill it, reap it. kill(-1) then kills every process but init and the
 * caller (the watchdog too, which the runner allows); each "exits with
 * status -1 when it next leaves the kernel" (lib/usyscall.h). A child
 * forked after the kill is killed by no one and blocks on the pipe, which
 * we hold; so does a child whose kill was lost as it went to sleep. Once
 * the bombers are reaped, live_procs must say that only init and we are
 * left. ROUNDS times; then the pipe closes, so that any survivor exits
 * (init reaps it). */
#include <lib/stddef.h>
#include <lib/test.h>

#define BOMBERS 8
#define ROUNDS 5
#define RUN_MS 30     /* the bombers run this long before the kill */
#define SETTLE_MS 300 /* the dead have this long to leave live_procs */

static struct sys_info si;

static size_t live_procs(void)
{
	assert(info(&si) == ERR_OK);
	return si.live_procs;
}

static __attribute__((noreturn)) void bomber(int fds[2])
{
	char c;

	close(fds[1]);
	for (;;) {
		int pid = fork();

		if (pid == 0) {
			(void)read(fds[0], &c, 1);
			exit(0);
		}
		if (pid > 0) {
			kill(pid);
			wait(pid, NULL);
		}
	}
}

/* One round. Return: the processes left alive besides init and us. */
static long round_of_kills(void)
{
	int fds[2], pids[BOMBERS], status;
	long left;

	assert(pipe(fds) == ERR_OK);
	for (int i = 0; i < BOMBERS; i++) {
		pids[i] = fork();
		if (pids[i] < 0) { /* stop the bombers already running */
			kill(-1);
			error("fork of bomber %d: %d", i, pids[i]);
		}
		if (pids[i] == 0)
			bomber(fds);
	}
	sleep(RUN_MS);
	if (kill(-1) != ERR_OK)
		error("kill(-1) found no process");
	for (int i = 0; i < BOMBERS; i++) {
		assert(wait(pids[i], &status) == pids[i]);
		if (status != -1)
			error("bomber %d exited with %d, want -1", i, status);
	}
	for (int ms = 0; ms < SETTLE_MS && live_procs() > 2; ms += 10)
		sleep(10);
	left = (long)live_procs() - 2;
	close(fds[0]);
	close(fds[1]); /* any escaped child exits now */
	return left;
}

int main(void)
{
	long escaped = 0;

	for (int i = 0; i < ROUNDS; i++)
		escaped += round_of_kills();
	if (escaped > 0)
		error("%ld processes outlived kill(-1): forked by a killed "
		      "process, or asleep with their kill lost",
		      escaped);
	pass("exhaust_killall: %d fork bombs of %d processes stopped by "
	     "kill(-1)",
	     ROUNDS, BOMBERS);
	return 0;
}
