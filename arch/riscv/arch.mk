# RISC-V: rv64gc / lp64, a kernel in the top 2 GiB reached PC-relatively.
CC_ARCH := riscv64-unknown-elf-gcc
ARCH_CFLAGS := -march=rv64gc -mabi=lp64 -mcmodel=medany -mno-relax
ARCH_SRCS := $(wildcard arch/riscv/*.c arch/riscv/*.S)
QEMU := qemu-system-riscv64
OPENSBI := /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin
QEMU_ARGS := -machine virt -bios $(OPENSBI)
GDB_ARCH := riscv:rv64
