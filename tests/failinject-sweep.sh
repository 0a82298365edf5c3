#!/usr/bin/env bash
# Injected failures, one at a time: boot once per N with the user test TEST
# alone and failinject=alloc:nth=N, so that its first, second, ... N-th
# allocation fails; each boot must end with init's "ok" (the test ended,
# nothing leaked) and no panic.
#
#   tests/failinject-sweep.sh ARCH TEST FROM TO [STEP]     (e.g. x86_64 pipe 1 70)
#
# One CPU; each boot through tests/run.py --boot. Prints a line per bad
# boot (its log is kept in build/failinject/) and a summary; the exit
# status is non-zero when any boot was bad.
set -u
cd "$(dirname "$0")/.."

if (($# < 4)); then
	echo "usage: $0 ARCH TEST FROM TO [STEP]" >&2
	exit 2
fi
arch=$1 test=$2 from=$3 to=$4 step=${5:-1}
logs=build/failinject
mkdir -p "$logs"
boots=0 bad=0 hit=0
for ((n = from; n <= to; n += step)); do
	log=$logs/$arch-$test-$n.log
	tests/run.py --boot "$log" ARCH="$arch" CPUS=1 TIMEOUT=120 \
		--cmdline "runtests test=$test failinject=alloc:nth=$n" \
		>"$log.out" 2>&1
	status=$?
	boots=$((boots + 1))
	grep -q '^failinject: alloc: .*, 1 failed' "$log" && hit=$((hit + 1))
	if [[ $status == 0 ]]; then
		rm -f "$log" "$log.out"
		continue
	fi
	bad=$((bad + 1))
	echo "nth=$n: $(tail -n1 "$log.out"), log $log"
done
echo "$arch $test nth=$from..$to step $step: $boots boots, $hit with a failure injected, $bad bad"
((bad == 0))
