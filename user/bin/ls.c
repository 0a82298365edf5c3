/* ls [DIR]: list a directory of the initrd ("." by default), one entry a
 * line with its size. */
#include <lib/stdio.h>
#include <lib/string.h>
#include <lib/usyscall.h>

/* Print one entry: its name, and its size when it can be opened. */
static void list_entry(const struct dirent *d)
{
	char name[FNAME_LEN + 1] = {0};
	struct stat st;
	int fd;

	memcpy(name, d->name, FNAME_LEN);
	fd = open(name, FS_RDONLY, EMPTY_MODE);
	if (fd >= 0 && fstat(fd, &st) == ERR_OK)
		printf("%-28s %c %8zu\n", name,
		       st.ftype == FTYPE_DIR ? 'd' : '-', st.size);
	else
		printf("%s\n", name);
	if (fd >= 0)
		close(fd);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : ".";
	struct dirent d;
	int fd, err;

	fd = open(dir, FS_RDONLY, EMPTY_MODE);
	if (fd < 0) {
		printf("ls: %s: %s\n", dir, strerror(fd));
		return 1;
	}
	while ((err = readdir(fd, &d)) == ERR_OK)
		list_entry(&d);
	close(fd);
	if (err != ERR_END) {
		printf("ls: %s: %s\n", dir, strerror(err));
		return 1;
	}
	return 0;
}
