/*
 * Pipes: a one-page ring buffer between a read end and a write end.
 * Readers sleep while it is empty and see EOF (0) once every write end is
 * closed; writers sleep while it is full and get ERR_END once every read
 * end is closed.
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
};

/* Copy up to n bytes out of the ring into user memory (lock held);
 * returns the count or ERR_FAULT. */
static int64_t ring_take(struct pipe *p, uintptr_t ubuf, size_t n)
{
	size_t done = 0;

	while (done < n && p->nread < p->nwritten) {
		size_t at = p->nread % PIPE_SIZE;
		size_t chunk =
		    MIN(MIN(n - done, p->nwritten - p->nread), PIPE_SIZE - at);
		if (copy_to_user(ubuf + done, p->buf + at, chunk) < 0)
			return done ? (int64_t)done : ERR_FAULT;
		p->nread += chunk;
		done += chunk;
	}
	return (int64_t)done;
}

static int64_t pipe_read(struct file *f, uintptr_t ubuf, size_t n)
{
	struct pipe *p = f->pipe;
	int64_t got;

	if (n == 0)
		return 0;
	spin_lock(&p->lock);
	while (p->nread == p->nwritten && p->writers > 0 && !proc_killed())
		proc_sleep(&p->nread, &p->lock);
	got = ring_take(p, ubuf, n);
	proc_wakeup(&p->nwritten);
	spin_unlock(&p->lock);
	return got;
}

static int64_t pipe_write(struct file *f, uintptr_t ubuf, size_t n)
{
	struct pipe *p = f->pipe;
	size_t done = 0;

	spin_lock(&p->lock);
	while (done < n) {
		size_t at = p->nwritten % PIPE_SIZE, chunk;

		if (p->readers == 0 || proc_killed()) {
			spin_unlock(&p->lock);
			return done ? (int64_t)done : ERR_END;
		}
		if (p->nwritten - p->nread == PIPE_SIZE) {
			proc_wakeup(&p->nread);
			proc_sleep(&p->nwritten, &p->lock);
			continue;
		}
		chunk = MIN(MIN(n - done, PIPE_SIZE - (p->nwritten - p->nread)),
			    PIPE_SIZE - at);
		if (copy_from_user(p->buf + at, ubuf + done, chunk) < 0) {
			spin_unlock(&p->lock);
			return done ? (int64_t)done : ERR_FAULT;
		}
		p->nwritten += chunk;
		done += chunk;
	}
	proc_wakeup(&p->nread);
	spin_unlock(&p->lock);
	return (int64_t)done;
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
