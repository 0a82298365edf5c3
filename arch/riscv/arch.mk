# RISC-V: rv64gc / lp64, a kernel in the top 2 GiB reached PC-relatively.
CC_ARCH := riscv64-unknown-elf-gcc
# RISCV_MODE=sv48 (the Makefile's knob) selects the Sv48 constants of
# <arch/mmu.h> in the kernel and those of lib/arch.h in user programs.
ARCH_MODE_CFLAGS := $(if $(filter sv48,$(RISCV_MODE)),-DRISCV_SV48=1)
ARCH_CFLAGS := -march=rv64gc -mabi=lp64 -mcmodel=medany -mno-relax \
	$(ARCH_MODE_CFLAGS)
# SANITIZE=1's canary: gcc's default on RISC-V, the global __stack_chk_guard.
ARCH_STACK_GUARD_CFLAGS := -mstack-protector-guard=global
ARCH_SRCS := $(wildcard arch/riscv/*.c arch/riscv/*.S)
QEMU := qemu-system-riscv64
OPENSBI := /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin
QEMU_ARGS := -machine virt -bios $(OPENSBI)
GDB_ARCH := riscv:rv64
# The initrd, a boot module: QEMU's guest-loader puts it on the first page
# after the kernel image (_kernel_end, whose physical address is its low 32
# bits: kernel.ld) and names it in the device tree's /chosen. Plain -initrd
# would put it at the kernel + MEM/2, which at MEM=8M is where the device
# tree goes (docs/boot.md). Expanded when a recipe runs, once the kernel is
# built.
BOOT_MODULE_PA = 0x$(shell $(NM_ARCH) $(KERNEL) | \
	sed -n 's/^ffffffff\([0-9a-f]\{8\}\) . _kernel_end$$/\1/p')
QEMU_MODULES = -device guest-loader,addr=$(BOOT_MODULE_PA),initrd=$(USER_INITRD)
