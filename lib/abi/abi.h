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

/* kmalloc's size classes in struct sys_info: class c below the last holds
 * kernel objects of up to 16 << c bytes (16 .. 2048), the last whole pages
 * (2049 .. 4096 bytes). */
#define SYS_INFO_KMALLOC_CLASSES 9

/* System-wide counters, filled by info(). Later fields may be added; these
 * keep their order. Every field is a size_t (or an array of them). */
struct sys_info {
	__SIZE_TYPE__ num_pgfault;  /* page faults taken from user mode */
	__SIZE_TYPE__ num_zerofill; /* pages filled with zeros on first touch */
	__SIZE_TYPE__ num_cow_copy; /* copy-on-write faults that copied */
	__SIZE_TYPE__ num_cow_reuse; /* copy-on-write faults that reused */
	__SIZE_TYPE__ num_kill;	     /* processes killed for a fault */
	__SIZE_TYPE__ free_pages;    /* physical pages free now */
	__SIZE_TYPE__ total_pages;   /* physical pages the allocator manages */
	__SIZE_TYPE__ live_procs;    /* processes that have not exited */
	__SIZE_TYPE__ uptime_ms;     /* since boot, in timer ticks (10 ms) */
	__SIZE_TYPE__ clock_hz;	     /* ticks per second of lib/clock.h */
	__SIZE_TYPE__ fork_eager; /* 1: fork copies every page (FORK=eager) */
	/* The kernel's kmalloc objects in use now, per size class (above):
	 * what a test leaves here after it and its children exited, leaked. */
	__SIZE_TYPE__ kmalloc_objects[SYS_INFO_KMALLOC_CLASSES];
	__SIZE_TYPE__ num_injected; /* failures injected (failinject=) */
	/* 1: failures are injected (the kernel's failinject= switch): a call
	 * may give ERR_NOMEM, and a fault kill, with memory to spare. */
	__SIZE_TYPE__ failinject;
};

/* The picture vmmap() gives of an address space: for each memregion, in
 * address order, one struct vmmap_region and right after it its npages
 * struct vmmap_page records, one per page from start on:
 *
 *   | region | page | page | ... | region | page | ... |
 *
 * so that (struct vmmap_page *)(region + 1) are its pages and the next
 * region follows the last of them. Both records are multiples of 8 bytes. */
struct vmmap_region {
	__UINTPTR_TYPE__ start; /* page-aligned */
	__UINTPTR_TYPE__ end;	/* exclusive (the heap's: the break) */
	__SIZE_TYPE__ npages;	/* (end rounded up to a page - start) / 4096 */
	unsigned int perm;	/* VMMAP_R | VMMAP_W | VMMAP_X */
	unsigned int kind;	/* VMMAP_TEXT ... VMMAP_STACK */
};

#define VMMAP_R 0x1
#define VMMAP_W 0x2
#define VMMAP_X 0x4

/* What a region is for (struct vmmap_region.kind). */
#define VMMAP_TEXT 1   /* executable: the program's code */
#define VMMAP_RODATA 2 /* read-only data */
#define VMMAP_DATA 3   /* data and bss */
#define VMMAP_HEAP 4   /* moved by sbrk */
#define VMMAP_STACK 5  /* the stack, below USTACK_UPPERBOUND */

/* The state of one page: the letter pmap prints for it. A COW page is
 * present but read-only until a write copies it (or reuses it). */
#define VMMAP_ABSENT '.'   /* not present: the first touch fills it */
#define VMMAP_READONLY 'r' /* present, read-only (text, rodata) */
#define VMMAP_WRITABLE 'w' /* present and writable: this process's own */
#define VMMAP_COW 'c'	   /* present, shared copy-on-write */

struct vmmap_page {
	unsigned char state;	 /* VMMAP_ABSENT ... VMMAP_COW */
	unsigned char reserved;	 /* 0 */
	unsigned short refcount; /* the frame's reference count: how many page
				  * tables map it (65535: that or more); 0 if
				  * absent */
	unsigned int frame;	 /* the frame: physical address / 4096; 0 if
				  * absent */
};

#endif
