/*
 * A small reader of flattened device trees (devicetree specification,
 * chapter 5 "Flattened Devicetree (DTB) Format"): find nodes by path, walk
 * children, read properties and the memory reservation block. A node is
 * named by the offset of its FDT_BEGIN_NODE token in the structure block;
 * -1 means "none". Private to arch/riscv.
 */
#ifndef ARCH_RISCV_FDT_H
#define ARCH_RISCV_FDT_H

#include "lib/types.h"

/* Is fdt a device tree blob this reader understands (magic, version 17)? */
bool fdt_valid(const void *fdt);
/* Size in bytes of the whole blob. */
uint32_t fdt_totalsize(const void *fdt);

/* The node at an absolute path such as "/chosen" or "/cpus"; a component
 * without '@' also matches a node name with a unit address ("memory"
 * matches "memory@80000000"). */
int fdt_path(const void *fdt, const char *path);
int fdt_first_child(const void *fdt, int node);
int fdt_next_sibling(const void *fdt, int node);
const char *fdt_name(const void *fdt, int node);

/* Property name of node: its value and (if len) its length, or NULL. */
const void *fdt_prop(const void *fdt, int node, const char *name, int *len);
/* A one-cell property, or dflt when it is missing or not 4 bytes long. */
uint32_t fdt_prop_u32(const void *fdt, int node, const char *name,
		      uint32_t dflt);
/* Does node's compatible property (a list of strings) hold want? */
bool fdt_compatible(const void *fdt, int node, const char *want);
/* A big-endian number of ncells (1 or 2) 32-bit cells at p. */
uint64_t fdt_cells(const void *p, int ncells);

/* Entry i of the memory reservation block: false past the last one. */
bool fdt_reservation(const void *fdt, int i, uint64_t *base, uint64_t *size);

#endif
