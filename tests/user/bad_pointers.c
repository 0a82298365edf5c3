/* Every pointer-taking syscall refuses NULL, a kernel address, an unmapped
 * address and a range running off the top of the stack with ERR_FAULT (and
 * read-only memory where the kernel must write); bad fds and negative counts
 * give ERR_INVAL. The process lives on, and nothing leaks. */
#include <lib/stddef.h>
#include <lib/test.h>

#define UNMAPPED 0x10000000ul

int main(void);

static const int rodata_word = 42;

/* Addresses no syscall may read or write through, for sizes of 4 bytes or
 * more; all but the last are bad for strings too (the last ends below the
 * stack top, where a NUL may well be). */
static void *const bad[] = {
    NULL,
    (void *)KMAP_BASE,
    (void *)UNMAPPED,
    (void *)(USTACK_UPPERBOUND - 2),
};
#define NBAD (sizeof(bad) / sizeof(bad[0]))
#define NBAD_STRINGS (NBAD - 1)

/* Readable addresses the kernel must not write to: text and rodata. */
static void *const readonly[] = {(void *)main, (void *)&rodata_word};
#define NREADONLY (sizeof(readonly) / sizeof(readonly[0]))

/* Return: the lowest free fd now (to show a failed call took none). */
static int lowest_free_fd(void)
{
	int fd = dup(1);

	assert(fd >= 0);
	close(fd);
	return fd;
}

/* read, write, pipe, info with each bad pointer; read, pipe and info also
 * with read-only ones. A pipe with data in it keeps read from blocking. */
static void check_buffers(void)
{
	int fds[2], lowest = lowest_free_fd();
	struct sys_info si;

	assert(pipe(fds) == ERR_OK);
	assert(write(fds[1], "12345678", 8) == 8);
	for (size_t i = 0; i < NBAD; i++) {
		assert(read(fds[0], bad[i], 8) == ERR_FAULT);
		assert(write(fds[1], bad[i], 8) == ERR_FAULT);
		assert(pipe(bad[i]) == ERR_FAULT);
		assert(info(bad[i]) == ERR_FAULT);
	}
	for (size_t i = 0; i < NREADONLY; i++) {
		assert(read(fds[0], readonly[i], 4) == ERR_FAULT);
		assert(pipe(readonly[i]) == ERR_FAULT);
		assert(info(readonly[i]) == ERR_FAULT);
	}
	assert(info(&si) == ERR_OK && si.free_pages <= si.total_pages);
	close(fds[0]);
	close(fds[1]);
	assert(lowest_free_fd() == lowest);
}

/* spawn, exec and open with bad strings, and with one that runs off the
 * top of the stack (over argv's strings, which are no longer needed); wait
 * with a bad status leaves the child to be reaped later. */
static void check_strings_and_wait(void)
{
	char *top = (char *)USTACK_UPPERBOUND - 8;
	int pid, status;

	for (size_t i = 0; i < NBAD_STRINGS; i++) {
		assert(spawn(bad[i]) == ERR_FAULT);
		assert(exec(bad[i]) == ERR_FAULT);
		assert(open(bad[i], FS_RDONLY, EMPTY_MODE) == ERR_FAULT);
	}
	memset(top, 'x', 8);
	assert(spawn(top) == ERR_FAULT);
	assert(exec(top) == ERR_FAULT);
	assert(open(top, FS_RDONLY, EMPTY_MODE) == ERR_FAULT);
	pid = fork();
	assert(pid >= 0);
	if (pid == 0)
		exit(3);
	for (size_t i = 1; i < NBAD; i++)
		assert(wait(pid, bad[i]) == ERR_FAULT);
	assert(wait(pid, readonly[1]) == ERR_FAULT);
	assert(wait(pid, &status) == pid && status == 3);
}

/* fstat and readdir with bad pointers, on an open file and directory. */
static void check_file_calls(void)
{
	int file = open("TESTS", FS_RDONLY, EMPTY_MODE);
	int dir = open(".", FS_RDONLY, EMPTY_MODE);

	assert(file >= 0 && dir >= 0);
	for (size_t i = 0; i < NBAD; i++) {
		assert(fstat(file, bad[i]) == ERR_FAULT);
		assert(readdir(dir, bad[i]) == ERR_FAULT);
	}
	assert(fstat(file, readonly[1]) == ERR_FAULT);
	assert(readdir(dir, readonly[1]) == ERR_FAULT);
	close(file);
	close(dir);
}

/* Bad fds: negative, huge, closed, or the wrong end of a pipe. Negative
 * counts. */
static void check_fds(void)
{
	int bad_fd[] = {-1, 999, lowest_free_fd()};
	int fds[2];
	char buf[4] = "abc";
	struct stat st;
	struct dirent d;

	for (size_t i = 0; i < sizeof(bad_fd) / sizeof(bad_fd[0]); i++) {
		assert(read(bad_fd[i], buf, 1) == ERR_INVAL);
		assert(write(bad_fd[i], buf, 1) == ERR_INVAL);
		assert(close(bad_fd[i]) == ERR_INVAL);
		assert(fstat(bad_fd[i], &st) == ERR_INVAL);
		assert(readdir(bad_fd[i], &d) == ERR_INVAL);
	}
	assert(pipe(fds) == ERR_OK);
	assert(read(fds[1], buf, 1) == ERR_INVAL);
	assert(write(fds[0], buf, 1) == ERR_INVAL);
	assert(read(fds[0], buf, (size_t)-1) == ERR_INVAL);
	assert(write(fds[1], buf, (size_t)-5) == ERR_INVAL);
	close(fds[0]);
	close(fds[1]);
}

int main(void)
{
	check_buffers();
	check_strings_and_wait();
	check_file_calls();
	check_fds();
	pass("bad_pointers");
	return 0;
}
