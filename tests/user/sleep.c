/* sleep returns ERR_OK, and a sleeping child lets its parent run: the parent
 * writes to a pipe before the child wakes up and writes after it. */
#include <lib/stddef.h>
#include <lib/test.h>

int main(void)
{
	int fds[2], pid, status;
	char buf[2];

	assert(sleep(0) == ERR_OK);
	assert(sleep(100) == ERR_OK);
	assert(pipe(fds) == ERR_OK);
	pid = fork();
	assert(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		sleep(300);
		exit(write(fds[1], "c", 1) != 1);
	}
	assert(write(fds[1], "p", 1) == 1);
	close(fds[1]);
	assert(read(fds[0], buf, 1) == 1 && read(fds[0], buf + 1, 1) == 1);
	if (buf[0] != 'p' || buf[1] != 'c')
		error("order '%c%c', want 'pc'", buf[0], buf[1]);
	assert(wait(pid, &status) == pid && status == 0);
	close(fds[0]);
	pass("sleep");
	return 0;
}
