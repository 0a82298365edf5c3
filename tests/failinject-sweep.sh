#!/usr/bin/env bash
# Injected failures, one at a time: boot once per N with the user test TEST
# alone and failinject=alloc:nth=N, so that its first, second, ... N-th
# allocation fails; each boot must end with init's PASS (the test ended,
# nothing leaked) and no panic.
#
#   tests/failinject-sweep.sh ARCH TEST FROM TO [STEP]     (e.g. x86_64 pipe 1 70)
#
# ARCH is x86_64 or riscv; the kernel is built first (make ARCH=ARCH), one
# CPU. Prints a line per bad boot (its log is kept in build/failinject/) and
# a summary; the exit status is non-zero when any boot was bad.
set -u
cd "$(dirname "$0")/.."

if (($# < 4)); then
	echo "usage: $0 ARCH TEST FROM TO [STEP]" >&2
	exit 2
fi
arch=$1 test=$2 from=$3 to=$4 step=${5:-1}
logs=build/failinject
mkdir -p "$logs"
make -s --no-print-directory ARCH="$arch" || exit 1
cmd=$(make -s --no-print-directory ARCH="$arch" CPUS=1 qemu-cmd)
boots=0 bad=0 hit=0
for ((n = from; n <= to; n += step)); do
	log=$logs/$arch-$test-$n.log
	# shellcheck disable=SC2086 # $cmd is a word list without spaces in words
	timeout 120 $cmd -append "runtests test=$test failinject=alloc:nth=$n" \
		</dev/null >"$log" 2>&1
	status=$?
	boots=$((boots + 1))
	grep -q '^failinject: alloc: .*, 1 failed' "$log" && hit=$((hit + 1))
	if [[ $status == 0 ]] && grep -q "^PASS $test" "$log" &&
		! grep -q '^panic' "$log"; then
		rm -f "$log"
		continue
	fi
	bad=$((bad + 1))
	echo "nth=$n: exit status $status: $(grep -m1 -E "^(panic|FAIL)" "$log" | tr -d '\r'), log $log"
done
echo "$arch $test nth=$from..$to step $step: $boots boots, $hit with a failure injected, $bad bad"
((bad == 0))
