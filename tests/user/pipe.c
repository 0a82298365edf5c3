/* Pipes: a read blocks until a forked writer writes; EOF once every write
 * end is closed; 1 MiB from a child with a checksum; a write with no reader
 * left gives ERR_END. */
#include <lib/stddef.h>
#include <lib/test.h>

#define BIG_SIZE (1024 * 1024)
#define CHUNK 1000

/* Return: byte i of the big stream. */
static unsigned char big_byte(size_t i)
{
	return (unsigned char)(i * 7 + (i >> 10));
}

/* Return: the checksum of n bytes folded into sum. */
static uint32_t checksum(uint32_t sum, const unsigned char *p, size_t n)
{
	while (n-- > 0)
		sum = sum * 31 + *p++;
	return sum;
}

/* A child sleeps, then writes; the parent's read waits for it. Then the
 * child exits and the read sees EOF. */
static void check_blocking(void)
{
	int fds[2], pid, status;
	char buf[8];

	assert(pipe(fds) == ERR_OK);
	pid = fork();
	assert(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		sleep(100);
		exit(write(fds[1], "late", 4) != 4);
	}
	close(fds[1]);
	assert(read(fds[0], buf, sizeof(buf)) == 4);
	assert(memcmp(buf, "late", 4) == 0);
	assert(read(fds[0], buf, sizeof(buf)) == 0);
	assert(wait(pid, &status) == pid && status == 0);
	close(fds[0]);
}

/* The child writes BIG_SIZE bytes in odd-sized chunks. */
static void write_big(int fd)
{
	unsigned char buf[CHUNK];

	for (size_t off = 0; off < BIG_SIZE; off += CHUNK) {
		size_t n = BIG_SIZE - off < CHUNK ? BIG_SIZE - off : CHUNK;

		for (size_t i = 0; i < n; i++)
			buf[i] = big_byte(off + i);
		if (write(fd, buf, n) != (ssize_t)n)
			exit(1);
	}
	exit(0);
}

/* 1 MiB through a pipe, read in other chunk sizes, checksummed. */
static void check_big(void)
{
	int fds[2], pid, status;
	unsigned char buf[777], want[777];
	uint32_t sum = 0, want_sum = 0;
	size_t total = 0;
	ssize_t n;

	assert(pipe(fds) == ERR_OK);
	pid = fork();
	assert(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		write_big(fds[1]);
	}
	close(fds[1]);
	while ((n = read(fds[0], buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++)
			want[i] = big_byte(total + i);
		sum = checksum(sum, buf, n);
		want_sum = checksum(want_sum, want, n);
		total += n;
	}
	assert(n == 0);
	if (total != BIG_SIZE || sum != want_sum)
		error("read %zu bytes, checksum %x, want %d bytes, %x", total,
		      sum, BIG_SIZE, want_sum);
	assert(wait(pid, &status) == pid && status == 0);
	close(fds[0]);
}

/* Writing once the only read end is closed gives ERR_END. */
static void check_no_reader(void)
{
	int fds[2];

	assert(pipe(fds) == ERR_OK);
	assert(write(fds[1], "x", 1) == 1);
	assert(close(fds[0]) == ERR_OK);
	assert(write(fds[1], "x", 1) == ERR_END);
	assert(close(fds[1]) == ERR_OK);
}

int main(void)
{
	int fds[2];

	assert(pipe(fds) == ERR_OK);
	assert(fds[0] >= 0 && fds[1] >= 0 && fds[0] != fds[1]);
	close(fds[0]);
	close(fds[1]);
	check_blocking();
	check_big();
	check_no_reader();
	pass("pipe: blocking, EOF, %d bytes checksummed, ERR_END", BIG_SIZE);
	return 0;
}
