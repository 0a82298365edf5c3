/*
 * The flattened device tree reader (see fdt.h). Layout of a blob:
 *
 *   header | memory reservation block | structure block | strings block
 *
 * Everything is big-endian. The structure block is a stream of 32-bit
 * tokens: BEGIN_NODE + name, PROP + (len, nameoff) + value, END_NODE, NOP,
 * and one END; names and values are padded to 4 bytes. A node's properties
 * come before its children.
 */
#include "arch/riscv/fdt.h"

#include "lib/string.h"

#define FDT_MAGIC 0xd00dfeed
#define FDT_VERSION 17

#define FDT_BEGIN_NODE 0x1
#define FDT_END_NODE 0x2
#define FDT_PROP 0x3
#define FDT_NOP 0x4
#define FDT_END 0x9

struct fdt_header {
	uint32_t magic, totalsize, off_dt_struct, off_dt_strings;
	uint32_t off_mem_rsvmap, version, last_comp_version;
	uint32_t boot_cpuid_phys, size_dt_strings, size_dt_struct;
};

static uint32_t be32(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

/* Header field f, in host byte order. */
#define HDR(fdt, f) be32(&((const struct fdt_header *)(fdt))->f)

static const uint8_t *structure(const void *fdt)
{
	return (const uint8_t *)fdt + HDR(fdt, off_dt_struct);
}

/* The token at offset off, or FDT_END when off is outside the block. */
static uint32_t token(const void *fdt, int off)
{
	if (off < 0 || (uint32_t)off + 4 > HDR(fdt, size_dt_struct))
		return FDT_END;
	return be32(structure(fdt) + off);
}

/* The offset of the token after the one at off (skipping its payload),
 * or -1 after FDT_END. */
static int next_token(const void *fdt, int off)
{
	const uint8_t *p = structure(fdt) + off + 4;

	switch (token(fdt, off)) {
	case FDT_BEGIN_NODE:
		return off + 4 + ROUND_UP((int)strlen((const char *)p) + 1, 4);
	case FDT_PROP:
		return off + 12 + ROUND_UP((int)be32(p), 4);
	case FDT_END_NODE:
	case FDT_NOP:
		return off + 4;
	default:
		return -1;
	}
}

/* The first token at or after off that is not a NOP. */
static int skip_nops(const void *fdt, int off)
{
	while (off >= 0 && token(fdt, off) == FDT_NOP)
		off = next_token(fdt, off);
	return off;
}

bool fdt_valid(const void *fdt)
{
	return be32(fdt) == FDT_MAGIC && HDR(fdt, version) >= FDT_VERSION &&
	       HDR(fdt, last_comp_version) <= FDT_VERSION;
}

uint32_t fdt_totalsize(const void *fdt)
{
	return HDR(fdt, totalsize);
}

const char *fdt_name(const void *fdt, int node)
{
	return (const char *)structure(fdt) + node + 4;
}

int fdt_first_child(const void *fdt, int node)
{
	int off = next_token(fdt, node);

	for (;;) {
		switch (token(fdt, off)) {
		case FDT_PROP:
		case FDT_NOP:
			off = next_token(fdt, off);
			break;
		case FDT_BEGIN_NODE:
			return off;
		default:
			return -1;
		}
	}
}

int fdt_next_sibling(const void *fdt, int node)
{
	int depth = 0;
	int off = node;

	do {
		uint32_t tok = token(fdt, off);
		if (tok == FDT_BEGIN_NODE)
			depth++;
		else if (tok == FDT_END_NODE)
			depth--;
		else if (tok == FDT_END)
			return -1;
		off = next_token(fdt, off);
	} while (depth > 0);
	off = skip_nops(fdt, off);
	return token(fdt, off) == FDT_BEGIN_NODE ? off : -1;
}

/* Does node name match path component comp (of length len)? A component
 * without a unit address matches any unit address. */
static bool name_matches(const char *name, const char *comp, size_t len)
{
	if (strncmp(name, comp, len) != 0)
		return false;
	if (name[len] == '\0')
		return true;
	for (size_t i = 0; i < len; i++)
		if (comp[i] == '@')
			return false;
	return name[len] == '@';
}

int fdt_path(const void *fdt, const char *path)
{
	int node = skip_nops(fdt, 0);

	if (token(fdt, node) != FDT_BEGIN_NODE || path[0] != '/')
		return -1;
	while (*path == '/')
		path++;
	while (*path && node >= 0) {
		const char *end = strchr(path, '/');
		size_t len = end ? (size_t)(end - path) : strlen(path);
		int child = fdt_first_child(fdt, node);

		while (child >= 0 &&
		       !name_matches(fdt_name(fdt, child), path, len))
			child = fdt_next_sibling(fdt, child);
		node = child;
		path += len;
		while (*path == '/')
			path++;
	}
	return node;
}

const void *fdt_prop(const void *fdt, int node, const char *name, int *len)
{
	const char *strings = (const char *)fdt + HDR(fdt, off_dt_strings);
	int off = next_token(fdt, node);

	for (;;) {
		uint32_t tok = token(fdt, off);
		const uint8_t *p = structure(fdt) + off + 4;

		if (tok == FDT_PROP &&
		    strcmp(strings + be32(p + 4), name) == 0) {
			if (len)
				*len = (int)be32(p);
			return p + 8;
		}
		if (tok != FDT_PROP && tok != FDT_NOP)
			return NULL;
		off = next_token(fdt, off);
	}
}

bool fdt_compatible(const void *fdt, int node, const char *want)
{
	int len;
	const char *list = fdt_prop(fdt, node, "compatible", &len);

	for (int at = 0; list && at < len; at += strlen(list + at) + 1)
		if (strcmp(list + at, want) == 0)
			return true;
	return false;
}

uint32_t fdt_prop_u32(const void *fdt, int node, const char *name,
		      uint32_t dflt)
{
	int len;
	const void *p = fdt_prop(fdt, node, name, &len);

	return p && len == 4 ? be32(p) : dflt;
}

uint64_t fdt_cells(const void *p, int ncells)
{
	const uint8_t *b = p;
	uint64_t v = 0;

	for (int i = 0; i < ncells; i++)
		v = v << 32 | be32(b + 4 * i);
	return v;
}

bool fdt_reservation(const void *fdt, int i, uint64_t *base, uint64_t *size)
{
	const uint8_t *entry =
	    (const uint8_t *)fdt + HDR(fdt, off_mem_rsvmap) + 16 * i;

	*base = fdt_cells(entry, 2);
	*size = fdt_cells(entry + 8, 2);
	return *base != 0 || *size != 0;
}
