#!/usr/bin/env bash
# tests/bench/run.sh ARCH FORK: one column of `make bench`. Builds the
# kernel for ARCH with FORK=cow|eager in build/bench-ARCH[-eager], boots it
# headless once through the test runner (tests/run.py --boot: the QEMU
# command of make print-qemu) with init running the benchmarks as a test
# (`runtests test=bench`), and turns the BENCH lines of the serial log
# (build/bench-ARCH[-eager].log) into build/bench-ARCH[-eager].json.
# Environment: BENCH_CPUS (1), BENCH_MEM (256M), BENCH_TIMEOUT (600 s).
set -eu
cd "$(dirname "$0")/../.."

arch=$1 fork=$2
stem=build/bench-$arch label="$arch COW"
if [[ $fork == eager ]]; then
	stem=$stem-eager label="$arch eager"
fi
cpus=${BENCH_CPUS:-1} mem=${BENCH_MEM:-256M} limit=${BENCH_TIMEOUT:-600}
vars=(ARCH="$arch" FORK="$fork" BUILD="$stem" CPUS="$cpus" MEM="$mem")

echo "== bench: $arch, FORK=$fork, CPUS=$cpus, MEM=$mem (log $stem.log)"
tests/run.py --boot "$stem.log" --cmdline "runtests test=bench timeout=$limit" \
	TIMEOUT="$limit" "${vars[@]}"
# The machine the figures are from: QEMU's version and arguments.
argv=$(make -s --no-print-directory "${vars[@]}" print-qemu |
	python3 -c 'import json, sys; print(" ".join(json.load(sys.stdin)["argv"]))')
python3 tests/bench/report.py parse "$stem.log" -o "$stem.json" \
	--set label="$label" --set arch="$arch" \
	--set fork="$fork" --set cpus="$cpus" --set mem="$mem" \
	--set qemu="$(${argv%% *} --version | head -n1)" \
	--set qemu_args="${argv#* }"
