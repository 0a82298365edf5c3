/*
 * kmalloc: kernel objects of any size up to one page. Small sizes come from
 * power-of-two slabs carved out of pmem frames; sizes above half a page get
 * a frame of their own.
 */
#ifndef MM_KMALLOC_H
#define MM_KMALLOC_H

#include "lib/types.h"

#define KMALLOC_MAX 4096

/* Zero-filled memory of size bytes (1..KMALLOC_MAX), 16-byte aligned, or
 * NULL when memory is exhausted or size is out of range. */
void *kmalloc(size_t size);
/* Free what kmalloc returned; kfree(NULL) does nothing. */
void kfree(void *p);

#endif
