# User space: the library, the programs of user/bin, the tests of tests/user
# and of $(EXTRA_TESTS), the benchmarks of tests/bench, and the initrd that
# packs them all. Included by the
# top Makefile, which defines ARCH, BUILD, CC_ARCH and Q.
#
#   make user                   build $(USER_INITRD) for $(ARCH)
#   EXTRA_TESTS=dir             also build and run every dir/*.c, as the
#                               course compiles its tests (EXTRA_CFLAGS)
#   TESTS='glob'                run only the tests whose names match (a shell
#                               case pattern: 'fork*', 'pipe|dup')
#   make fuzz [SEED=s] [N=n]    boot and run only tests/user/fuzz.c, with that
#                               seed and number of calls (default 1, 12000;
#                               the initrd file FUZZ passes them on), and
#                               FAILINJECT=rules under injected failures
#   tests/soak/*.c              soak-only tests (fuzz_storm, make soak-storm):
#                               in the initrd always, in TESTS only when a
#                               word of TESTS names one exactly
#
# Each program becomes $(USER_BUILD)/<name>; the initrd holds them at its
# root, by bare name, with a file TESTS naming the tests to run in order.
# The initrd's copies are stripped of everything the loader does not read
# (symbols and debug sections; gdb's usym reads $(USER_BUILD)/<name>): the
# initrd is a boot module in guest RAM, which at MEM=8M is scarce.

# Included before the top Makefile's first rule: keep its default goal.
USER_DEFAULT_GOAL := $(.DEFAULT_GOAL)
USER_BUILD := $(BUILD)/user
USER_INITRD := $(BUILD)/initrd.cpio
USER_STAGE := $(BUILD)/initrd
USER_AR := $(patsubst %gcc,%ar,$(CC_ARCH))
USER_STRIP := $(patsubst %gcc,%strip,$(CC_ARCH))

# No FPU or vector registers: the kernel does not save them.
USER_ARCH_CFLAGS_x86_64 := -m64 -march=x86-64 -mgeneral-regs-only \
	-fcf-protection=none
USER_ARCH_CFLAGS_riscv := -march=rv64imac_zicsr -mabi=lp64 -mcmodel=medany
# ARCH_MODE_CFLAGS (arch.mk): the arch's mode, e.g. RISC-V Sv48.
USER_ARCH_CFLAGS := $(USER_ARCH_CFLAGS_$(ARCH)) $(ARCH_MODE_CFLAGS)

USER_BASE_CFLAGS := -std=gnu11 -ffreestanding -nostdlib -fno-pic -fno-pie \
	-fno-stack-protector -fno-omit-frame-pointer -fno-common \
	-fno-tree-loop-distribute-patterns -MMD -MP \
	-Iuser/include -Iuser/arch/$(ARCH) $(USER_ARCH_CFLAGS)
USER_CFLAGS := -O2 -g -Wall -Wextra -Werror $(USER_BASE_CFLAGS)
# The course's tests: unoptimised, warnings shown but not fatal.
## knob EXTRA_CFLAGS: compiler flags of the EXTRA_TESTS programs
EXTRA_CFLAGS ?= -O0 -g -Wall -Wextra
USER_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none \
	-Wl,-z,max-page-size=4096 -Wl,-T,user/user.ld $(USER_ARCH_CFLAGS)

USER_CRT0_SRC := user/arch/$(ARCH)/crt0.S
# The support layer's string functions and formatter, which the kernel
# compiles too (they include only the compiler's headers and their own).
USER_SHARED_SRCS := lib/string.c lib/format.c
USER_LIB_SRCS := $(wildcard user/lib/*.c) $(USER_SHARED_SRCS) \
	$(filter-out $(USER_CRT0_SRC),$(wildcard user/arch/$(ARCH)/*.S))
USER_BIN_SRCS := $(wildcard user/bin/*.c)
USER_BENCH_SRCS := $(wildcard tests/bench/*.c)
USER_TEST_SRCS := $(sort $(wildcard tests/user/*.c))
USER_SOAK_SRCS := $(sort $(wildcard tests/soak/*.c))
## knob EXTRA_TESTS: a folder whose *.c are built and run as tests too
USER_EXTRA_SRCS := $(if $(EXTRA_TESTS),$(sort $(wildcard $(EXTRA_TESTS)/*.c)))

user_obj = $(patsubst %,$(USER_BUILD)/obj/%.o,$(1))
user_prog = $(addprefix $(USER_BUILD)/,$(notdir $(basename $(1))))

USER_CRT0 := $(call user_obj,$(USER_CRT0_SRC))
USER_LIB_OBJS := $(call user_obj,$(USER_LIB_SRCS))
USER_LIB := $(USER_BUILD)/libuser.a
USER_OWN_OBJS := $(call user_obj,$(USER_BIN_SRCS) $(USER_BENCH_SRCS) \
	$(USER_TEST_SRCS) $(USER_SOAK_SRCS))
USER_EXTRA_OBJS := $(patsubst $(EXTRA_TESTS)/%.c,$(USER_BUILD)/extra/%.o,\
	$(USER_EXTRA_SRCS))
USER_BIN_PROGS := $(call user_prog,$(USER_BIN_SRCS))
USER_BENCH_PROGS := $(call user_prog,$(USER_BENCH_SRCS))
USER_TEST_PROGS := $(call user_prog,$(USER_TEST_SRCS))
USER_SOAK_PROGS := $(call user_prog,$(USER_SOAK_SRCS))
USER_EXTRA_PROGS := $(call user_prog,$(USER_EXTRA_SRCS))
USER_PROGS := $(USER_BIN_PROGS) $(USER_BENCH_PROGS) $(USER_TEST_PROGS) \
	$(USER_SOAK_PROGS) $(USER_EXTRA_PROGS)

USER_NAMES := $(notdir $(USER_PROGS))
ifneq ($(words $(USER_NAMES)),$(words $(sort $(USER_NAMES))))
$(error two user programs share a name: $(sort $(USER_NAMES)))
endif

# The tests to run, ours then the extra ones, each sorted by name, then
# the soak-only ones TESTS names exactly.
## knob TESTS: only the user tests that match (a glob: 'fork*|pipe')
TESTS ?= *
USER_TEST_NAMES := $(shell for t in $(notdir $(USER_TEST_PROGS) \
	$(USER_EXTRA_PROGS)); do case $$t in ($(TESTS)) echo $$t;; esac; done) \
	$(filter $(subst |, ,$(TESTS)),$(notdir $(USER_SOAK_PROGS)))

.PHONY: user user-force
## user: the user programs and the initrd only
user: $(USER_INITRD)

$(USER_CRT0) $(filter %.S.o,$(USER_LIB_OBJS)): \
		$(USER_BUILD)/obj/%.S.o: %.S $(FLAGS_STAMP) | $(BUILD)/.deps
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS    $<")
	$(Q)$(CC_ARCH) $(USER_CFLAGS) -c $< -o $@

$(filter %.c.o,$(USER_LIB_OBJS)) $(USER_OWN_OBJS): \
		$(USER_BUILD)/obj/%.c.o: %.c $(FLAGS_STAMP) | $(BUILD)/.deps
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC    $<")
	$(Q)$(CC_ARCH) $(USER_CFLAGS) -c $< -o $@

$(USER_EXTRA_OBJS): $(USER_BUILD)/extra/%.o: $(EXTRA_TESTS)/%.c \
		$(FLAGS_STAMP) | $(BUILD)/.deps
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC    $< (EXTRA_CFLAGS)")
	$(Q)$(CC_ARCH) $(EXTRA_CFLAGS) $(USER_BASE_CFLAGS) -c $< -o $@

$(USER_LIB): $(USER_LIB_OBJS)
	@$(if $(Q),echo "  AR    $@")
	$(Q)rm -f $@ && $(USER_AR) rcs $@ $^

# user_link PROGS,DIR,SUFFIX: link each of PROGS from DIR/<name>SUFFIX,
# crt0 first and the library last.
define user_link
$(1): $(USER_BUILD)/%: $(2)/%$(3) $(USER_CRT0) $(USER_LIB) user/user.ld
	@$$(if $$(Q),echo "  LD    $$@")
	$$(Q)$$(CC_ARCH) $$(USER_LDFLAGS) -o $$@ $$(USER_CRT0) $$< $$(USER_LIB)
endef
$(eval $(call user_link,$(USER_BIN_PROGS),$(USER_BUILD)/obj/user/bin,.c.o))
$(eval $(call user_link,$(USER_BENCH_PROGS),$(USER_BUILD)/obj/tests/bench,.c.o))
$(eval $(call user_link,$(USER_TEST_PROGS),$(USER_BUILD)/obj/tests/user,.c.o))
$(eval $(call user_link,$(USER_SOAK_PROGS),$(USER_BUILD)/obj/tests/soak,.c.o))
$(eval $(call user_link,$(USER_EXTRA_PROGS),$(USER_BUILD)/extra,.o))

# Broken programs for tests/user/bad_elf.c, each a copy of echo cut short or
# with one field of a program header overwritten (ELF64, little-endian: the
# headers of text, rodata and data start at bytes 64, 120 and 176; p_vaddr is
# at +16, p_filesz at +32, p_memsz at +40).
USER_BAD_ELFS := $(addprefix $(USER_BUILD)/,elf_truncated elf_kernel \
	elf_huge elf_wrap elf_overlap elf_filesz)
USER_ECHO := $(USER_BUILD)/echo
user_le64_kernel := \000\000\000\200\377\377\377\377
user_le64_huge := \000\000\000\000\000\200\000\000
user_le64_wrap := \000\360\377\377\377\377\377\377
user_le64_text := \000\000\100\000\000\000\000\000
user_le64_1m := \000\000\020\000\000\000\000\000

# user_patch OFFSET,BYTES: copy echo to the target, then write BYTES there.
user_patch = $(Q)cp $(USER_ECHO) $@ && printf '$(2)' | \
	dd of=$@ bs=1 seek=$(1) conv=notrunc status=none

$(USER_BUILD)/elf_truncated: $(USER_ECHO)
	$(Q)head -c 2000 $< >$@
$(USER_BUILD)/elf_kernel: $(USER_ECHO)
	$(call user_patch,80,$(user_le64_kernel))
$(USER_BUILD)/elf_huge: $(USER_ECHO)
	$(call user_patch,216,$(user_le64_huge))
$(USER_BUILD)/elf_wrap: $(USER_ECHO)
	$(call user_patch,216,$(user_le64_wrap))
$(USER_BUILD)/elf_overlap: $(USER_ECHO)
	$(call user_patch,136,$(user_le64_text))
$(USER_BUILD)/elf_filesz: $(USER_ECHO)
	$(call user_patch,96,$(user_le64_1m))

# user_write FILE,WORDS: write WORDS one per line to FILE, touching it only
# when its contents change (so a new TESTS= or EXTRA_TESTS= repacks).
user_write = @mkdir -p $(dir $(1)); printf '%s\n' $(2) >$(1).tmp; \
	cmp -s $(1).tmp $(1) && rm -f $(1).tmp || mv -f $(1).tmp $(1)

## user-force: (internal) rewrite the initrd's lists if they changed
$(USER_BUILD)/TESTS: user-force
	$(call user_write,$@,$(USER_TEST_NAMES))

$(USER_BUILD)/programs: user-force
	$(call user_write,$@,$(USER_NAMES))

# The fuzzer's seed and calls: from make's command line only, so that a
# stray SEED or N in the environment does not change `make test`.
FUZZ_SEED := $(if $(filter command line,$(origin SEED)),$(SEED),1)
## knob N: the number of calls of make fuzz (12000); the runs of make repeat
FUZZ_N := $(if $(filter command line,$(origin N)),$(N),12000)

$(USER_BUILD)/FUZZ: user-force
	$(call user_write,$@,seed=$(FUZZ_SEED) n=$(FUZZ_N))

## knob FAILINJECT: make fuzz under injected failures, e.g. alloc:seed=1,p=1/50
FAILINJECT ?=

# The fuzz storm's seed (SEED=, as for fuzz) and calls (STORM_CALLS).
$(USER_BUILD)/STORM: user-force
	$(call user_write,$@,'$(FUZZ_SEED) $(STORM_CALLS)')

# make fuzz: the runner with the fuzzer alone, its watchdog scaled to N.
.PHONY: fuzz
## fuzz: boot and run the syscall fuzzer alone (SEED=, N=, FAILINJECT=)
fuzz: CMDLINE = runtests test=fuzz timeout=$(shell echo $$((30 + $(FUZZ_N) / 1000))) \
	$(if $(FAILINJECT),failinject=$(FAILINJECT))
fuzz: $(KERNEL) $(USER_INITRD)
	$(QEMU_CMD) </dev/null

# (user/user.mk too: a change of this recipe repacks)
$(USER_INITRD): $(USER_PROGS) $(USER_BAD_ELFS) $(USER_BUILD)/TESTS \
		$(USER_BUILD)/programs $(USER_BUILD)/FUZZ $(USER_BUILD)/STORM \
		user/user.mk
	@$(if $(Q),echo "  CPIO  $@")
	$(Q)rm -rf $(USER_STAGE) && mkdir -p $(USER_STAGE)
	$(Q)cp $(USER_PROGS) $(USER_BAD_ELFS) $(USER_BUILD)/TESTS \
		$(USER_BUILD)/FUZZ $(USER_BUILD)/STORM $(USER_STAGE)/
	$(Q)$(USER_STRIP) --strip-all $(addprefix $(USER_STAGE)/,$(USER_NAMES))
	$(Q)cd $(USER_STAGE) && ls | LC_ALL=C sort | \
		cpio -o -H newc -R 0:0 --quiet >$(abspath $@)

-include $(USER_CRT0:.o=.d) $(USER_LIB_OBJS:.o=.d) $(USER_OWN_OBJS:.o=.d) \
	$(USER_EXTRA_OBJS:.o=.d)

.DEFAULT_GOAL := $(USER_DEFAULT_GOAL)
