# x86_64: the host gcc, a kernel in the top 2 GiB, no SSE in the kernel.
CC_ARCH := gcc
ARCH_CFLAGS := -m64 -march=x86-64 -mno-red-zone -mcmodel=kernel \
	-mno-sse -mno-sse2 -mno-mmx -mno-80387 -mno-avx -fcf-protection=none
# SANITIZE=1's canary is a global: the kernel has no %fs TLS block.
ARCH_STACK_GUARD_CFLAGS := -mstack-protector-guard=global
ARCH_SRCS := $(wildcard arch/x86_64/*.c arch/x86_64/*.S)
QEMU := qemu-system-x86_64
# isa-debug-exit lets a failing kernel leave QEMU with a status of its own.
QEMU_ARGS := -machine q35 -cpu qemu64,+nx,+smep,+smap -nic none \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04
GDB_ARCH := i386:x86-64
# The initrd, a boot module: PVH hands it over in the start info's module
# list (docs/boot.md).
QEMU_MODULES = -initrd $(USER_INITRD)
