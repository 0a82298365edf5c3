/*
 * The data that crosses the system-call boundary: shared word for word by
 * the user headers (lib/usyscall.h) and the kernel, so both sides always
 * agree. Self-contained: it needs no other header.
 */
#ifndef LIB_ABI_H
#define LIB_ABI_H

/* File types, in struct stat. */
#define FTYPE_DIR 1
#define FTYPE_FILE 2
#define FTYPE_DEV 3

struct stat {
	int ftype;
	int inode_num;
	__SIZE_TYPE__ size; /* size_t */
};

#define FNAME_LEN 28
struct dirent {
	char name[FNAME_LEN];
	int inode_num;
};

/* Descriptors a process can always have open at once. */
#define NUM_FILES 128

/* Flags for open; the initrd is read-only, so only FS_RDONLY succeeds. */
#define FS_RDONLY 0x000
#define FS_WRONLY 0x001
#define FS_RDWR 0x002
#define FS_CREAT 0x100
#define EMPTY_MODE 0

/* System-wide counters, filled by info(). Later fields may be added; these
 * keep their order. Every field is a size_t. */
struct sys_info {
	__SIZE_TYPE__ num_pgfault;   /* page faults taken from user mode */
	__SIZE_TYPE__ num_zerofill;  /* pages filled with zeros on first touch */
	__SIZE_TYPE__ num_cow_copy;  /* copy-on-write faults that copied */
	__SIZE_TYPE__ num_cow_reuse; /* copy-on-write faults that reused */
	__SIZE_TYPE__ num_kill;      /* processes killed for a fault */
	__SIZE_TYPE__ free_pages;    /* physical pages free now */
	__SIZE_TYPE__ total_pages;   /* physical pages the allocator manages */
	__SIZE_TYPE__ live_procs;    /* processes that have not exited */
	__SIZE_TYPE__ uptime_ms;     /* since boot, in timer ticks (10 ms) */
	__SIZE_TYPE__ clock_hz;      /* ticks per second of lib/clock.h */
};

#endif
