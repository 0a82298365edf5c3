/*
 * ACPI, only as far as the MADT: RSDP -> XSDT (or RSDT) -> "APIC" table ->
 * local APIC entries. Layouts: ACPI specification, sections 5.2.5 (RSDP),
 * 5.2.6 (table header), 5.2.7-8 (RSDT/XSDT), 5.2.12 (MADT).
 *
 * The tables are read while the boot page table is still live (from
 * arch_devices_init); kmap_mmio also maps them into the kernel's table.
 */
#include "arch/x86_64/acpi.h"

#include "lib/kprintf.h"
#include "lib/string.h"
#include "mm/kmap.h"

paddr_t acpi_rsdp;

struct rsdp {
	char signature[8]; /* "RSD PTR " */
	uint8_t checksum;  /* of the first 20 bytes */
	char oem[6];
	uint8_t revision; /* 0: ACPI 1.0 (RSDT only); 2: XSDT too */
	uint32_t rsdt;
	uint32_t length; /* revision >= 2 from here on */
	uint64_t xsdt;
	uint8_t ext_checksum; /* of all `length` bytes */
	uint8_t reserved[3];
} __attribute__((packed));

struct sdt_header {
	char signature[4];
	uint32_t length; /* header included */
	uint8_t revision;
	uint8_t checksum; /* all `length` bytes sum to 0 */
	char oem[6];
	char oem_table[8];
	uint32_t oem_revision;
	uint32_t creator;
	uint32_t creator_revision;
} __attribute__((packed));

struct madt {
	struct sdt_header h;
	uint32_t lapic_base;
	uint32_t flags;
	uint8_t entries[]; /* {type, length, ...} records */
} __attribute__((packed));

#define MADT_LAPIC 0	      /* type, length 8, uid, apic id, flags (4) */
#define MADT_LAPIC_OVERRIDE 5 /* type, length 12, reserved (2), base (8) */
#define MADT_LAPIC_ENABLED 1u

#define SDT_MAX_LENGTH (1u << 20) /* anything larger is garbage */
#define BOOT_MAP_END (4ul << 30)  /* what the boot page table covers */

/* Map n bytes at pa and return them, or NULL when the boot map cannot
 * reach them. */
static const void *map_bytes(paddr_t pa, size_t n)
{
	if (pa + n > BOOT_MAP_END)
		return NULL;
	return kmap_mmio(pa, n);
}

/* Do the n bytes at p sum to 0 (mod 256)? */
static bool checksum_ok(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (n--)
		sum += *b++;
	return sum == 0;
}

/* The table at pa if it has signature sig and a good checksum, else NULL. */
static const struct sdt_header *map_table(paddr_t pa, const char *sig)
{
	const struct sdt_header *h = map_bytes(pa, sizeof(*h));

	if (!h || memcmp(h->signature, sig, 4) || h->length < sizeof(*h) ||
	    h->length > SDT_MAX_LENGTH || !map_bytes(pa, h->length) ||
	    !checksum_ok(h, h->length))
		return NULL;
	return h;
}

/* The root table's entries (32-bit in the RSDT, 64-bit and not always
 * aligned in the XSDT) searched for a table with signature sig. */
static const struct sdt_header *find_table(const struct rsdp *r,
					   const char *sig)
{
	bool x = r->revision >= 2 && r->xsdt;
	const struct sdt_header *root =
	    x ? map_table(r->xsdt, "XSDT") : map_table(r->rsdt, "RSDT");
	size_t width = x ? 8 : 4;

	if (!root)
		return NULL;
	for (size_t off = sizeof(*root); off + width <= root->length;
	     off += width) {
		uint64_t pa = 0;
		const struct sdt_header *t;

		memcpy(&pa, (const char *)root + off, width);
		t = map_bytes(pa, sizeof(*t));
		if (t && !memcmp(t->signature, sig, 4))
			return map_table(pa, sig);
	}
	return NULL;
}

/* The RSDP the loader named, checked, or NULL. */
static const struct rsdp *map_rsdp(void)
{
	const struct rsdp *r;

	if (!acpi_rsdp || !(r = map_bytes(acpi_rsdp, sizeof(*r))))
		return NULL;
	if (memcmp(r->signature, "RSD PTR ", 8) || !checksum_ok(r, 20))
		return NULL;
	if (r->revision >= 2 &&
	    (r->length < sizeof(*r) || !map_bytes(acpi_rsdp, r->length) ||
	     !checksum_ok(r, r->length)))
		return NULL;
	return r;
}

/* Record one MADT entry: an enabled local APIC or a base override. */
static void madt_entry(struct madt_cpus *m, const uint8_t *e)
{
	uint32_t flags;

	if (e[0] == MADT_LAPIC && e[1] >= 8) {
		memcpy(&flags, e + 4, sizeof(flags));
		if ((flags & MADT_LAPIC_ENABLED) && m->ncpus < MADT_MAX_CPUS)
			m->apic_id[m->ncpus++] = e[3];
	} else if (e[0] == MADT_LAPIC_OVERRIDE && e[1] >= 12) {
		memcpy(&m->lapic_base, e + 4, sizeof(m->lapic_base));
	}
}

bool acpi_read_madt(struct madt_cpus *m)
{
	const struct rsdp *r = map_rsdp();
	const struct madt *t;

	if (!r) {
		kprintf("acpi: no valid RSDP at %p\n", (void *)acpi_rsdp);
		return false;
	}
	t = (const struct madt *)find_table(r, "APIC");
	if (!t || t->h.length < sizeof(*t)) {
		kprintf("acpi: no valid MADT\n");
		return false;
	}
	m->lapic_base = t->lapic_base;
	m->ncpus = 0;
	for (uint32_t off = sizeof(*t); off + 2 <= t->h.length;) {
		const uint8_t *e = (const uint8_t *)t + off;
		if (e[1] < 2 || off + e[1] > t->h.length)
			break;
		madt_entry(m, e);
		off += e[1];
	}
	return m->ncpus > 0;
}
