/* spawn and exec with arguments: spawn("echo a b c") gives a pid whose
 * status is echo's argc; exec replaces a child's image and its arguments
 * arrive; a missing program fails and the caller goes on. */
#include <lib/stddef.h>
#include <lib/test.h>

/* Spawn args and return its exit status. */
static int spawn_status(const char *args)
{
	int status, pid = spawn(args);

	if (pid < 0)
		error("spawn(\"%s\") gave %d", args, pid);
	assert(pid > getpid());
	assert(wait(pid, &status) == pid);
	return status;
}

/* Fork a child that execs args. Return: the child's exit status. */
static int exec_status(const char *args)
{
	int status, err, pid = fork();

	assert(pid >= 0);
	if (pid == 0) {
		err = exec(args);
		error("exec(\"%s\") gave %d", args, err);
	}
	assert(wait(pid, &status) == pid);
	return status;
}

int main(void)
{
	assert(spawn_status("echo a b c") == 4);
	assert(spawn_status("echo") == 1);
	assert(spawn_status("echo  two   spaces ") == 3);
	assert(exec_status("echo x y") == 3);
	assert(spawn("no-such-program") == ERR_NOTEXIST);
	assert(exec("no-such-program a b") == ERR_NOTEXIST);
	assert(spawn("") == ERR_INVAL);
	pass("spawn_exec");
	return 0;
}
