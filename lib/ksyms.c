/* Looking up the symbol table that lib/ksyms.sh generates. */
#include "lib/ksyms.h"

#include <arch/arch.h>

#include "lib/kprintf.h"

struct ksym {
	uintptr_t addr;
	const char *name;
};

/* In section .ksyms, from the generated assembly. */
extern const struct ksym ksyms[];
extern const uint64_t ksyms_count;

const char *ksym_lookup(uintptr_t addr, uintptr_t *offset)
{
	size_t lo = 0, hi = ksyms_count;

	if (addr < (uintptr_t)_text_start || addr >= (uintptr_t)_text_end)
		return NULL;
	/* Find the first symbol above addr; the one before holds it. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ksyms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	*offset = addr - ksyms[lo - 1].addr;
	return ksyms[lo - 1].name;
}

const char *ksym_lookup_return(uintptr_t ret, uintptr_t *offset)
{
	const char *name = ksym_lookup(ret - 1, offset);

	if (name)
		*offset += 1;
	return name;
}

void ksym_describe_return(char *buf, size_t size, uintptr_t ret)
{
	uintptr_t off;
	const char *name = ksym_lookup_return(ret, &off);

	if (name)
		ksnprintf(buf, size, "%s+0x%lx", name, (unsigned long)off);
	else
		ksnprintf(buf, size, "%p", (void *)ret);
}
