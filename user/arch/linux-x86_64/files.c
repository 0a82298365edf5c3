/* The course's file calls over Linux's (see usyscall.c): the initramfs
 * stands in for the course's initrd, read-only from the course's side. */
#include <lib/string.h>
#include <lib/usyscall.h>

#include "linux.h"

#define DIRENT_BUF 512 /* holds at least one getdents64 record */

int open(const char *path, int flags, fmode_t mode)
{
	(void)mode;
	if (flags != FS_RDONLY)
		return ERR_INVAL;
	return (int)linux_to_course(linux_sys4(LINUX_openat, LINUX_AT_FDCWD,
					       (long)path, LINUX_O_RDONLY, 0));
}

int close(int fd)
{
	return (int)linux_to_course(linux_sys1(LINUX_close, fd));
}

/* The course refuses a count that is negative as an ssize_t. */
ssize_t read(int fd, void *buf, size_t count)
{
	if ((ssize_t)count < 0)
		return ERR_INVAL;
	return linux_to_course(linux_sys3(LINUX_read, fd, (long)buf, count));
}

ssize_t write(int fd, const void *buf, size_t count)
{
	if ((ssize_t)count < 0)
		return ERR_INVAL;
	return linux_to_course(linux_sys3(LINUX_write, fd, (long)buf, count));
}

/* Return: whether name is "." or "..", which the course's initrd lacks. */
static bool is_dot(const char *name)
{
	return strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
}

/* getdents64 hands out as many records as fit; take the first and seek to
 * the one after it, so that each call yields one entry as on the course. */
int readdir(int fd, struct dirent *dirent)
{
	char buf[DIRENT_BUF] __attribute__((aligned(8)));
	struct linux_dirent64 *d = (struct linux_dirent64 *)buf;
	long n;

	do {
		n = linux_sys3(LINUX_getdents64, fd, (long)buf, sizeof(buf));
		if (n <= 0)
			return n == 0 ? ERR_END : (int)linux_to_course(n);
		linux_sys3(LINUX_lseek, fd, d->d_off, LINUX_SEEK_SET);
	} while (is_dot(d->d_name));
	memset(dirent, 0, sizeof(*dirent));
	strncpy(dirent->name, d->d_name, FNAME_LEN - 1);
	dirent->inode_num = (int)d->d_ino;
	return ERR_OK;
}

/* Files and directories only, as on the course; the size is Linux's. */
int fstat(int fd, struct stat *stat)
{
	struct linux_stat ls;
	long r = linux_sys2(LINUX_fstat, fd, (long)&ls);
	unsigned type;

	if (r < 0)
		return (int)linux_to_course(r);
	type = ls.st_mode & LINUX_S_IFMT;
	if (type != LINUX_S_IFDIR && type != LINUX_S_IFREG)
		return ERR_INVAL;
	stat->ftype = type == LINUX_S_IFDIR ? FTYPE_DIR : FTYPE_FILE;
	stat->inode_num = (int)ls.st_ino;
	stat->size = (size_t)ls.st_size;
	return ERR_OK;
}

int dup(int fd)
{
	return (int)linux_to_course(linux_sys1(LINUX_dup, fd));
}

int pipe(int *fds)
{
	return (int)linux_to_course(linux_sys2(LINUX_pipe2, (long)fds, 0));
}
