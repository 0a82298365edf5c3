# The benchmarks (tests/bench/bench.c) under QEMU, included by the top
# Makefile. docs/performance.md has the method and the figures.
#
#   make bench                  x86_64 and RISC-V, each with FORK=cow and
#                               FORK=eager: build/bench-<arch>[-eager].json,
#                               then one Markdown table, COW beside eager
#   make bench ARCH=riscv       one arch
#   make bench FORK=eager       one fork flavour (the table still shows the
#                               other's last results, when there are some)
#   make bench-table            the table again, from the JSON files
#   make bench-plot             build/bench-fork.svg: fork + exit + wait
#                               against MiB touched, with Linux too when
#                               build/bench-linux.json exists
#
# Knobs: BENCH_CPUS (1), BENCH_MEM (256M), BENCH_TIMEOUT (600 s per boot).
# Each column builds in build/bench-<arch>[-eager], never in the test build.

# Every arch and flavour unless the command line names one.
BENCH_ARCHES := $(if $(filter command line,$(origin ARCH)),$(ARCH),x86_64 riscv)
BENCH_FORKS := $(if $(filter command line,$(origin FORK)),$(FORK),cow eager)
## knob BENCH_CPUS: guest CPUs of make bench
BENCH_CPUS ?= 1
## knob BENCH_MEM: guest RAM of make bench
BENCH_MEM ?= 256M
## knob BENCH_TIMEOUT: seconds one make bench boot may take
BENCH_TIMEOUT ?= 600
BENCH_REPORT := python3 tests/bench/report.py
BENCH_LINUX := build/bench-linux.json
# The table's columns: each arch's COW and eager results, then Linux.
BENCH_TABLE_JSON := $(foreach a,$(BENCH_ARCHES),build/bench-$(a).json \
	build/bench-$(a)-eager.json) $(BENCH_LINUX)
BENCH_PLOT_JSON := $(foreach a,x86_64 riscv,build/bench-$(a).json \
	build/bench-$(a)-eager.json) $(BENCH_LINUX)

.PHONY: bench bench-table bench-plot
## bench: benchmarks, FORK=cow and eager, both arches (ARCH=, FORK= pick one); a Markdown table
bench:
	@for a in $(BENCH_ARCHES); do for f in $(BENCH_FORKS); do \
	  BENCH_CPUS=$(BENCH_CPUS) BENCH_MEM=$(BENCH_MEM) \
	  BENCH_TIMEOUT=$(BENCH_TIMEOUT) tests/bench/run.sh $$a $$f || exit 1; \
	done; done
	@echo
	@$(BENCH_REPORT) table $(BENCH_TABLE_JSON)

## bench-table: that table again, from build/bench-*.json
bench-table:
	@$(BENCH_REPORT) table $(BENCH_TABLE_JSON)

## bench-plot: build/bench-fork.svg, fork cost against MiB touched
bench-plot:
	@$(BENCH_REPORT) plot -o build/bench-fork.svg $(BENCH_PLOT_JSON)
