/*
 * Pipes: a one-page ring buffer between a read end and a write end.
 * Readers sleep while it is empty and see EOF (0) once every write end is
 * closed; writers sleep while it is full and get ERR_END once every read
 * end is closed.
 *
 * User memory is copied without the pipe's spinlock, for a copy may sleep
 * (a fault). That is safe because one reader and one writer at a time own
 * their side (the busy flags, taken under the lock): only the reader
 * moves nread and reads the bytes in [nread, nwritten); only the writer
 * moves nwritten and writes the free bytes after it. Each publishes its
 * move under the lock once its copy is done.
 */
#include "kernel/file.h"
#include "kernel/proc.h"
#include "lib/abi/errcode.h"
#include "lib/spinlock.h"
#include "mm/kmalloc.h"
#include "mm/uaccess.h"

/* A page, kmalloc's largest: half as many writer/reader round trips per
 * MiB as the 2 KiB it was (a round trip is two process switches). */
#define PIPE_SIZE 4096
_Static_assert(PIPE_SIZE <= KMALLOC_MAX, "pipe buffer bigger than kmalloc");

struct pipe {
	struct spinlock lock;
	char *buf;		/* PIPE_SIZE bytes, kmalloc'd apart */
	size_t nread, nwritten; /* bytes ever read / written */
	int readers, writers;	/* open ends */
	/* A reader / a writer owns its side: SIDE_FREE, SIDE_TAKEN, or
	 * SIDE_WANTED (taken, and someone sleeps for it). */
	uint8_t reading, writing;
};

enum { SIDE_FREE, SIDE_TAKEN, SIDE_WANTED };

/* Wait until the side flag *busy is free, and take it (lock held; it may
 * be let go while sleeping). False when the process was killed. */
static bool side_take(struct pipe *p, uint8_t *busy)
{
	while (*busy != SIDE_FREE && !proc_killed()) {
		*busy = SIDE_WANTED;
		proc_sleep(busy, &p->lock);
	}
	if (*busy != SIDE_FREE)
		return false;
	*busy = SIDE_TAKEN;
	return true;
}

/* Let go of a side (lock held), waking its sleepers only if there are
 * any: a wakeup looks at every process. */
static void side_give(uint8_t *busy)
{
	bool wanted = *busy == SIDE_WANTED;

	*busy = SIDE_FREE;
	if (wanted)
		proc_wakeup(busy);
}

/* Copy up to n bytes of the ring, from nread on, into user memory, without
 * the lock (the reader owns them). Returns the count, or the copy's error
 * (ERR_FAULT, ERR_NOMEM) when not one byte went. */
static int64_t ring_take(struct pipe *p, uintptr_t ubuf, size_t n, size_t avail)
{
	size_t done = 0, from = p->nread;

	while (done < n && done < avail) {
		size_t at = (from + done) % PIPE_SIZE;
		size_t chunk = MIN(MIN(n, avail) - done, PIPE_SIZE - at);
		int err =
		    copy_to_user(proc_as(), ubuf + done, p->buf + at, chunk);

		if (err)
			return done ? (int64_t)done : err;
		done += chunk;
	}
	return (int64_t)done;
}

static int64_t pipe_read(struct file *f, uintptr_t ubuf, size_t n)
{
	struct pipe *p = f->pipe;
	int64_t got = 0;
	size_t avail;

	if (n == 0)
		return 0;
	spin_lock(&p->lock);
	if (!side_take(p, &p->reading)) {
		spin_unlock(&p->lock);
		return 0;
	}
	while (p->nread == p->nwritten && p->writers > 0 && !proc_killed())
		proc_sleep(&p->nread, &p->lock);
	avail = p->nwritten - p->nread;
	spin_unlock(&p->lock);
	if (avail)
		got = ring_take(p, ubuf, n, avail);
	spin_lock(&p->lock);
	if (got > 0)
		p->nread += (size_t)got;
	side_give(&p->reading);
	proc_wakeup(&p->nwritten);
	spin_unlock(&p->lock);
	return got;
}

/* Copy up to room bytes from user memory into the free part of the ring
 * after nwritten, without the lock (the writer owns it). Returns the count,
 * or the copy's error (ERR_FAULT, ERR_NOMEM) when not one byte went. */
static int64_t ring_put(struct pipe *p, uintptr_t ubuf, size_t room)
{
	size_t done = 0;

	while (done < room) {
		size_t at = (p->nwritten + done) % PIPE_SIZE;
		size_t chunk = MIN(room - done, PIPE_SIZE - at);
		int err =
		    copy_from_user(proc_as(), p->buf + at, ubuf + done, chunk);

		if (err)
			return done ? (int64_t)done : err;
		done += chunk;
	}
	return (int64_t)done;
}

/* Wait for room in the ring (lock held): the free bytes, or 0 when no
 * reader is left or the process was killed. */
static size_t wait_room(struct pipe *p)
{
	while (p->readers > 0 && !proc_killed() &&
	       p->nwritten - p->nread == PIPE_SIZE) {
		proc_wakeup(&p->nread);
		proc_sleep(&p->nwritten, &p->lock);
	}
	if (p->readers == 0 || proc_killed())
		return 0;
	return PIPE_SIZE - (p->nwritten - p->nread);
}

static int64_t pipe_write(struct file *f, uintptr_t ubuf, size_t n)
{
	struct pipe *p = f->pipe;
	size_t done = 0;
	int64_t err = 0;

	spin_lock(&p->lock);
	if (!side_take(p, &p->writing)) {
		spin_unlock(&p->lock);
		return ERR_END;
	}
	while (done < n && !err) {
		size_t room = MIN(wait_room(p), n - done);
		int64_t put;

		if (!room) {
			err = ERR_END;
			break;
		}
		spin_unlock(&p->lock);
		put = ring_put(p, ubuf + done, room);
		spin_lock(&p->lock);
		if (put < 0)
			err = put;
		else
			p->nwritten += (size_t)put, done += (size_t)put;
		if (put >= 0 && (size_t)put < room)
			err = ERR_FAULT;
		proc_wakeup(&p->nread);
	}
	side_give(&p->writing);
	spin_unlock(&p->lock);
	return done ? (int64_t)done : err;
}

/* Close one end; the pipe goes when both are closed. */
static void pipe_release(struct file *f, bool reader)
{
	struct pipe *p = f->pipe;
	bool last;

	spin_lock(&p->lock);
	if (reader)
		p->readers--;
	else
		p->writers--;
	proc_wakeup(&p->nread);
	proc_wakeup(&p->nwritten);
	last = p->readers == 0 && p->writers == 0;
	spin_unlock(&p->lock);
	if (last) {
		kfree(p->buf);
		kfree(p);
	}
}

static void pipe_release_read(struct file *f)
{
	pipe_release(f, true);
}

static void pipe_release_write(struct file *f)
{
	pipe_release(f, false);
}

static const struct file_ops pipe_read_ops = {
    .read = pipe_read,
    .release = pipe_release_read,
};

static const struct file_ops pipe_write_ops = {
    .write = pipe_write,
    .release = pipe_release_write,
};

int pipe_open(struct file **rd, struct file **wr)
{
	struct pipe *p = kmalloc(sizeof(*p));
	char *buf = kmalloc(PIPE_SIZE);

	*rd = file_alloc(&pipe_read_ops);
	*wr = file_alloc(&pipe_write_ops);
	if (!p || !buf || !*rd || !*wr) {
		kfree(buf);
		kfree(p);
		kfree(*rd);
		kfree(*wr);
		return ERR_NOMEM;
	}
	spin_init(&p->lock, "pipe");
	p->buf = buf;
	p->readers = p->writers = 1;
	(*rd)->pipe = (*wr)->pipe = p;
	return 0;
}
