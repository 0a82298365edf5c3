/* spawn and exec of files that are not valid programs give ERR_INVAL, leave
 * the caller running, and take no memory: a text file, and copies of echo
 * that user/user.mk cut short or patched (a segment over the kernel, a huge
 * or wrapping memsz, overlapping segments, filesz beyond memsz). */
#include <lib/stddef.h>
#include <lib/test.h>

static const char *const bad_files[] = {
    "TESTS",	"elf_truncated", "elf_kernel", "elf_huge",
    "elf_wrap", "elf_overlap",	 "elf_filesz",
};

/* Return: the free physical pages now. */
static size_t free_pages(void)
{
	struct sys_info si;

	assert(info(&si) == ERR_OK);
	return si.free_pages;
}

int main(void)
{
	size_t before = free_pages();
	char args[64];
	int err;

	for (size_t i = 0; i < sizeof(bad_files) / sizeof(bad_files[0]); i++) {
		if ((err = spawn(bad_files[i])) != ERR_INVAL)
			error("spawn(\"%s\") gave %d, want ERR_INVAL",
			      bad_files[i], err);
		snprintf(args, sizeof(args), "%s a b", bad_files[i]);
		if ((err = exec(args)) != ERR_INVAL)
			error("exec(\"%s\") gave %d, want ERR_INVAL", args,
			      err);
		if (free_pages() != before)
			error("%s: free pages went from %zu to %zu",
			      bad_files[i], before, free_pages());
	}
	pass("bad_elf: %zu files refused",
	     sizeof(bad_files) / sizeof(bad_files[0]));
	return 0;
}
