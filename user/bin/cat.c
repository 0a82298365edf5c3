/* cat FILE...: copy each initrd file to the console; with no FILE, copy
 * fd 0 until its end. */
#include <lib/stdio.h>
#include <lib/string.h>
#include <lib/usyscall.h>

/* Copy fd to fd 1 until end of file. Return: ERR_OK or an error code. */
static int copy(int fd)
{
	char buf[512];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0, w; off < n; off += w)
			if ((w = write(1, buf + off, n - off)) < 0)
				return (int)w;
	}
	return (int)n;
}

int main(int argc, char **argv)
{
	int status = 0;

	if (argc == 1)
		return copy(0) < 0;
	for (int i = 1; i < argc; i++) {
		int fd = open(argv[i], FS_RDONLY, EMPTY_MODE);
		int err = fd < 0 ? fd : copy(fd);

		if (fd >= 0)
			close(fd);
		if (err < 0) {
			printf("cat: %s: %s\n", argv[i], strerror(err));
			status = 1;
		}
	}
	return status;
}
