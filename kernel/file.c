/* Open files: the shared bookkeeping, the console, and the initrd. */
#include "kernel/file.h"
#include "lib/kprintf.h"

#include <arch/arch.h>

#include "kernel/proc.h"
#include "lib/abi/abi.h"
#include "lib/abi/errcode.h"
#include "lib/sleeplock.h"
#include "lib/spinlock.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/uaccess.h"

struct file *file_alloc(const struct file_ops *ops)
{
	struct file *f = kmalloc(sizeof(*f));

	if (f) {
		f->ops = ops;
		f->refs = 1;
	}
	return f;
}

struct file *file_dup(struct file *f)
{
	__atomic_fetch_add(&f->refs, 1, __ATOMIC_RELAXED);
	return f;
}

void file_close(struct file *f)
{
	if (__atomic_sub_fetch(&f->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	if (f->ops->release)
		f->ops->release(f);
	kfree(f);
}

/* ---- The console: line input with echo and backspace ----------------------
 */

#define LINE_MAX 256

/* One reader at a time owns the line (busy), so a line typed for one
 * process is never split with another halfway through. */
static struct {
	struct spinlock lock;
	bool busy;
	char buf[LINE_MAX];
	size_t len, pos; /* a finished line: bytes [pos, len) not yet read */
} line = {.lock = SPINLOCK_INIT("console line")};

/* Read one key, sleeping a tick at a time while none is waiting; a killed
 * process gets an end of line. */
static char console_key(void)
{
	int c;
	while ((c = arch_console_getc()) < 0) {
		if (proc_killed())
			return '\n';
		proc_sleep_ms(10);
	}
	return c == '\r' ? '\n' : (char)c;
}

/* Fill line.buf with the next line typed, echoing it. */
static void console_read_line(void)
{
	line.len = line.pos = 0;
	for (;;) {
		char c = console_key();
		if (c == '\b' || c == 0x7f) {
			if (line.len > 0) {
				line.len--;
				console_write("\b \b", 3);
			}
			continue;
		}
		if (c != '\n' && (c < ' ' || line.len == LINE_MAX - 1))
			continue;
		line.buf[line.len++] = c;
		console_write(&c, 1);
		if (c == '\n')
			return;
	}
}

/* Take ownership of the line, waiting for the reader before us; false
 * when the process was killed while it waited. */
static bool line_claim(void)
{
	bool got;

	spin_lock(&line.lock);
	while (line.busy && !proc_killed())
		proc_sleep(&line.busy, &line.lock);
	got = !line.busy;
	if (got)
		line.busy = true;
	spin_unlock(&line.lock);
	return got;
}

/* Give the line to the next reader. */
static void line_release(void)
{
	spin_lock(&line.lock);
	line.busy = false;
	proc_wakeup(&line.busy);
	spin_unlock(&line.lock);
}

static int64_t console_read(struct file *f, uintptr_t ubuf, size_t n)
{
	int64_t got;
	size_t take;

	(void)f;
	if (!line_claim())
		return ERR_END;
	if (line.pos == line.len)
		console_read_line();
	take = MIN(n, line.len - line.pos);
	got = copy_to_user(proc_as(), ubuf, line.buf + line.pos, take);
	if (got == 0) {
		line.pos += take;
		got = (int64_t)take;
	}
	line_release();
	return got;
}

static int64_t console_write_user(struct file *f, uintptr_t ubuf, size_t n)
{
	char chunk[128];

	(void)f;
	for (size_t done = 0; done < n;) {
		size_t c = MIN(n - done, sizeof(chunk));
		int err = copy_from_user(proc_as(), chunk, ubuf + done, c);

		if (err)
			return done ? (int64_t)done : err;
		console_write(chunk, c);
		done += c;
	}
	return (int64_t)n;
}

static const struct file_ops console_ops = {
    .read = console_read,
    .write = console_write_user,
};

struct file *console_open(void)
{
	return file_alloc(&console_ops);
}

/* ---- The initrd: read-only files and one directory ------------------------
 */

/* Guards the position of every initrd file: processes sharing one (dup,
 * fork) may read it on two CPUs at once. A sleep lock: the copy out under
 * it may fault, and a fault may sleep. */
static struct sleeplock initrd_pos_lock = {.guard = SPINLOCK_INIT("initrd pos"),
					   .name = "initrd pos"};

/* Bytes an initrd read moves per step, through a buffer on the stack:
 * initrd_read fills kernel memory, copy_to_user empties it. */
#define INITRD_CHUNK 512

/* Copy n bytes at offset pos of file f to user address ubuf. Returns 0,
 * or the copy's error (ERR_FAULT: part of ubuf is bad; ERR_NOMEM). */
static int initrd_copy_out(const struct initrd_file *f, size_t pos,
			   uintptr_t ubuf, size_t n)
{
	char buf[INITRD_CHUNK];
	int err = 0;

	for (size_t done = 0; done < n && !err; done += INITRD_CHUNK) {
		size_t part = MIN(n - done, (size_t)INITRD_CHUNK);
		initrd_read(f, pos + done, buf, part);
		err = copy_to_user(proc_as(), ubuf + done, buf, part);
	}
	return err;
}

static int64_t initrd_file_read(struct file *f, uintptr_t ubuf, size_t n)
{
	int64_t got;
	size_t take;

	if (f->is_dir)
		return ERR_INVAL; /* not open for reading: readdir it */
	sleeplock_lock(&initrd_pos_lock);
	take = MIN(n, f->ifile.size - f->pos);
	got = initrd_copy_out(&f->ifile, f->pos, ubuf, take);
	if (got == 0) {
		f->pos += take;
		got = (int64_t)take;
	}
	sleeplock_unlock(&initrd_pos_lock);
	return got;
}

static const struct file_ops initrd_ops = {
    .read = initrd_file_read,
};

/* Is path the initrd's one directory? */
static bool is_root(const char *path)
{
	return !strcmp(path, "/") || !strcmp(path, ".");
}

struct file *initrd_open(const char *path, int *err)
{
	struct initrd_file ifile;
	bool dir = is_root(path);
	struct file *f;

	if (!dir && !initrd_find(path, &ifile)) {
		*err = ERR_NOTEXIST;
		return NULL;
	}
	f = file_alloc(&initrd_ops);
	if (!f) {
		*err = ERR_NOMEM;
		return NULL;
	}
	f->is_dir = dir;
	if (!dir)
		f->ifile = ifile;
	return f;
}

int file_readdir(struct file *f, uintptr_t udirent)
{
	struct dirent d;
	struct initrd_file ifile;
	int err = ERR_END;

	if (f->ops != &initrd_ops || !f->is_dir)
		return ERR_FTYPE;
	sleeplock_lock(&initrd_pos_lock);
	if (initrd_entry((int)f->pos, &ifile)) {
		memset(&d, 0, sizeof(d));
		strlcpy(d.name, ifile.name, sizeof(d.name));
		d.inode_num = ifile.index + 1;
		err = copy_to_user(proc_as(), udirent, &d, sizeof(d));
		if (err == ERR_OK)
			f->pos++;
	}
	sleeplock_unlock(&initrd_pos_lock);
	return err;
}

int file_fstat(struct file *f, uintptr_t ustat)
{
	struct stat st;
	struct initrd_file ifile;

	if (f->ops != &initrd_ops)
		return ERR_INVAL;
	memset(&st, 0, sizeof(st));
	if (f->is_dir) {
		st.ftype = FTYPE_DIR;
		while (initrd_entry((int)st.size, &ifile))
			st.size++;
	} else {
		st.ftype = FTYPE_FILE;
		st.inode_num = f->ifile.index + 1;
		st.size = f->ifile.size;
	}
	return copy_to_user(proc_as(), ustat, &st, sizeof(st));
}
