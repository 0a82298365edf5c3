# osvm: one virtual-memory design on x86_64 and RISC-V (Sv39, or Sv48 with
# RISCV_MODE=sv48).
#
#   make [ARCH=x86_64|riscv]       build build/$(ARCH)/kernel.elf
#   make qemu                      build and boot it (Ctrl-A X leaves QEMU)
#   make test                      host tests, then both arches under QEMU
#   make bench                     benchmarks under QEMU (tests/bench/bench.mk)
#   make help                      every target and knob
#
# `make help` is made from the `## target: text` and `## knob NAME: text`
# lines above the rules and knobs of every makefile (tests/help.awk);
# tests/check-help.sh checks that none is missing.

## knob ARCH: the machine: x86_64 or riscv
ARCH ?= x86_64
## knob MEM: guest RAM, 8M to 2G
MEM ?= 256M
## knob CPUS: guest CPUs, 1 to 8
CPUS ?= 2
## knob QEMUEXTRA: more QEMU options, e.g. -accel kvm
QEMUEXTRA ?=
## knob CMDLINE: the kernel command line, e.g. selftest or runtests
CMDLINE ?=
## knob GDBPORT: the port qemu-gdb listens on for gdb
GDBPORT ?= 1234
## knob GDBEXTRA: more gdb options for make gdb, e.g. -batch -x FILE
GDBEXTRA ?=
## knob TIMEOUT: seconds a boot of make test may take before it fails
TIMEOUT ?= 120
## knob FORK: cow (copy-on-write) or eager (deep copy, the baseline)
FORK ?= cow
## knob RISCV_MODE: RISC-V paging: sv39 (3 levels) or sv48 (4 levels)
RISCV_MODE ?= sv39
## knob SANITIZE: 1 builds the kernel with UBSan and stack canaries
SANITIZE ?= 0

ifeq ($(filter $(ARCH),x86_64 riscv),)
$(error ARCH must be x86_64 or riscv, not '$(ARCH)')
endif
ifeq ($(filter $(FORK),cow eager),)
$(error FORK must be cow or eager, not '$(FORK)')
endif
ifeq ($(filter $(RISCV_MODE),sv39 sv48),)
$(error RISCV_MODE must be sv39 or sv48, not '$(RISCV_MODE)')
endif
ifeq ($(filter $(SANITIZE),0 1),)
$(error SANITIZE must be 0 or 1, not '$(SANITIZE)')
endif

# The arch as the build directory names it: riscv-sv48 for RISCV_MODE=sv48.
BUILD_ARCH := $(ARCH)$(if $(filter riscv-sv48,$(ARCH)-$(RISCV_MODE)),-sv48)
## knob BUILD: where objects go; each fork flavour, RISC-V mode and
##     SANITIZE its own (make test: the folder of every column's build
##     directory)
BUILD ?= build/$(BUILD_ARCH)$(if $(filter eager,$(FORK)),-eager)$(if \
	$(filter 1,$(SANITIZE)),-sanitize)
KERNEL := $(BUILD)/kernel.elf
DEPS := tests/deps.sh

include arch/$(ARCH)/arch.mk

# SANITIZE=1: every kernel object (user programs are not affected) with
# UBSan, whose handlers are the kernel's own (lib/ubsan.c), and canaries in
# every frame with an array or an address-taken local (lib/stackguard.c).
# Every check of -fsanitize=undefined, alignment included (the kernel
# makes no unaligned access on purpose), and bounds-strict, which also
# checks an array at the end of a struct (docs/testing.md, "Sanitizers").
SANITIZE_CFLAGS := -fsanitize=undefined,bounds-strict \
	-fstack-protector-strong $(ARCH_STACK_GUARD_CFLAGS)

CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -ffreestanding -nostdlib \
	-fno-tree-loop-distribute-patterns \
	-fno-pic -fno-pie -fno-omit-frame-pointer \
	-fno-optimize-sibling-calls -fno-common -MMD -MP \
	-I. -Iarch/$(ARCH)/include -Iarch/include $(ARCH_CFLAGS) \
	-DFORK_EAGER=$(if $(filter eager,$(FORK)),1,0) \
	$(if $(filter 1,$(SANITIZE)),$(SANITIZE_CFLAGS),-fno-stack-protector) \
	-DKERNEL_SANITIZE=$(SANITIZE)
ASFLAGS := $(CFLAGS) -D__ASSEMBLY__
LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none \
	-Wl,-z,max-page-size=4096 -Wl,-T,arch/$(ARCH)/kernel.ld

# lib/ubsan.c, the UBSan handlers, only with SANITIZE=1, and never checked
# itself (a failed check in a handler would call it again).
KSRCS := $(filter-out $(if $(filter 1,$(SANITIZE)),,lib/ubsan.c), \
	$(wildcard kernel/*.c kernel/*.S mm/*.c lib/*.c) $(ARCH_SRCS))
$(BUILD)/lib/ubsan.c.o: CFLAGS += -fno-sanitize=undefined
KOBJS := $(patsubst %,$(BUILD)/%.o,$(KSRCS))

# User programs and the initrd: USER_INITRD.
# Objects depend on the flags they were built with: a build directory reused
# with other knobs (FORK, RISCV_MODE, EXTRA_CFLAGS, with an explicit BUILD=)
# rebuilds instead of mixing objects of both. The stamp's date moves only
# when the flags change.
FLAGS_STAMP := $(BUILD)/.flags
FLAGS_NOW = $(CFLAGS) | $(ASFLAGS) | $(USER_CFLAGS) | $(EXTRA_CFLAGS)
$(FLAGS_STAMP): FORCE
	$(shell mkdir -p $(@D))$(file >$@.new,$(FLAGS_NOW))
	@cmp -s $@.new $@ && rm -f $@.new || mv -f $@.new $@
# (no file is named FORCE: a rule that depends on it always runs)
FORCE:

include user/user.mk
# make bench, bench-table, bench-plot.
include tests/bench/bench.mk
# Linux side by side, for the benchmarks: bench-linux, linux-test, ...
include tests/bench/linux/linux.mk
.DEFAULT_GOAL := all

# What QEMU loads: the kernel, and the initrd as a boot module beside it
# (QEMU_MODULES, arch/$(ARCH)/arch.mk; docs/boot.md).
BOOT_FILES := $(KERNEL) $(USER_INITRD)

.PHONY: all qemu print-qemu qemu-gdb gdb gdb-check check soak soak-smp soak-storm test repeat clean deps help compile_commands.json
## all: build build/ARCH[-eager]/kernel.elf and its initrd (the default)
all: $(BOOT_FILES)

# Tools are checked (and installed when missing) once per build directory.
$(BUILD)/.deps: $(DEPS)
	@mkdir -p $(BUILD)
	@$(DEPS) $(ARCH)
	@touch $@

## deps: check ARCH's tools; install the missing ones as root
deps: $(BUILD)/.deps

## knob V: 1 shows whole commands
Q := $(if $(V),,@)

$(BUILD)/%.c.o: %.c $(FLAGS_STAMP) | $(BUILD)/.deps
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC    $<")
	$(Q)$(CC_ARCH) $(CFLAGS) -c $< -o $@

$(BUILD)/%.S.o: %.S $(FLAGS_STAMP) | $(BUILD)/.deps
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS    $<")
	$(Q)$(CC_ARCH) $(ASFLAGS) -c $< -o $@

# Two links, for symbolized backtraces (lib/ksyms.sh): the first with an
# empty symbol table, the second with the table of the first one's text
# symbols. The table's section comes last in the image, so it moves nothing;
# the check proves that, and that the table is the final image's own.
KSYMS := lib/ksyms.sh
NM_ARCH := $(patsubst %gcc,%nm,$(CC_ARCH))
KERNEL_FIRST := $(BUILD)/kernel.first.elf
KSYMS_OBJS := $(BUILD)/ksyms-empty.S.o $(BUILD)/ksyms.S.o

$(BUILD)/ksyms-empty.S: $(KSYMS) | $(BUILD)/.deps
	@$(if $(Q),echo "  GEN   $@")
	$(Q)$(KSYMS) table $(NM_ARCH) >$@

$(BUILD)/ksyms.S: $(KERNEL_FIRST) $(KSYMS)
	@$(if $(Q),echo "  NM    $@")
	$(Q)$(KSYMS) table $(NM_ARCH) $< >$@

$(KSYMS_OBJS): %.S.o: %.S
	@$(if $(Q),echo "  AS    $<")
	$(Q)$(CC_ARCH) $(ASFLAGS) -c $< -o $@

$(KERNEL_FIRST): $(KOBJS) $(BUILD)/ksyms-empty.S.o arch/$(ARCH)/kernel.ld
	@$(if $(Q),echo "  LD    $@")
	$(Q)$(CC_ARCH) $(CFLAGS) $(LDFLAGS) -o $@ $(KOBJS) $(BUILD)/ksyms-empty.S.o

$(KERNEL): $(KERNEL_FIRST) $(BUILD)/ksyms.S.o
	@$(if $(Q),echo "  LD    $@ (with its symbol table)")
	$(Q)$(CC_ARCH) $(CFLAGS) $(LDFLAGS) -o $@ $(KOBJS) $(BUILD)/ksyms.S.o
	$(Q)$(KSYMS) check $(NM_ARCH) $< $@ $(BUILD)/ksyms.S || \
		{ rm -f $@; exit 1; }

-include $(KOBJS:.o=.d)

# ---- Running ------------------------------------------------------------------

# The QEMU command line, defined here once: make qemu, qemu-gdb and fuzz,
# the test runner and the benchmarks (through print-qemu) and the Linux
# comparison (qemu_machine, with its own kernel) all boot with it.
#   qemu_machine MEM,CPUS   the machine: arch, RAM, CPUs, console, QEMUEXTRA
#   QEMU_MODULES            what QEMU loads beside the kernel: the initrd
#                           (arch/$(ARCH)/arch.mk)
#   QEMU_ARGV               the whole command, without the kernel's -append
qemu_machine = $(QEMU_ARGS) -m $(1) -smp $(2) -nographic -no-reboot \
	$(QEMUEXTRA)
QEMU_ARGV = $(QEMU) $(call qemu_machine,$(MEM),$(CPUS)) -kernel $(KERNEL) \
	$(QEMU_MODULES)
QEMU_CMD = $(QEMU_ARGV) $(if $(CMDLINE),-append "$(CMDLINE)")

## qemu: build and boot the kernel (Ctrl-A X leaves QEMU)
qemu: $(BOOT_FILES)
	$(QEMU_CMD)

# json_list WORDS: WORDS as a JSON list of strings.
json_string = "$(subst ",\",$(subst \,\\,$(1)))"
json_list = [$(subst $(json_space),$(json_comma) ,$(strip \
	$(foreach w,$(1),$(call json_string,$(w)))))]
json_comma := ,
json_space := $(subst ,, )

## print-qemu: the QEMU command of ARCH, CPUS, MEM, FORK, RISCV_MODE as
##             JSON (argv, kernel, append_flag), for tests/run.py; builds
##             nothing
print-qemu:
	$(info {"argv": $(call json_list,$(QEMU_ARGV)), "kernel": \
		$(call json_string,$(KERNEL)), "append_flag": "-append"})
	@:

## qemu-gdb: boot, halted, waiting for gdb on GDBPORT
qemu-gdb: $(BOOT_FILES)
	@echo "*** QEMU waits for gdb on port $(GDBPORT): run 'make ARCH=$(ARCH) gdb' in another terminal"
	$(QEMU_CMD) -S -gdb tcp::$(GDBPORT)

## gdb: attach gdb-multiarch to qemu-gdb; tests/gdb/osvm.py adds the
##      commands ptwalk, ps, regions, cpus, usym
gdb: $(KERNEL)
	@$(DEPS) gdb
	gdb-multiarch -q -ex "set architecture $(GDB_ARCH)" \
		-ex "file $(KERNEL)" -x tests/gdb/osvm.py \
		-ex "target remote localhost:$(GDBPORT)" $(GDBEXTRA)

## gdb-check: boot qemu-gdb, stop in a syscall of sh, check what the
##            gdb commands print (tests/gdb/check.sh)
gdb-check: $(BOOT_FILES)
	@tests/gdb/check.sh $(ARCH) BUILD=$(BUILD)

# ---- Tests --------------------------------------------------------------------

## knob HOSTCC: the compiler of the host unit tests
HOSTCC ?= cc

HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-I.
# The real mm/ code and the lib/ it stands on over simulated RAM;
# tests/host/ stands in for the arch functions (arch/include/arch/arch.h),
# kprintf, panic and the scheduler's wait ops (lib/wait.h). No kernel/ file.
HOST_SRCS := $(wildcard tests/host/*.c) mm/pmem.c mm/vpmap.c mm/kmalloc.c \
	mm/addrspace.c mm/fault.c mm/uaccess.c mm/vmmap.c lib/spinlock.c \
	lib/cpu.c lib/ipi.c lib/wait.c lib/sleeplock.c lib/failinject.c
HOST_HDRS := $(wildcard tests/host/*.h tests/host/include/arch/*.h mm/*.h lib/*.h lib/abi/*.h \
	arch/*/include/arch/*.h arch/include/arch/*.h)

# One test binary per PTE format: build/host/mm_test-FORMAT, FORMAT an arch
# or arch-mode (riscv-sv48: the RISC-V codec with the Sv48 constants).
HOST_FORMATS := x86_64 riscv riscv-sv48
HOST_FORMAT_CFLAGS_riscv-sv48 := -DRISCV_SV48=1

build/host/mm_test-%: $(HOST_SRCS) $(HOST_HDRS)
	@mkdir -p build/host
	@$(DEPS) check
	$(HOSTCC) $(HOST_CFLAGS) $(HOST_FORMAT_CFLAGS_$*) -Itests/host/include \
		-Iarch/$(firstword $(subst -, ,$*))/include -Iarch/include \
		-o $@ $(HOST_SRCS)

# The model-based test's knobs (tests/host/model_test.c): SEED= picks the
# run, STEPS= its length, TRACE=1 prints every operation. make check runs
# 100,000 steps per PTE format; make soak ten million, from a fresh seed
# unless SEED= is given.
## knob SEED: the seed of the model test (check, soak), of fuzz
## knob STEPS: model test steps (check: 100000; soak: SOAK_STEPS)
## knob TRACE: 1 makes the model test print every operation
MODEL_ARGS = $(if $(SEED),seed=$(SEED)) $(if $(STEPS),steps=$(STEPS)) \
	$(if $(TRACE),trace=1)
## knob SOAK_STEPS: steps of make soak's model test per PTE format
SOAK_STEPS ?= 10000000

## check: host unit tests and model test of mm/, every PTE format
# Every format runs even when one fails.
check: $(HOST_FORMATS:%=build/host/mm_test-%)
	@status=0; for f in $(HOST_FORMATS); do \
	  build/host/mm_test-$$f $(MODEL_ARGS) || status=1; \
	done; exit $$status

## soak: the model test of every PTE format (soak-FORMAT), soak-smp,
##       then soak-storm
soak: $(HOST_FORMATS:%=soak-%) soak-smp soak-storm

# The concurrency tests on every arch, SOAK_ROUNDS boots each, with CPUS=
# CPUs really in parallel (make soak CPUS=4): tests/matrix.py's SOAK.
## knob SOAK_ROUNDS: boots per arch of make soak-smp
SOAK_ROUNDS ?= 10
## knob SOAK_TESTS: the user tests make soak-smp runs
SOAK_TESTS ?= smp_stress|cow|cow_kernel|fork_wait|pipe|limits|fuzz
## soak-smp: concurrency tests, SOAK_ROUNDS boots per arch, CPUS=
soak-smp:
	@$(RUNNER) --table soak --repeat $(SOAK_ROUNDS) CPUS=$(CPUS) \
		'TESTS=$(SOAK_TESTS)'

# The fuzz storm (tests/soak/fuzz_storm.c): tests/matrix.py's STORM, four
# fuzzers at once at CPUS=4 among random kills and forks, STORM_CALLS calls
# per arch from SEED; a boot may take 120 s plus 1 s per 250 calls.
## knob STORM_CALLS: calls of make soak-storm's fuzzers, per arch
STORM_CALLS ?= 100000
## soak-storm: the fuzz storm on every arch at CPUS=4 (SEED=, STORM_CALLS=)
soak-storm:
	@$(RUNNER) --table storm TESTS=fuzz_storm STORM_CALLS=$(STORM_CALLS) \
		TIMEOUT=$$((120 + $(STORM_CALLS) / 250))

## soak-%: the model test, SOAK_STEPS steps; % = x86_64, riscv, riscv-sv48
soak-%: build/host/mm_test-%
	build/host/mm_test-$* seed=$(or $(SEED),random) \
		steps=$(or $(STEPS),$(SOAK_STEPS)) $(if $(TRACE),trace=1)

# The runner gets the variables of make's command line (but N, make
# repeat's): ARCH, CPUS, FORK, MEM, RISCV_MODE and OPTIONS pick the columns
# (make test ARCH=riscv CPUS=2: that column), TIMEOUT is its own, the
# others go to each make it runs.
## knob OPTIONS: make test: only the columns with these options (fault_sleep)
OPTIONS ?=
RUNNER_VARS = $(filter-out N OPTIONS,$(sort $(.VARIABLES)))
RUNNER = tests/run.py TIMEOUT=$(TIMEOUT) $(if $(OPTIONS),'OPTIONS=$(OPTIONS)') $(strip $(foreach v,$(RUNNER_VARS),$(if \
	$(filter command line,$(origin $(v))),'$(v)=$(subst ','\'',$($(v)))')))

## test: check, then the matrix of tests/matrix.py in QEMU (narrowed by
##       ARCH, CPUS, FORK, MEM, RISCV_MODE, OPTIONS); "N passed, N failed",
##       build/test-results.xml (JUnit) and build/test-matrix.md
test:
	@$(RUNNER)

## repeat: make test N times (N=, default 20), each run's logs apart;
##         then every test that failed in some run, with its logs
repeat:
	@$(RUNNER) --repeat $(or $(N),20)

## clean: remove build/
clean:
	rm -rf build compile_commands.json

## loc: lines of C and assembly per part of the tree, all and code only
.PHONY: loc
loc:
	@python3 tests/loc.py mm kernel arch/x86_64 arch/riscv user tests

## compile_commands.json: for clangd and clang-tidy (per ARCH)
compile_commands.json:
	@{ echo '['; sep=''; for f in $(KSRCS); do \
	  printf '%s{"directory":"%s","file":"%s","command":"%s %s -c %s"}\n' \
	    "$$sep" "$(CURDIR)" "$$f" "$(CC_ARCH)" "$(CFLAGS)" "$$f"; sep=','; \
	done; echo ']'; } >$@
	@echo "wrote $@ for ARCH=$(ARCH)"

# The makefiles that hold annotations, and the knobs they name.
HELP_FILES = $(filter Makefile %.mk,$(MAKEFILE_LIST))
HELP_KNOBS = $(shell sed -n 's/^\#\# knob \([A-Za-z0-9_]*\):.*/\1/p' $(HELP_FILES))

## help: this list, made from the makefiles' annotations
help:
	@$(foreach k,$(HELP_KNOBS),HELP_$(k)='$(subst ','\'',$($(k)))') \
		awk -f tests/help.awk $(HELP_FILES)
