/*
 * The initrd read again from QEMU's own copy: with -kernel and -initrd,
 * QEMU keeps the file in its firmware configuration device (fw_cfg, item
 * FW_CFG_INITRD_DATA) for the machine's whole life, besides the copy the
 * PVH loader puts in RAM. Reading it through fw_cfg's DMA interface lets
 * the kernel give the RAM copy's frames back to pmem (docs/boot.md).
 *
 *   port 0x510  selector (16 bits)       0x511  data, a byte at a time
 *   port 0x514  DMA address, big-endian: high half at 0x514, low at 0x518;
 *               writing the low half runs the request before outl returns
 *
 * The layout is QEMU's docs/specs/fw_cfg.rst.
 */
#include <arch/arch.h>

#include "arch/x86_64/x86.h"
#include "lib/spinlock.h"
#include "lib/string.h"
#include "mm/kmap.h"
#include "mm/pmem.h"

#define FW_CFG_PORT_SEL 0x510
#define FW_CFG_PORT_DATA 0x511
#define FW_CFG_PORT_DMA 0x514
#define FW_CFG_SIGNATURE 0x00	/* "QEMU" */
#define FW_CFG_ID 0x01		/* feature bits: 1 << 1 is DMA */
#define FW_CFG_INITRD_SIZE 0x0b /* 32 bits, little-endian */
#define FW_CFG_INITRD_DATA 0x12
#define FW_CFG_ID_DMA (1u << 1)

#define DMA_READ 0x02
#define DMA_SKIP 0x04
#define DMA_SELECT 0x08

/* One DMA request, big-endian, in guest RAM (the image's bss). */
struct fw_cfg_dma {
	uint32_t control;
	uint32_t length;
	uint64_t address;
};

static struct spinlock fw_cfg_lock = SPINLOCK_INIT("fw_cfg");
static struct fw_cfg_dma request __attribute__((aligned(16)));
static char bounce[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static int64_t initrd_copy_size = -1; /* -1: not asked yet; 0: no copy */

/* Read n bytes of item key the byte-wide way (for the small items). */
static void pio_read(uint16_t key, void *buf, size_t n)
{
	outw(FW_CFG_PORT_SEL, key);
	for (size_t i = 0; i < n; i++)
		((uint8_t *)buf)[i] = inb(FW_CFG_PORT_DATA);
}

/* Run one DMA request of control and length to physical address pa.
 * Returns false when QEMU reports an error. Caller holds fw_cfg_lock. */
static bool dma_run(uint32_t control, uint32_t length, paddr_t pa)
{
	paddr_t req = kimage_v2p(&request);

	request.control = __builtin_bswap32(control);
	request.length = __builtin_bswap32(length);
	request.address = __builtin_bswap64(pa);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	outl(FW_CFG_PORT_DMA, __builtin_bswap32((uint32_t)(req >> 32)));
	outl(FW_CFG_PORT_DMA + 4, __builtin_bswap32((uint32_t)req));
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return __atomic_load_n(&request.control, __ATOMIC_RELAXED) == 0;
}

/* The size of QEMU's copy of the initrd, or 0 when fw_cfg, its DMA
 * interface or the item is missing. Asked once. Caller holds fw_cfg_lock. */
static uint64_t copy_size(void)
{
	char sig[4];
	uint32_t id, size;

	if (initrd_copy_size >= 0)
		return (uint64_t)initrd_copy_size;
	initrd_copy_size = 0;
	pio_read(FW_CFG_SIGNATURE, sig, sizeof(sig));
	if (sig[0] != 'Q' || sig[1] != 'E' || sig[2] != 'M' || sig[3] != 'U')
		return 0;
	pio_read(FW_CFG_ID, &id, sizeof(id));
	if (!(id & FW_CFG_ID_DMA))
		return 0;
	pio_read(FW_CFG_INITRD_SIZE, &size, sizeof(size));
	initrd_copy_size = size;
	return size;
}

/* Is [p, p + n) in the direct map, where DMA can reach it by V2P? */
static bool in_direct_map(const void *p, size_t n)
{
	uintptr_t va = (uintptr_t)p;

	return va >= KMAP_BASE && va - KMAP_BASE <= KMAP_SIZE - n;
}

/* Read n bytes from the current offset of the selected item to dst,
 * straight there when DMA can reach it, else through bounce (a kernel
 * stack is not in the direct map). Caller holds fw_cfg_lock. */
static bool read_to(char *dst, size_t n)
{
	if (in_direct_map(dst, n))
		return dma_run(DMA_READ, (uint32_t)n, V2P(dst));
	for (size_t done = 0; done < n; done += PAGE_SIZE) {
		size_t part = MIN(n - done, (size_t)PAGE_SIZE);
		if (!dma_run(DMA_READ, (uint32_t)part, kimage_v2p(bounce)))
			return false;
		memcpy(dst + done, bounce, part);
	}
	return true;
}

bool arch_boot_module_reread(uint64_t off, void *dst, size_t len)
{
	bool ok;

	spin_lock(&fw_cfg_lock);
	ok = off <= copy_size() && len <= copy_size() - off &&
	     dma_run((uint32_t)FW_CFG_INITRD_DATA << 16 | DMA_SELECT | DMA_SKIP,
		     (uint32_t)off, 0) &&
	     read_to(dst, len);
	spin_unlock(&fw_cfg_lock);
	return ok;
}
