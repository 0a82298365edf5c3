/* The system calls, as the course's programs know them. Every call returns
 * the codes listed with it; the kernel returns exactly those. A pointer that
 * is NULL, in the kernel half, unmapped, or read-only where the kernel must
 * write, always gives ERR_FAULT; the caller lives on. A good buffer whose
 * page (never touched, or shared copy-on-write) finds no frame gives
 * ERR_NOMEM. The structures and flags passed are in lib/abi.h, shared with
 * the kernel. Stubs: user/arch/. */
#ifndef LIB_USYSCALL_H
#define LIB_USYSCALL_H

#include <lib/abi.h>
#include <lib/arch.h>
#include <lib/errcode.h>
#include <lib/stddef.h>

/*
 * Create a child process, a copy of the caller with the same open files.
 * Return: the child's pid in the parent (above the parent's: pids only
 * increase), 0 in the child; ERR_NOMEM - out of memory.
 */
int fork(void);
/*
 * Start the program named by the first word of args ("prog arg1 arg2 ...",
 * words separated by spaces) in a new child process, with those words as its
 * argv. The child inherits the caller's open files.
 * Return: the child's pid; ERR_FAULT - args is a bad pointer;
 * ERR_NOTEXIST - no such program; ERR_INVAL - args holds no word, or more
 * than fits in one page, or the file is not a valid static ELF for this
 * machine; ERR_NOMEM - out of memory. Nothing is leaked on failure.
 */
int spawn(const char *args);
/*
 * Replace the caller's program with the one args names, as spawn does; open
 * files stay open. Returns only on failure, with the caller's image intact.
 * Return: ERR_FAULT, ERR_NOTEXIST, ERR_INVAL, ERR_NOMEM as for spawn.
 */
int exec(const char *args);
/*
 * Wait for the child pid (-1: any child) to exit and reap it; store its exit
 * status (the whole int; -1 if it was killed) in *status unless status is
 * NULL. Return: the child's pid; ERR_CHILD - no such child of the caller (or
 * no child at all for -1); ERR_FAULT - status is a bad pointer, ERR_NOMEM -
 * out of memory for its page (either way the child is left unreaped).
 */
int wait(int pid, int *status);
/*
 * End the calling process with the given status: its files are closed, its
 * memory freed, its children handed to init, and its parent's wait returns.
 */
void exit(int status) __attribute__((noreturn));
/* Return: the caller's pid. */
int getpid(void);
/*
 * Sleep for at least ms milliseconds (to the next timer tick or more);
 * other processes run meanwhile. Return: ERR_OK.
 */
int sleep(unsigned int ms);
/*
 * Open the initrd file or directory at path ("name", "/name", "." or "/").
 * mode is ignored. The new fd is the lowest free one.
 * Return: the fd; ERR_FAULT - path is a bad pointer; ERR_NOTEXIST - no such
 * file; ERR_INVAL - flags is not FS_RDONLY; ERR_NOMEM - out of memory.
 */
int open(const char *path, int flags, fmode_t mode);
/* Close fd. Return: ERR_OK; ERR_INVAL - fd is not open. */
int close(int fd);
/*
 * Read up to count bytes from fd into buf. The console returns one line at
 * most; a pipe blocks while empty and has writers.
 * Return: bytes read, 0 at end of file or of a pipe whose writers are all
 * closed; ERR_FAULT - buf is bad; ERR_INVAL - fd is not open for reading, or
 * count is negative as an ssize_t; ERR_NOMEM - out of memory for buf's first
 * page (nothing is read).
 */
ssize_t read(int fd, void *buf, size_t count);
/*
 * Write count bytes from buf to fd; a pipe blocks while full.
 * Return: bytes written; ERR_FAULT - buf is bad; ERR_INVAL - fd is not open
 * for writing, or count is negative as an ssize_t; ERR_END - fd is a pipe
 * whose read end is closed everywhere; ERR_NOMEM - out of memory for buf's
 * first page (nothing is written).
 */
ssize_t write(int fd, const void *buf, size_t count);
/*
 * Fill *dirent with the next entry of the directory fd.
 * Return: ERR_OK; ERR_END - no more entries; ERR_FAULT - dirent is bad;
 * ERR_INVAL - fd is not open; ERR_FTYPE - fd is not a directory; ERR_NOMEM -
 * out of memory for dirent's page.
 */
int readdir(int fd, struct dirent *dirent);
/*
 * Fill *stat with the type, inode number and size of the file fd.
 * Return: ERR_OK; ERR_FAULT - stat is bad; ERR_INVAL - fd is not open or is
 * not an initrd file or directory (the console, a pipe); ERR_NOMEM - out of
 * memory for stat's page.
 */
int fstat(int fd, struct stat *stat);
/*
 * Move the end of the heap (the break) by increment bytes; sbrk(0) asks for
 * it. Growing allocates nothing: heap pages appear, zeroed, on first touch.
 * Shrinking frees the whole pages above the new break; touching them kills.
 * A shrink below the heap's start does nothing and returns the current break.
 * Return: the previous break; (void *)ERR_NOMEM - the heap would reach the
 * stack, leave user space or exceed the machine's memory (nothing changes).
 */
void *sbrk(ssize_t increment);
/* Print the caller's memregions on the console. */
void meminfo(void);
/*
 * Make a new fd, the lowest free one, for the open file of fd; both share
 * one file (and its position, or pipe end).
 * Return: the new fd; ERR_INVAL - fd is not open; ERR_NOMEM - out of memory.
 */
int dup(int fd);
/*
 * Make a pipe: fds[0] its read end, fds[1] its write end, the two lowest
 * free fds. Return: ERR_OK; ERR_FAULT - fds is bad; ERR_NOMEM - out of memory.
 */
int pipe(int *fds);
/* Fill *info with the system's counters. Return: ERR_OK; ERR_FAULT;
 * ERR_NOMEM - out of memory for info's page. */
int info(struct sys_info *info);
/* Power the machine off (QEMU exits with status 0). */
void halt(void);
/*
 * Not in the course's API (init's test runner uses it): kill process pid, or
 * with pid -1 every process but init and the caller. Each exits with status
 * -1 when it next leaves the kernel. Return: ERR_OK; ERR_NOTEXIST - no such
 * process.
 */
int kill(int pid);

/*
 * Not in the course's API (pmap uses it): a page-level picture of the
 * address space of process pid (the caller's own pid included), written to
 * buf as lib/abi.h lays it out: for each memregion a struct vmmap_region,
 * then one struct vmmap_page per page. Looking changes nothing in pid: no
 * page is faulted in, no counter moves. Only the caller's own buffer is
 * made present (and private) first, as any write to it would, so a picture
 * of the caller shows the buffer as it is afterwards. A process running on
 * another CPU meanwhile may change as it is looked at: each page is read
 * once, at some moment during the call.
 * Return: the size in bytes of the whole picture, written to buf when it
 * fits in len; when the result is larger than len, buf holds nothing
 * usable (len 0 asks only the size; call again with a buffer that large, in
 * a loop, since pid may grow meanwhile); ERR_NOTEXIST - no process pid, or
 * it has exited (a zombie has no memory); ERR_FAULT - the picture fits in
 * len, but the bytes it needs at buf are not all writable memory of the
 * caller; ERR_NOMEM - out of memory for a page of buf.
 */
ssize_t vmmap(int pid, void *buf, size_t len);

#endif
