/* 100 children alive at once (each blocked reading a pipe), counted by
 * info().live_procs; then the pipe closes, they all exit and are reaped. */
#include <lib/stddef.h>
#include <lib/test.h>

#define NCHILDREN 100

/* Return: the processes alive now. */
static size_t live_procs(void)
{
	struct sys_info si;

	assert(info(&si) == ERR_OK);
	return si.live_procs;
}

int main(void)
{
	int fds[2], pid, status, reaped = 0;
	size_t live = live_procs();
	char c;

	assert(pipe(fds) == ERR_OK);
	for (int i = 0; i < NCHILDREN; i++) {
		pid = fork();
		assert(pid >= 0);
		if (pid == 0) {
			close(fds[1]);
			exit(read(fds[0], &c, 1) == 0 ? 0 : 1);
		}
	}
	if (live_procs() != live + NCHILDREN)
		error("%zu processes alive, want %zu", live_procs(),
		      live + NCHILDREN);
	close(fds[1]);
	close(fds[0]);
	while ((pid = wait(-1, &status)) >= 0) {
		assert(status == 0);
		reaped++;
	}
	assert(pid == ERR_CHILD && reaped == NCHILDREN);
	assert(live_procs() == live);
	pass("many_procs: %d children alive at once", NCHILDREN);
	return 0;
}
