#!/usr/bin/env bash
# The test matrix behind `make test`.
#
#   tests/run-tests.sh [ARCH...]     (default: x86_64 riscv)
#
# 1. host unit tests of mm/ with each arch's PTE codec (make check);
# 2. per arch: build the kernel, then boot it headless under QEMU (TCG)
#    once per scenario below, each boot under a timeout so a hang fails and
#    names the boot;
# 3. a table of test x arch, and the last line "N passed, N failed".
# The exit status is non-zero when anything failed. Logs: build/test-logs/.
set -u
cd "$(dirname "$0")/.."

ARCHES=("$@")
((${#ARCHES[@]})) || ARCHES=(x86_64 riscv)
TIMEOUT=${TIMEOUT:-60}
LOGS=build/test-logs
mkdir -p "$LOGS"

declare -A RESULT # "test|arch" -> PASS/FAIL (seconds)
TESTS=()          # row names, in order of first appearance
passed=0
failed=0

# record TEST ARCH OK SECONDS [WHY]: one result, printed as it happens.
record() {
	local test=$1 arch=$2 ok=$3 secs=$4 why=${5:-}
	[[ " ${TESTS[*]} " == *" $test "* ]] || TESTS+=("$test")
	if [[ $ok == 1 ]]; then
		RESULT["$test|$arch"]="pass ${secs}s"
		passed=$((passed + 1))
		printf '  PASS  %-8s %-26s %5ss\n' "$arch" "$test" "$secs"
	else
		RESULT["$test|$arch"]="FAIL ${secs}s"
		failed=$((failed + 1))
		printf '  FAIL  %-8s %-26s %5ss  %s\n' "$arch" "$test" "$secs" "$why"
	fi
}

# make_for COLUMN ARGS...: make for a matrix column: "x86_64", "riscv",
# "x86_64-eager" (the FORK=eager build) or "<arch>-cpus2" (two CPUs, run
# truly in parallel by multi-threaded TCG).
# With BUILD_ROOT set, each column builds in $BUILD_ROOT/<column> instead
# of build/<column> (to run the matrix beside another build).
make_for() {
	local column=$1 fork=cow cpus=1 extra=
	shift
	[[ $column == *-eager ]] && fork=eager
	if [[ $column == *-cpus2 ]]; then
		cpus=2
		extra="-accel tcg,thread=multi"
	fi
	make -s --no-print-directory ARCH="${column%-*}" FORK=$fork CPUS=$cpus \
		QEMUEXTRA="$extra" \
		${BUILD_ROOT:+BUILD="$BUILD_ROOT/${column%-cpus2}"} "$@"
}

# boot COLUMN NAME MEM CMDLINE: boot headless; sets $log, $status, $secs.
# Status 124 means the boot hung past $TIMEOUT seconds.
boot() {
	local arch=$1 name=$2 mem=$3 cmdline=$4 start cmd
	log="$LOGS/$arch-$name.log"
	cmd=$(make_for "$arch" MEM="$mem" qemu-cmd)
	echo "  ....  $arch: booting '$name' (MEM=$mem, '$cmdline')"
	start=$(date +%s)
	# shellcheck disable=SC2086 # $cmd is a word list without spaces in words
	timeout "$TIMEOUT" $cmd -append "$cmdline" </dev/null >"$log" 2>&1
	status=$?
	secs=$(($(date +%s) - start))
	sed -i 's/\r$//' "$log" # the serial console ends lines with CR LF
}

# why_boot: a one-line reason for a boot that went wrong, or "".
why_boot() {
	if [[ $status == 124 ]]; then
		echo "boot hung (no exit within ${TIMEOUT}s), log $log"
	else
		grep -m1 -E '^panic:' "$log" || echo "exit status $status, log $log"
	fi
}

# Usable memory the banner reported, in KiB.
banner_kib() {
	sed -n 's/^memory: \([0-9]*\) KiB usable.*/\1/p' "$1" | head -n1
}

# check_memory ARCH MEM_MIB: boot with that much RAM, run the pmem self-test
# (every frame allocated and freed) and check the banner's figure: the
# firmware keeps a little, so at least 3/4 of it and at most all of it.
check_memory() {
	local arch=$1 mib=$2 kib
	boot "$arch" "mem-${mib}M" "${mib}M" "selftest=pmem"
	kib=$(banner_kib "$log")
	if [[ $status != 0 ]]; then
		record "boot MEM=${mib}M" "$arch" 0 "$secs" "$(why_boot)"
	elif [[ -z $kib ]] || ((kib * 4 < mib * 1024 * 3 || kib > mib * 1024)); then
		record "boot MEM=${mib}M" "$arch" 0 "$secs" "banner says '${kib:-?}' KiB for ${mib} MiB"
	else
		record "boot MEM=${mib}M" "$arch" 1 "$secs"
	fi
}

# check_selftests COLUMN NAME...: one boot runs every non-fatal self-test;
# each "selftest NAME: ok" line is a row.
check_selftests() {
	local arch=$1 name ok
	shift
	boot "$arch" selftest 256M selftest
	for name in "$@"; do
		ok=0
		grep -q "^selftest $name: ok" "$log" && ok=1
		if [[ $ok == 1 && $status == 0 ]]; then
			record "selftest $name" "$arch" 1 "$secs"
		elif [[ $ok == 1 ]]; then
			record "selftest $name" "$arch" 0 "$secs" "passed, but the boot failed: $(why_boot)"
		else
			record "selftest $name" "$arch" 0 "$secs" "$(grep -m1 -A1 "^selftest $name" "$log" | tr '\n' ' ')$(why_boot)"
		fi
	done
}

# judge_panic ARCH NAME WANT PCNAME FUNCTION: the boot of self-test NAME
# must have panicked with a line that holds WANT, and PCNAME (unless empty:
# the function holding the pc, "(fault_trap+0x"), and a backtrace that names
# FUNCTION ("#1 ffffffff80104a5c selftest_run+0x8c"), and QEMU must have
# exited with a failure status.
judge_panic() {
	local arch=$1 name=$2 want=$3 pcname=$4 function=$5
	if [[ $status == 124 ]]; then
		record "panic on $name" "$arch" 0 "$secs" "$(why_boot)"
	elif [[ $status == 0 ]]; then
		record "panic on $name" "$arch" 0 "$secs" "QEMU exited 0 after a kernel fault"
	elif ! grep -qF "$want" "$log"; then
		record "panic on $name" "$arch" 0 "$secs" "no line '$want'; got: $(grep -m1 '^panic' "$log")"
	elif ! grep '^panic: ' "$log" | grep -qF "$pcname"; then
		record "panic on $name" "$arch" 0 "$secs" "the panic line does not name the function: no '$pcname'"
	elif ! grep -qE '^  #1 [0-9a-f]{16} [A-Za-z0-9_.]+\+0x' "$log"; then
		record "panic on $name" "$arch" 0 "$secs" "no symbolized backtrace after the panic"
	elif ! grep -qE "^  #[0-9]+ [0-9a-f]{16} $function\+0x" "$log"; then
		record "panic on $name" "$arch" 0 "$secs" "the backtrace does not name $function"
	else
		record "panic on $name" "$arch" 1 "$secs"
	fi
}

# check_fault ARCH NAME ACCESS REASON FUNCTION: a self-test that makes a bad
# kernel access must panic with the fault record decoded in words — the
# address the test announced, the access and the reason, and the function
# at the pc — plus a backtrace that names FUNCTION. An execute fault's pc is
# the bad address, in no function.
check_fault() {
	local arch=$1 name=$2 access=$3 reason=$4 function=$5 addr pcname=
	boot "$arch" "$name" 256M "selftest=$name"
	addr=$(sed -n 's/^selftest: .* at \(0x[0-9a-f]*\)$/\1/p' "$log" | head -n1)
	[[ $access != execute ]] && pcname="($function+0x"
	judge_panic "$arch" "$name" \
		"panic: page fault: kernel $access at ${addr:-?} ($reason), pc " \
		"$pcname" "$function"
}

# check_trap ARCH: an exception that is no page fault (selftest fault_trap)
# must panic as an unexpected trap, naming fault_trap in the panic line and
# the backtrace.
check_trap() {
	boot "$1" fault_trap 256M "selftest=fault_trap"
	judge_panic "$1" fault_trap "panic: unexpected trap: " "(fault_trap+0x" \
		fault_trap
}

# check_low_memory ARCH: the course's low-memory test, a chain of 35 live
# processes, must run at MEM=8M.
check_low_memory() {
	local arch=$1
	boot "$arch" low-memory 8M "runtests test=fork_chain"
	if grep -q '^PASS fork_chain' "$log" && [[ $status == 0 ]]; then
		record "fork_chain at MEM=8M" "$arch" 1 "$secs"
	else
		record "fork_chain at MEM=8M" "$arch" 0 "$secs" \
			"$(grep -m1 -E '^(FAIL|panic)' "$log" || why_boot)"
	fi
}

# check_user_tests ARCH: boot with `runtests`, which makes init run every
# program in the initrd's TESTS list, each in its own process, printing
# "RUN name" then "PASS name" or "FAIL name: why". When a boot dies (panic
# or hang), the test that was running fails with the panic's text and the
# next boot starts after it (`runtests start=K`).
check_user_tests() {
	local arch=$1 start=0 name line ran last why
	while :; do
		boot "$arch" "user-from-$start" 256M "runtests start=$start"
		ran=0
		last=
		while IFS= read -r line; do
			case $line in
			"RUN "*) last=${line#RUN }; ran=$((ran + 1)) ;;
			"PASS "*) record "user ${line#PASS }" "$arch" 1 "$secs"; last= ;;
			"FAIL "*)
				name=${line#FAIL }
				record "user ${name%%:*}" "$arch" 0 "$secs" "${name#*: }"
				last=
				;;
			esac
		done < <(grep -E '^(RUN|PASS|FAIL) ' "$log")
		if grep -qE '^[0-9]+ passed, [0-9]+ failed$' "$log" && [[ $status != 124 ]]; then
			return
		fi
		why=$(why_boot)
		if [[ -z $last ]]; then
			record "user tests (boot)" "$arch" 0 "$secs" "$why"
			return
		fi
		record "user $last" "$arch" 0 "$secs" "$why"
		start=$((start + ran))
	done
}

echo "== host unit tests (make check)"
for arch in x86_64 riscv; do
	start=$(date +%s)
	if make -s --no-print-directory "build/host/mm_test-$arch" >"$LOGS/host-$arch.log" 2>&1 &&
		"build/host/mm_test-$arch" >>"$LOGS/host-$arch.log" 2>&1; then
		record "host mm (PTE codec)" "$arch" 1 $(($(date +%s) - start))
	else
		record "host mm (PTE codec)" "$arch" 0 $(($(date +%s) - start)) \
			"$(tail -n1 "$LOGS/host-$arch.log"), log $LOGS/host-$arch.log"
	fi
done

# build COLUMN: build the kernel for a column; false (and a FAIL) if it fails.
build() {
	local start
	start=$(date +%s)
	if ! make_for "$1" >"$LOGS/build-$1.log" 2>&1; then
		record build "$1" 0 $(($(date +%s) - start)) "see $LOGS/build-$1.log"
		return 1
	fi
	record build "$1" 1 $(($(date +%s) - start))
}

for arch in "${ARCHES[@]}"; do
	echo "== $arch"
	build "$arch" || continue
	check_selftests "$arch" pmem kmalloc kmap vpmap timer ksyms
	# An execute fault's pc is not in the kernel's text: the backtrace
	# names the caller of the function that jumped.
	check_fault "$arch" fault_text_write write "read-only page" fault_text_write
	check_fault "$arch" fault_data_exec execute "no-execute page" selftest_run
	check_fault "$arch" fault_null_read read "not present" fault_null_read
	check_fault "$arch" fault_user_read read "user page" fault_user_read
	check_fault "$arch" fault_user_exec execute "user page" selftest_run
	check_trap "$arch"
	check_memory "$arch" 8
	check_memory "$arch" 2048
	check_user_tests "$arch"
	check_low_memory "$arch"
done

# Two CPUs: the user suite again, with processes really running in parallel.
for arch in "${ARCHES[@]}"; do
	echo "== $arch with CPUS=2"
	check_selftests "$arch-cpus2" pmem kmalloc kmap vpmap timer ksyms ipi
	check_user_tests "$arch-cpus2"
done

# The eager-copy fork, the baseline copy-on-write is measured against, must
# keep passing the user suite too (x86_64 only: the fork code is arch-neutral).
if [[ " ${ARCHES[*]} " == *" x86_64 "* ]]; then
	echo "== x86_64 with FORK=eager"
	build x86_64-eager && check_user_tests x86_64-eager
fi

COLUMNS=(x86_64 riscv x86_64-cpus2 riscv-cpus2 x86_64-eager)
echo
printf '| %-26s |' test
for arch in "${COLUMNS[@]}"; do printf ' %-12s |' "$arch"; done
printf '\n|%s|' "----------------------------"
for arch in "${COLUMNS[@]}"; do printf '%s|' "--------------"; done
echo
for test in "${TESTS[@]}"; do
	printf '| %-26s |' "$test"
	for arch in "${COLUMNS[@]}"; do printf ' %-12s |' "${RESULT["$test|$arch"]:-}"; done
	echo
done
echo
echo "$passed passed, $failed failed"
((failed == 0))
