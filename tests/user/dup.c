/* dup: the new fd is the lowest free one and shares the open pipe end; the
 * pipe sees EOF only when the original and the copy are both closed; bad
 * fds give ERR_INVAL; a child may hold NUM_FILES fds and exit with them
 * open. */
#include <lib/stddef.h>
#include <lib/test.h>

/* A pipe end and its copy are one end: data written through the copy comes
 * out, and EOF waits for both. */
static void check_shared(void)
{
	int fds[2], rcopy, wcopy;
	char buf[8];

	assert(pipe(fds) == ERR_OK);
	rcopy = dup(fds[0]);
	assert(rcopy > fds[1]);
	assert(close(fds[0]) == ERR_OK);
	wcopy = dup(fds[1]);
	assert(wcopy == fds[0]);
	assert(write(wcopy, "abc", 3) == 3);
	assert(close(wcopy) == ERR_OK);
	assert(write(fds[1], "de", 2) == 2);
	assert(close(fds[1]) == ERR_OK);
	assert(read(rcopy, buf, sizeof(buf)) == 5);
	assert(memcmp(buf, "abcde", 5) == 0);
	assert(read(rcopy, buf, sizeof(buf)) == 0);
	assert(close(rcopy) == ERR_OK);
}

/* A child fills fds up to NUM_FILES - 1 and exits without closing them;
 * the test runner checks that nothing leaked. */
static void check_many(void)
{
	int pid, status;

	pid = fork();
	assert(pid >= 0);
	if (pid == 0) {
		for (int fd = 3; fd < NUM_FILES; fd++)
			if (dup(1) != fd)
				exit(fd);
		exit(0);
	}
	assert(wait(pid, &status) == pid);
	if (status != 0)
		error("dup for fd %d failed", status);
}

int main(void)
{
	int fd;

	fd = dup(1);
	assert(fd >= 3);
	assert(close(fd) == ERR_OK);
	assert(dup(-1) == ERR_INVAL);
	assert(dup(999) == ERR_INVAL);
	assert(dup(fd) == ERR_INVAL);
	check_shared();
	check_many();
	pass("dup");
	return 0;
}
