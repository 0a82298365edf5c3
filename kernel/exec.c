/*
 * Building a process image (see exec.h). The stack's top page, as the
 * program finds it:
 *
 *   USTACK_UPPERBOUND ->  +---------------------------+
 *                         | "prog\0arg1\0arg2\0"      |  the strings
 *                         | (padding to 16 bytes)     |
 *                         | argv[0] argv[1] ... NULL  |  <- argv
 *   sp (16-aligned)   ->  +---------------------------+
 *                         | the other 9 stack pages:  |
 *                         | absent until touched      |
 */
#include "kernel/exec.h"

#include <arch/arch.h>
#include <arch/perm.h>

#include "kernel/elf.h"
#include "kernel/initrd.h"
#include "lib/abi/errcode.h"
#include "lib/string.h"
#include "mm/addrspace.h"
#include "mm/kmalloc.h"

#define ARGV_MAX                                                               \
	(PAGE_SIZE / 8) /* as many words as a page of arguments can hold */

/* Split the words of args (modified in place: spaces become NULs) into
 * argv; returns argc, or -1 when there are more than ARGV_MAX. */
static int split_words(char *args, char **argv)
{
	int argc = 0;

	for (char *p = args; *p;) {
		while (*p == ' ')
			*p++ = '\0';
		if (!*p)
			break;
		if (argc == ARGV_MAX)
			return -1;
		argv[argc++] = p;
		while (*p && *p != ' ')
			p++;
	}
	return argc;
}

/* Put argc strings and the argv array on the stack's top page (kernel
 * address page, user address page_va); sets img->sp and img->argv. */
static int push_args(struct exec_image *img, char *page, vaddr_t page_va,
		     int argc, char **argv)
{
	size_t strings = 0, off = PAGE_SIZE, argv_off;
	uint64_t *uargv;

	for (int i = 0; i < argc; i++)
		strings += strlen(argv[i]) + 1;
	if (strings + (argc + 1) * sizeof(uint64_t) + 16 > PAGE_SIZE)
		return ERR_INVAL;
	argv_off =
	    ROUND_DOWN(PAGE_SIZE - strings - (argc + 1) * sizeof(*uargv), 16);
	uargv = (uint64_t *)(page + argv_off);
	for (int i = argc - 1; i >= 0; i--) {
		size_t len = strlen(argv[i]) + 1;
		off -= len;
		memcpy(page + off, argv[i], len);
		uargv[i] = page_va + off;
	}
	uargv[argc] = 0;
	img->argv = page_va + argv_off;
	img->sp = page_va + argv_off;
	img->argc = argc;
	return 0;
}

/* Add the empty heap after the segments and the stack with its top page. */
static int add_heap_and_stack(struct exec_image *img, uintptr_t data_end,
			      int argc, char **argv)
{
	vaddr_t heap = ROUND_UP(data_end, PAGE_SIZE);
	vaddr_t stack = USTACK_BOTTOM;
	vaddr_t top_page = USTACK_UPPERBOUND - PAGE_SIZE;
	struct memregion *r;
	char *page;

	img->as->heap = as_add_memregion(img->as, heap, heap, PERM_RW);
	r = as_add_memregion(img->as, stack, USTACK_UPPERBOUND, PERM_RW);
	if (!img->as->heap || !r)
		return ERR_NOMEM;
	page = as_map_new_page(img->as, r, top_page, true);
	if (!page)
		return ERR_NOMEM;
	return push_args(img, page, top_page, argc, argv);
}

int exec_load(const char *args, struct exec_image *img)
{
	char *words = kmalloc(PAGE_SIZE);
	char **argv = kmalloc(ARGV_MAX * sizeof(char *));
	struct initrd_file file;
	uintptr_t data_end;
	int argc, err = ERR_NOMEM;

	img->as = NULL;
	if (!words || !argv)
		goto out;
	err = ERR_INVAL;
	if (strlcpy(words, args, PAGE_SIZE) >= PAGE_SIZE)
		goto out;
	argc = split_words(words, argv);
	if (argc <= 0)
		goto out;
	err = ERR_NOTEXIST;
	if (!initrd_find(argv[0], &file))
		goto out;
	err = ERR_NOMEM;
	img->as = as_create();
	if (!img->as)
		goto out;
	err = elf_load(img->as, &file, &img->entry, &data_end);
	if (!err)
		err = add_heap_and_stack(img, data_end, argc, argv);
	if (err) {
		as_release(img->as);
		img->as = NULL;
	} else {
		strlcpy(img->name, file.name, sizeof(img->name));
	}
out:
	kfree(words);
	kfree(argv);
	return err;
}
