# osvm: one virtual-memory design on x86_64 and RISC-V Sv39.
#
#   make [ARCH=x86_64|riscv]       build build/$(ARCH)/kernel.elf
#   make qemu                      build and boot it (Ctrl-A X leaves QEMU)
#   make test                      host tests, then both arches under QEMU
#   make help                      every target and knob
#
# Knobs: ARCH MEM CPUS FORK QEMUEXTRA CMDLINE GDBPORT TIMEOUT

ARCH ?= x86_64
MEM ?= 256M
CPUS ?= 2
QEMUEXTRA ?=
CMDLINE ?=
GDBPORT ?= 1234
TIMEOUT ?= 120
# fork: cow (copy-on-write) or eager (deep copy, the baseline to compare with).
FORK ?= cow
# make test runs every arch unless told otherwise (make test TEST_ARCHES=riscv).
TEST_ARCHES ?= x86_64 riscv

ifeq ($(filter $(ARCH),x86_64 riscv),)
$(error ARCH must be x86_64 or riscv, not '$(ARCH)')
endif
ifeq ($(filter $(FORK),cow eager),)
$(error FORK must be cow or eager, not '$(FORK)')
endif

# Each fork flavour builds in a directory of its own.
BUILD ?= build/$(ARCH)$(if $(filter eager,$(FORK)),-eager)
KERNEL := $(BUILD)/kernel.elf
DEPS := tests/deps.sh

include arch/$(ARCH)/arch.mk

CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -ffreestanding -nostdlib \
	-fno-stack-protector -fno-pic -fno-pie -fno-omit-frame-pointer \
	-fno-optimize-sibling-calls -fno-common -MMD -MP \
	-I. -Iarch/$(ARCH)/include $(ARCH_CFLAGS) \
	-DFORK_EAGER=$(if $(filter eager,$(FORK)),1,0)
ASFLAGS := $(CFLAGS) -D__ASSEMBLY__
LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none \
	-Wl,-z,max-page-size=4096 -Wl,-T,arch/$(ARCH)/kernel.ld

KSRCS := $(wildcard kernel/*.c kernel/*.S mm/*.c) $(ARCH_SRCS)
KOBJS := $(patsubst %,$(BUILD)/%.o,$(KSRCS))

# User programs and the initrd: USER_INITRD.
include user/user.mk
.DEFAULT_GOAL := all

.PHONY: all qemu qemu-cmd qemu-gdb gdb check soak soak-smp test clean deps help compile_commands.json
all: $(KERNEL)

# Tools are checked (and installed when missing) once per build directory.
$(BUILD)/.deps: $(DEPS)
	@mkdir -p $(BUILD)
	@$(DEPS) $(ARCH)
	@touch $@

deps: $(BUILD)/.deps

# V=1 shows whole commands.
Q := $(if $(V),,@)

$(BUILD)/%.c.o: %.c | $(BUILD)/.deps
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC    $<")
	$(Q)$(CC_ARCH) $(CFLAGS) -c $< -o $@

$(BUILD)/%.S.o: %.S | $(BUILD)/.deps
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS    $<")
	$(Q)$(CC_ARCH) $(ASFLAGS) -c $< -o $@

# The initrd (user/user.mk) is part of the kernel image.
$(BUILD)/kernel/initrd_blob.S.o: $(USER_INITRD)
$(BUILD)/kernel/initrd_blob.S.o: ASFLAGS += -DINITRD_FILE='"$(USER_INITRD)"'

$(KERNEL): $(KOBJS) arch/$(ARCH)/kernel.ld
	@$(if $(Q),echo "  LD    $@")
	$(Q)$(CC_ARCH) $(CFLAGS) $(LDFLAGS) -o $@ $(KOBJS)

-include $(KOBJS:.o=.d)

# ---- Running ------------------------------------------------------------------

QEMU_CMD = $(QEMU) $(QEMU_ARGS) -m $(MEM) -smp $(CPUS) -nographic \
	-no-reboot -kernel $(KERNEL) $(if $(CMDLINE),-append "$(CMDLINE)") \
	$(QEMUEXTRA)

qemu: $(KERNEL)
	$(QEMU_CMD)

# The QEMU command line without -append, for tests/run-tests.sh.
qemu-cmd:
	@echo $(QEMU) $(QEMU_ARGS) -m $(MEM) -smp $(CPUS) -nographic -no-reboot \
		-kernel $(KERNEL) $(QEMUEXTRA)

qemu-gdb: $(KERNEL)
	@echo "*** QEMU waits for gdb on port $(GDBPORT): run 'make ARCH=$(ARCH) gdb' in another terminal"
	$(QEMU_CMD) -S -gdb tcp::$(GDBPORT)

gdb: $(KERNEL)
	@$(DEPS) gdb
	gdb-multiarch -q -ex "set architecture $(GDB_ARCH)" \
		-ex "file $(KERNEL)" -ex "target remote localhost:$(GDBPORT)"

# ---- Tests --------------------------------------------------------------------

HOSTCC ?= cc

HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-I.
# The real mm/ code over simulated RAM; tests/host/ stands in for the arch
# functions (kernel/arch.h), kprintf, panic and the current process.
HOST_SRCS := $(wildcard tests/host/*.c) mm/pmem.c mm/vpmap.c mm/kmalloc.c \
	mm/addrspace.c mm/fault.c mm/uaccess.c mm/vmmap.c kernel/spinlock.c \
	kernel/cpu.c kernel/ipi.c
HOST_HDRS := $(wildcard tests/host/*.h mm/*.h kernel/*.h arch/*/include/arch/*.h \
	user/include/lib/*.h)

build/host/mm_test-%: $(HOST_SRCS) $(HOST_HDRS)
	@mkdir -p build/host
	@$(DEPS) check
	$(HOSTCC) $(HOST_CFLAGS) -Iarch/$*/include -o $@ $(HOST_SRCS)

# The model-based test's knobs (tests/host/model_test.c): SEED= picks the
# run, STEPS= its length, TRACE=1 prints every operation. make check runs
# 100,000 steps per PTE format; make soak ten million, from a fresh seed
# unless SEED= is given.
MODEL_ARGS = $(if $(SEED),seed=$(SEED)) $(if $(STEPS),steps=$(STEPS)) \
	$(if $(TRACE),trace=1)
SOAK_STEPS ?= 10000000

# Both formats run even when the first fails.
check: build/host/mm_test-x86_64 build/host/mm_test-riscv
	@status=0; for f in x86_64 riscv; do \
	  build/host/mm_test-$$f $(MODEL_ARGS) || status=1; \
	done; exit $$status

soak: soak-x86_64 soak-riscv soak-smp

# The concurrency tests on every arch, SOAK_ROUNDS boots each, with CPUS=
# CPUs really in parallel (make soak CPUS=4).
SOAK_ROUNDS ?= 10
SOAK_TESTS ?= smp_stress|cow|cow_kernel|fork_wait|pipe|limits|fuzz
soak-smp:
	@for a in x86_64 riscv; do for i in $$(seq $(SOAK_ROUNDS)); do \
	  echo "== soak: $$a, CPUS=$(CPUS), round $$i of $(SOAK_ROUNDS)"; \
	  $(MAKE) -s --no-print-directory ARCH=$$a TESTS='$(SOAK_TESTS)' \
	    CPUS=$(CPUS) QEMUEXTRA='-accel tcg,thread=multi' \
	    CMDLINE=runtests qemu </dev/null >build/soak-$$a.log 2>&1; \
	  grep -E '^(FAIL|panic)|^[0-9]+ passed, ' build/soak-$$a.log; \
	  grep -qE '^[0-9]+ passed, 0 failed' build/soak-$$a.log || exit 1; \
	done; done

soak-%: build/host/mm_test-%
	build/host/mm_test-$* seed=$(or $(SEED),random) \
		steps=$(or $(STEPS),$(SOAK_STEPS)) $(if $(TRACE),trace=1)

test:
	@TIMEOUT=$(TIMEOUT) tests/run-tests.sh $(TEST_ARCHES)

clean:
	rm -rf build compile_commands.json

# One entry per kernel source for clangd and clang-tidy.
compile_commands.json:
	@{ echo '['; sep=''; for f in $(KSRCS); do \
	  printf '%s{"directory":"%s","file":"%s","command":"%s %s -c %s"}\n' \
	    "$$sep" "$(CURDIR)" "$$f" "$(CC_ARCH)" "$(CFLAGS)" "$$f"; sep=','; \
	done; echo ']'; } >$@
	@echo "wrote $@ for ARCH=$(ARCH)"

help:
	@echo "Targets:"
	@echo "  all                    build build/\$$ARCH[-eager]/kernel.elf (default)"
	@echo "  qemu                   build and boot it; Ctrl-A X leaves QEMU"
	@echo "  qemu-gdb               boot, halted, waiting for gdb on GDBPORT"
	@echo "  gdb                    attach gdb-multiarch to a qemu-gdb session"
	@echo "  check                  host unit tests of mm/, both PTE formats"
	@echo "  soak                   the model test of mm/ for ten million steps"
	@echo "  test                   check, then both arches under QEMU; a matrix"
	@echo "  soak                   10M model steps per PTE format, then the"
	@echo "                         concurrency tests SOAK_ROUNDS times (CPUS=)"
	@echo "  fuzz                   the syscall fuzzer alone (SEED=, N=)"
	@echo "  user                   the user programs and the initrd only"
	@echo "  compile_commands.json  for clangd / clang-tidy (per ARCH)"
	@echo "  clean                  remove build/"
	@echo "Knobs (default):"
	@echo "  ARCH=x86_64|riscv      ($(ARCH))"
	@echo "  MEM=8M..2G             ($(MEM)) guest RAM"
	@echo "  FORK=cow|eager         ($(FORK)) copy-on-write or deep-copy fork"
	@echo "  CPUS=1..8              ($(CPUS)) guest CPUs"
	@echo "  CMDLINE='...'          ($(CMDLINE)) kernel command line, e.g. selftest"
	@echo "  QEMUEXTRA='...'        ($(QEMUEXTRA)) more QEMU options, e.g. -accel kvm"
	@echo "  GDBPORT=n              ($(GDBPORT))"
	@echo "  TIMEOUT=s              ($(TIMEOUT)) seconds per boot in make test"
	@echo "  TEST_ARCHES='...'      ($(TEST_ARCHES)) arches make test boots"
	@echo "  SEED=n STEPS=n TRACE=1 the model test's run (check, soak)"
	@echo "  EXTRA_TESTS=dir        ($(EXTRA_TESTS)) also build and run dir/*.c as tests"
	@echo "  TESTS='glob'           ($(TESTS)) run only the user tests that match"
	@echo "  EXTRA_CFLAGS='...'     ($(EXTRA_CFLAGS)) flags for EXTRA_TESTS"
	@echo "  BUILD=dir              ($(BUILD)) where objects go"
	@echo "  V=1                    show whole compiler commands"
