/*
 * Open files: what a file descriptor names. Each kind (console, pipe end,
 * initrd file, initrd directory) supplies its operations; a struct file is
 * shared by dup and fork and counted by refs.
 */
#ifndef KERNEL_FILE_H
#define KERNEL_FILE_H

#include "kernel/initrd.h"
#include "lib/types.h"

struct file;
struct pipe;
struct dirent;
struct stat;

struct file_ops {
	/* Move up to n bytes to/from user address ubuf: the count moved or a
	 * negative error code. NULL: the operation is not allowed. */
	int64_t (*read)(struct file *f, uintptr_t ubuf, size_t n);
	int64_t (*write)(struct file *f, uintptr_t ubuf, size_t n);
	/* The last reference is gone: release what the file holds. */
	void (*release)(struct file *f);
};

struct file {
	const struct file_ops *ops;
	int refs;
	struct pipe *pipe;	  /* pipe ends */
	struct initrd_file ifile; /* initrd files */
	size_t pos;		  /* initrd files: offset; directories: entry */
	bool is_dir;
};

/* A new file of the given kind with one reference, or NULL. */
struct file *file_alloc(const struct file_ops *ops);
/* Add a reference. */
struct file *file_dup(struct file *f);
/* Drop a reference; the last one releases the file. */
void file_close(struct file *f);

/* The console (fds 0, 1, 2 of the first process). */
struct file *console_open(void);
/* Open an initrd path: "/" or "." for the directory, else a file by name.
 * Returns a file or ERR_NOTEXIST / ERR_NOMEM (as a negative pointer-sized
 * value through *err). */
struct file *initrd_open(const char *path, int *err);
/* The directory operations: ERR_OK, ERR_END, ERR_FTYPE, ERR_FAULT. */
int file_readdir(struct file *f, uintptr_t udirent);
int file_fstat(struct file *f, uintptr_t ustat);

/* A pipe: *rd and *wr get the two ends. 0 or ERR_NOMEM. */
int pipe_open(struct file **rd, struct file **wr);

#endif
