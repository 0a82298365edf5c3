#!/usr/bin/env bash
# tests/bench/run.sh ARCH FORK: one column of `make bench`. Builds the
# kernel for ARCH with FORK=cow|eager in build/bench-ARCH[-eager], boots it
# headless once (TCG, as `make qemu` does) with init running the benchmarks
# as a test (`runtests test=bench`), and turns the BENCH lines of the serial
# log (build/bench-ARCH[-eager].log) into build/bench-ARCH[-eager].json.
# Environment: BENCH_CPUS (1), BENCH_MEM (256M), BENCH_TIMEOUT (600 s).
set -eu
cd "$(dirname "$0")/../.."

arch=$1 fork=$2
stem=build/bench-$arch label="$arch COW"
if [[ $fork == eager ]]; then
	stem=$stem-eager label="$arch eager"
fi
cpus=${BENCH_CPUS:-1} mem=${BENCH_MEM:-256M} limit=${BENCH_TIMEOUT:-600}

# mk ARGS...: make for this column.
mk() {
	make -s --no-print-directory ARCH="$arch" FORK="$fork" BUILD="$stem" \
		CPUS="$cpus" MEM="$mem" "$@"
}

echo "== bench: $arch, FORK=$fork, CPUS=$cpus, MEM=$mem (log $stem.log)"
mk
cmd=$(mk qemu-cmd)
status=0
# shellcheck disable=SC2086 # $cmd is a word list without spaces in words
timeout "$limit" $cmd -append "runtests test=bench timeout=$limit" \
	</dev/null >"$stem.log" 2>&1 || status=$?
sed -i 's/\r$//' "$stem.log"
if ((status == 124)); then
	echo "bench: no exit within $limit s (BENCH_TIMEOUT), log $stem.log" >&2
	exit 1
fi
python3 tests/bench/report.py parse "$stem.log" -o "$stem.json" \
	--require "PASS bench" --set label="$label" --set arch="$arch" \
	--set fork="$fork" --set cpus="$cpus" --set mem="$mem" \
	--set qemu="$(${cmd%% *} --version | head -n1)" \
	--set qemu_args="${cmd#* }"
