# Linux side by side (issue 8): the course's programs, built unchanged as
# static Linux programs through the shim of user/arch/linux-x86_64/, run by
# the /init of an initramfs under Debian's kernel, in the same QEMU as this
# kernel (docs/linux-compare.md). Included by the top Makefile after
# user/user.mk and tests/bench/bench.mk; x86_64 only.
#
#   make bench-linux     tests/bench/bench.c under Linux, on make bench's
#                        machine (BENCH_MEM, BENCH_CPUS): build/bench-linux.json
#   make linux-test      course tests under Linux (LINUX_TESTS='hello pipe')
#   make bench-compare   make bench ARCH=x86_64 (COW and eager), bench-linux,
#                        then one table with ratios (tests/bench/compare.py)
#   make linux-kernel    only fetch the kernel into build/linux/

LINUX_BUILD := build/linux
LINUX_SHIM := user/arch/linux-x86_64
LINUX_DIR := tests/bench/linux
LINUX_KERNEL := $(LINUX_BUILD)/vmlinuz
## knob LINUX_IMAGE: the Debian package of the kernel bench-linux boots
LINUX_IMAGE ?= linux-image-amd64
# norandmaps: the fixed layout of lib/arch.h; 4 KiB pages only, as here.
## knob LINUX_APPEND: Linux's command line for bench-linux and linux-test
LINUX_APPEND ?= console=ttyS0 quiet panic=-1 norandmaps \
	transparent_hugepage=never
## knob LINUX_TIMEOUT: seconds one Linux boot may take
LINUX_TIMEOUT ?= 300
## knob LINUX_BENCH: the programs bench-linux runs, in order
LINUX_BENCH ?= bench
# The course tests that hold under Linux (docs/linux-compare.md says why
# the others do not).
## knob LINUX_TESTS: the course tests linux-test runs under Linux
LINUX_TESTS ?= args argv_many dup exit_status fork_chain fork_wait hello \
	malloc_stress many_procs pipe preempt sleep smp_stress spawn_exec ulib

# The course's user flags for x86_64, with the shim's directory (lib/arch.h)
# after user/include, where the course build has user/arch/$(ARCH).
LINUX_X86_FLAGS := $(USER_ARCH_CFLAGS_x86_64)
LINUX_CFLAGS := -O2 -g -Wall -Wextra -Werror \
	$(filter-out -Iuser/arch/% $(USER_ARCH_CFLAGS),$(USER_BASE_CFLAGS)) \
	-I$(LINUX_SHIM) $(LINUX_X86_FLAGS)
LINUX_LDFLAGS := $(LINUX_X86_FLAGS) \
	$(filter-out $(USER_ARCH_CFLAGS),$(USER_LDFLAGS))

# The course's library and x86_64 clock; the system calls are the shim's.
LINUX_CRT0_SRC := $(LINUX_SHIM)/crt0.S
LINUX_LIB_SRCS := $(filter-out user/lib/usyscall.c,$(wildcard user/lib/*.c)) \
	$(USER_SHARED_SRCS) \
	user/arch/x86_64/clock.S \
	$(filter-out $(LINUX_CRT0_SRC),$(wildcard $(LINUX_SHIM)/*.c $(LINUX_SHIM)/*.S))
# Of user/bin, what the benchmarks and tests start.
LINUX_BIN_SRCS := user/bin/echo.c
LINUX_BENCH_SRCS := $(sort $(wildcard tests/bench/*.c))
LINUX_TEST_SRCS := $(addprefix tests/user/,$(addsuffix .c,$(LINUX_TESTS)))

linux_obj = $(patsubst %,$(LINUX_BUILD)/obj/%.o,$(1))
linux_prog = $(addprefix $(LINUX_BUILD)/bin/,$(notdir $(basename $(1))))

LINUX_CRT0 := $(call linux_obj,$(LINUX_CRT0_SRC))
LINUX_LIB := $(LINUX_BUILD)/libshim.a
LINUX_INIT := $(LINUX_BUILD)/bin/init
LINUX_BIN_PROGS := $(call linux_prog,$(LINUX_BIN_SRCS))
LINUX_BENCH_PROGS := $(call linux_prog,$(LINUX_BENCH_SRCS))
LINUX_TEST_PROGS := $(call linux_prog,$(LINUX_TEST_SRCS))
LINUX_OBJS := $(call linux_obj,$(LINUX_LIB_SRCS) $(LINUX_BIN_SRCS) \
	$(LINUX_BENCH_SRCS) $(LINUX_TEST_SRCS) $(LINUX_DIR)/init.c) $(LINUX_CRT0)

# This kernel's QEMU on the machine of MEM and CPUS (the top Makefile's
# qemu_machine), with Linux for the kernel.
linux_qemu = $(QEMU) $(call qemu_machine,$(1),$(2)) -kernel $(LINUX_KERNEL)
# linux_boot LIST,MEM,CPUS: boot Linux with build/linux/LIST.cpio, init
# running the commands of LIST.list; the console to build/linux/LIST.log and
# the terminal.
linux_boot = @echo "== booting $$(cat $(LINUX_BUILD)/kernel-version)" \
	"(MEM=$(2) CPUS=$(3), log $(LINUX_BUILD)/$(1).log)"; \
	start=$$(date +%s); \
	timeout $(LINUX_TIMEOUT) $(call linux_qemu,$(2),$(3)) \
	  -initrd $(LINUX_BUILD)/$(1).cpio \
	  -append "$(LINUX_APPEND) -- $(1).list" </dev/null 2>&1 | \
	  tee $(LINUX_BUILD)/$(1).log; \
	echo "== QEMU ran $$(($$(date +%s) - start)) s"

.PHONY: bench-linux linux-test bench-compare linux-kernel linux-check-arch

## linux-check-arch: (internal) stop unless ARCH=x86_64
linux-check-arch:
	$(if $(filter x86_64,$(ARCH)),,$(error Linux side by side is x86_64 only))

$(LINUX_BUILD)/.deps: $(DEPS)
	@mkdir -p $(LINUX_BUILD)
	@$(DEPS) linux
	@touch $@

$(LINUX_KERNEL): $(LINUX_DIR)/fetch-kernel.sh | $(LINUX_BUILD)/.deps
	$(Q)$(LINUX_DIR)/fetch-kernel.sh $(LINUX_BUILD) $(LINUX_IMAGE)

## linux-kernel: fetch Debian's kernel for bench-linux (never installed)
linux-kernel: $(LINUX_KERNEL)

$(filter %.c.o,$(LINUX_OBJS)): $(LINUX_BUILD)/obj/%.c.o: %.c \
		| $(LINUX_BUILD)/.deps
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC    $< (linux)")
	$(Q)gcc $(LINUX_CFLAGS) -c $< -o $@

$(filter %.S.o,$(LINUX_OBJS)): $(LINUX_BUILD)/obj/%.S.o: %.S \
		| $(LINUX_BUILD)/.deps
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS    $< (linux)")
	$(Q)gcc $(LINUX_CFLAGS) -c $< -o $@

$(LINUX_LIB): $(call linux_obj,$(LINUX_LIB_SRCS))
	@$(if $(Q),echo "  AR    $@")
	$(Q)rm -f $@ && ar rcs $@ $^

# linux_link PROGS,DIR: link each of PROGS from its object under DIR.
define linux_link
$(1): $(LINUX_BUILD)/bin/%: $(LINUX_BUILD)/obj/$(2)/%.c.o $(LINUX_CRT0) \
		$(LINUX_LIB) user/user.ld
	@mkdir -p $$(dir $$@)
	@$$(if $$(Q),echo "  LD    $$@")
	$$(Q)gcc $$(LINUX_LDFLAGS) -o $$@ $$(LINUX_CRT0) $$< $$(LINUX_LIB)
endef
$(eval $(call linux_link,$(LINUX_BIN_PROGS),user/bin))
$(eval $(call linux_link,$(LINUX_BENCH_PROGS),tests/bench))
$(eval $(call linux_link,$(LINUX_TEST_PROGS),tests/user))
$(eval $(call linux_link,$(LINUX_INIT),$(LINUX_DIR)))

# The command lists init runs.
$(LINUX_BUILD)/bench.list: user-force
	$(call user_write,$@,$(LINUX_BENCH))
$(LINUX_BUILD)/tests.list: user-force
	$(call user_write,$@,$(LINUX_TESTS))

# linux_pack LIST,PROGS: the initramfs: /init, PROGS at the root by bare
# name (as in the course's initrd), and /LIST.list.
define linux_pack
$(LINUX_BUILD)/$(1).cpio: $(LINUX_INIT) $(LINUX_BIN_PROGS) $(2) \
		$(LINUX_BUILD)/$(1).list
	@$$(if $$(Q),echo "  CPIO  $$@")
	$$(Q)rm -rf $(LINUX_BUILD)/$(1).root && mkdir -p $(LINUX_BUILD)/$(1).root
	$$(Q)cp $(LINUX_INIT) $(LINUX_BIN_PROGS) $(2) $(LINUX_BUILD)/$(1).root/
	$$(Q)cp $(LINUX_BUILD)/$(1).list $(LINUX_BUILD)/$(1).root/
	$$(Q)cd $(LINUX_BUILD)/$(1).root && find . | LC_ALL=C sort | \
		cpio -o -H newc -R 0:0 --quiet >$$(abspath $$@)
endef
$(eval $(call linux_pack,bench,$(LINUX_BENCH_PROGS)))
$(eval $(call linux_pack,tests,$(LINUX_TEST_PROGS)))

## bench-linux: the benchmarks under Debian's Linux in make bench's QEMU;
##   build/bench-linux.json, a column of make bench-table
bench-linux: linux-check-arch $(LINUX_KERNEL) $(LINUX_BUILD)/bench.cpio
	$(call linux_boot,bench,$(BENCH_MEM),$(BENCH_CPUS))
	@$(BENCH_REPORT) parse $(LINUX_BUILD)/bench.log -o build/bench-linux.json \
		--require "== done" --set label=linux --set arch=x86_64 \
		--set kernel="$$(cat $(LINUX_BUILD)/kernel-version)" \
		--set cpus=$(BENCH_CPUS) --set mem=$(BENCH_MEM) \
		--set qemu="$$($(QEMU) --version | head -n 1)" \
		--set qemu_args="$(wordlist 2,999,$(call linux_qemu,$(BENCH_MEM),$(BENCH_CPUS)))" \
		--set linux_append="$(LINUX_APPEND)"

## linux-test: course tests under Linux through the shim (LINUX_TESTS=)
linux-test: linux-check-arch $(LINUX_KERNEL) $(LINUX_BUILD)/tests.cpio
	$(call linux_boot,tests,$(MEM),$(CPUS))
	@python3 $(LINUX_DIR)/linux_log.py $(LINUX_BUILD)/tests.log

# make bench may fail: the table shows what there is.
## bench-compare: make bench ARCH=x86_64, bench-linux, then one table:
##   this kernel, FORK=eager, Linux, and the ratios to Linux
bench-compare: linux-check-arch
	@$(MAKE) --no-print-directory ARCH=x86_64 bench || \
	  echo "bench-compare: make bench failed; its columns may be old or empty"
	@$(MAKE) --no-print-directory bench-linux || \
	  echo "bench-compare: make bench-linux failed"
	@python3 tests/bench/compare.py build/bench-x86_64.json \
		build/bench-x86_64-eager.json build/bench-linux.json

-include $(LINUX_OBJS:.o=.d)
