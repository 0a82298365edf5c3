/*
 * kmalloc: kernel objects of any size up to one page. Small sizes come from
 * power-of-two slabs carved out of pmem frames; sizes above half a page get
 * a frame of their own.
 */
#ifndef MM_KMALLOC_H
#define MM_KMALLOC_H

#include "lib/types.h"

#define KMALLOC_MAX 4096

/* The size classes: class c below KMALLOC_CLASSES - 1 holds objects of
 * 16 << c bytes at most (16 .. 2048); the last, whole frames (2049 ..
 * KMALLOC_MAX bytes). */
#define KMALLOC_CLASSES 9

/* Zero-filled memory of size bytes (1..KMALLOC_MAX), 16-byte aligned, or
 * NULL when memory is exhausted, size is out of range or a failure is
 * injected (failinject=alloc:..., one decision per call). */
void *kmalloc(size_t size);
/* Free what kmalloc returned; kfree(NULL) does nothing. */
void kfree(void *p);

/* The objects of class c (0 .. KMALLOC_CLASSES - 1) in use now: tests
 * compare them before and after, as the free frames, to prove nothing
 * leaked. */
size_t kmalloc_in_use(int c);
/* The largest object of class c, in bytes. */
size_t kmalloc_class_size(int c);

#endif
