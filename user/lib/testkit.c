/* Helpers shared by the project's own tests (lib/testkit.h). */
#include <lib/test.h>
#include <lib/testkit.h>

ssize_t pipe_await(int fd)
{
	char c;

	return read(fd, &c, 1);
}

ssize_t read_small_file(const char *name, char *buf, size_t size)
{
	int fd = open(name, FS_RDONLY, EMPTY_MODE);
	ssize_t n;

	buf[0] = '\0';
	if (fd < 0)
		return fd;
	n = read(fd, buf, size - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return n;
}

bool fork_is_eager(void)
{
	struct sys_info si;

	assert(info(&si) == ERR_OK);
	return si.fork_eager != 0;
}

int spawnf(const char *fmt, ...)
{
	char args[128];
	va_list ap;
	int pid;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	pid = spawn(args);
	if (pid < 0)
		error("spawn(\"%s\"): %d", args, pid);
	return pid;
}

void pipe_notify(int fd)
{
	assert(write(fd, "x", 1) == 1);
}

/* Not inlined, so the array really lies below the caller's frame. */
__attribute__((noinline)) void stack_prefault(size_t bytes)
{
	volatile char *pad = __builtin_alloca(bytes);

	for (size_t i = 0; i < bytes; i += 256)
		pad[i] = 0;
}
