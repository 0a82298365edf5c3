#!/usr/bin/env bash
# The test matrix behind `make test`.
#
#   tests/run-tests.sh [ARCH...]     (default: x86_64 riscv)
#
# An ARCH is x86_64, riscv or riscv-sv48 (RISC-V with 4-level Sv48 paging);
# with RISCV_MODE=sv48 in the environment (make test RISCV_MODE=sv48),
# riscv means riscv-sv48.
#
# 1. host unit tests of mm/ with each PTE codec (make check);
# 2. per arch: build the kernel, then boot it headless under QEMU (TCG)
#    once per scenario below, each boot under a timeout so a hang fails and
#    names the boot;
# 3. a table of test x column, and the last line "N passed, N failed".
# The exit status is non-zero when anything failed. Logs: build/test-logs/;
# every result also goes, one line each, to build/test-logs/results.tsv,
# which tests/results.py turns into build/test-results.xml (JUnit) and
# build/test-matrix.md (the table).
set -u
cd "$(dirname "$0")/.."

ARCHES=("$@")
((${#ARCHES[@]})) || ARCHES=(x86_64 riscv)
if [[ ${RISCV_MODE:-sv39} == sv48 ]]; then
	declare -A seen
	for arch in "${ARCHES[@]}"; do
		[[ $arch == riscv ]] && arch=riscv-sv48
		[[ -n ${seen[$arch]:-} ]] || ARCHES_SV48+=("$arch")
		seen[$arch]=1
	done
	ARCHES=("${ARCHES_SV48[@]}")
fi
TIMEOUT=${TIMEOUT:-60}
# The kernel words of the injected-failure column.
FAILINJECT_WORDS="failinject=alloc:seed=1,p=1/50"
LOGS=build/test-logs
mkdir -p "$LOGS"

RESULTS=$LOGS/results.tsv
: >"$RESULTS"
passed=0
failed=0
log= # the log of the result being recorded

# label COLUMN: the column's name in results: "host", "riscv cpus=2",
# "x86_64 cpus=1 eager" (FORK=eager), "riscv-sv48 cpus=1", "riscv cpus=2
# fault_sleep" (-faultsleep: the kernel command line has fault_sleep=1),
# "x86_64 cpus=1 failinject" (-failinject: it has $FAILINJECT_WORDS) and
# the like.
label() {
	local column=$1 cpus=1 fork="" arch knob=""
	if [[ $column == host ]]; then
		echo host
		return
	fi
	if [[ $column == *-faultsleep ]]; then
		knob=" fault_sleep"
		column=${column%-faultsleep}
	fi
	if [[ $column == *-failinject ]]; then
		knob=" failinject"
		column=${column%-failinject}
	fi
	[[ $column == *-cpus2 ]] && cpus=2
	[[ $column == *-eager ]] && fork=" eager"
	arch=${column%-cpus2}
	echo "${arch%-eager} cpus=$cpus$fork$knob"
}

# now_us: the time in microseconds.
now_us() {
	echo "${EPOCHREALTIME/./}"
}

# seconds FROM_US [TO_US]: the time between two now_us (TO_US: now) in
# seconds with one decimal.
seconds() {
	local ds=$(((${2:-$(now_us)} - $1) / 100000))
	echo "$((ds / 10)).$((ds % 10))"
}

# record TEST COLUMN OK SECONDS [WHY]: one result of log $log, printed as it
# happens and added to $RESULTS.
record() {
	local test=$1 column ok=$3 secs=$4 why=${5:-} status=pass
	column=$(label "$2")
	if [[ $ok == 1 ]]; then
		passed=$((passed + 1))
		printf '  PASS  %-19s %-28s %6ss\n' "$column" "$test" "$secs"
	else
		status=FAIL
		failed=$((failed + 1))
		printf '  FAIL  %-19s %-28s %6ss  %s\n' "$column" "$test" "$secs" "$why"
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$column" "$test" "$status" "$secs" \
		"$log" "${why//$'\t'/ }" >>"$RESULTS"
}

# make_for COLUMN ARGS...: make for a matrix column: "x86_64", "riscv",
# "riscv-sv48" (RISCV_MODE=sv48), "x86_64-eager" (the FORK=eager build) or
# "<arch>-cpus2" (two CPUs, run truly in parallel by multi-threaded TCG).
# With BUILD_ROOT set, each column builds in $BUILD_ROOT/<column> instead
# of build/<column> (to run the matrix beside another build).
make_for() {
	local column=${1%-faultsleep} fork=cow cpus=1 extra="" mode=sv39
	column=${column%-failinject}
	shift
	[[ $column == *-eager ]] && fork=eager
	[[ $column == *-sv48* ]] && mode=sv48
	if [[ $column == *-cpus2 ]]; then
		cpus=2
		extra="-accel tcg,thread=multi"
	fi
	make -s --no-print-directory ARCH="${column%%-*}" RISCV_MODE=$mode \
		FORK=$fork CPUS=$cpus QEMUEXTRA="$extra" \
		${BUILD_ROOT:+BUILD="$BUILD_ROOT/${column%-cpus2}"} "$@"
}

declare -A BOOTS # column -> boots so far

# stamp_runs FILE: from the console output on stdin, write each RUN, PASS
# and FAIL line of the runner in init to FILE, after the time it came
# (now_us), so that each user test gets its own duration.
stamp_runs() {
	local line
	grep --line-buffered -E '^(RUN|PASS|FAIL|runtests:) ' | while IFS= read -r line; do
		echo "${EPOCHREALTIME/./} ${line%$'\r'}"
	done >"$1"
}

# boot COLUMN NAME MEM CMDLINE WHAT: boot headless, saying so (WHAT is what
# the boot is for); sets $log, $status, $secs, $start_us and $end_us, and
# writes the runner's lines with their times to $log.runs (stamp_runs).
# Status 124 means the boot hung past $TIMEOUT seconds.
boot() {
	local arch=$1 name=$2 mem=$3 cmdline=$4 what=$5 cmd
	log="$LOGS/$arch-$name.log"
	cmd=$(make_for "$arch" MEM="$mem" qemu-cmd)
	BOOTS[$arch]=$((${BOOTS[$arch]:-0} + 1))
	echo "[$(label "$arch")] boot ${BOOTS[$arch]}: $what (MEM=$mem, '$cmdline') ..."
	start_us=$(now_us)
	# shellcheck disable=SC2086 # $cmd is a word list without spaces in words
	timeout "$TIMEOUT" $cmd -append "$cmdline" </dev/null 2>&1 |
		tee "$log" | stamp_runs "$log.runs"
	status=${PIPESTATUS[0]}
	end_us=$(now_us)
	secs=$(seconds "$start_us" "$end_us")
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
	boot "$arch" "mem-${mib}M" "${mib}M" "selftest=pmem" \
		"every frame at MEM=${mib}M"
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
	boot "$arch" selftest 256M selftest "the boot self-tests"
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
	boot "$arch" "$name" 256M "selftest=$name" "a panic on $name"
	addr=$(sed -n 's/^selftest: .* at \(0x[0-9a-f]*\)$/\1/p' "$log" | head -n1)
	# An execute fault's pc is the bad address itself.
	if [[ $access == execute ]]; then
		pcname="pc ${addr:-?}"
	else
		pcname="($function+0x"
	fi
	judge_panic "$arch" "$name" \
		"panic: page fault: kernel $access at ${addr:-?} ($reason), pc " \
		"$pcname" "$function"
}

# check_trap ARCH: an exception that is no page fault (selftest fault_trap)
# must panic as an unexpected trap, naming fault_trap in the panic line and
# the backtrace.
check_trap() {
	boot "$1" fault_trap 256M "selftest=fault_trap" "a panic on fault_trap"
	judge_panic "$1" fault_trap "panic: unexpected trap: " "(fault_trap+0x" \
		fault_trap
}

# check_stack_overflow ARCH: a kernel stack running into its guard page
# (selftest fault_stack_overflow) must panic by that name, naming the
# recursing function and, in the backtrace, the test (x86_64: from the
# double fault on its own stack; RISC-V: from the hart's overflow stack).
check_stack_overflow() {
	boot "$1" fault_stack_overflow 256M "selftest=fault_stack_overflow" \
		"a panic on fault_stack_overflow"
	judge_panic "$1" fault_stack_overflow "panic: kernel stack overflow: " \
		"(deep+0x" fault_stack_overflow
}

# check_low_memory ARCH: the course's low-memory test, a chain of 35 live
# processes, must run at MEM=8M.
check_low_memory() {
	local arch=$1
	boot "$arch" low-memory 8M "runtests test=fork_chain" "fork_chain at MEM=8M"
	if grep -q '^PASS fork_chain' "$log" && [[ $status == 0 ]]; then
		record "fork_chain at MEM=8M" "$arch" 1 "$secs"
	else
		record "fork_chain at MEM=8M" "$arch" 0 "$secs" \
			"$(grep -m1 -E '^(FAIL|panic)' "$log" || why_boot)"
	fi
}

# check_user_tests ARCH: boot with `runtests`, which makes init run every
# program in the initrd's TESTS list, each in its own process, printing
# "RUN name" then "PASS name" or "FAIL name: why"; each test's time is from
# its RUN line to its verdict. When a boot dies (panic or hang), the test
# that was running fails with the panic's text and the next boot starts
# after it (`runtests start=K`).
check_user_tests() {
	local arch=$1 start=0 name line ran last why at run_at want= verdicts=0
	local knob=""
	[[ $arch == *-faultsleep ]] && knob=" fault_sleep=1"
	[[ $arch == *-failinject ]] && knob=" $FAILINJECT_WORDS"
	while :; do
		boot "$arch" "user-from-$start" 256M "runtests start=$start$knob" \
			"user suite from start=$start"
		ran=0
		last=
		while read -r at line; do
			case $line in
			"runtests: "*) [[ -z $want ]] && want=${line//[!0-9]/} ;;
			"RUN "*) last=${line#RUN }; ran=$((ran + 1)); run_at=$at ;;
			"PASS "*)
				record "user ${line#PASS }" "$arch" 1 "$(seconds "$run_at" "$at")"
				last=
				verdicts=$((verdicts + 1))
				;;
			"FAIL "*)
				name=${line#FAIL }
				record "user ${name%%:*}" "$arch" 0 "$(seconds "$run_at" "$at")" "${name#*: }"
				last=
				verdicts=$((verdicts + 1))
				;;
			esac
		done <"$log.runs"
		if grep -qE '^[0-9]+ passed, [0-9]+ failed$' "$log" && [[ $status != 124 ]]; then
			break
		fi
		why=$(why_boot)
		if [[ -z $last ]]; then
			record "user tests (boot)" "$arch" 0 "$secs" "$why"
			return
		fi
		record "user $last" "$arch" 0 "$(seconds "$run_at" "$end_us")" "$why"
		verdicts=$((verdicts + 1))
		start=$((start + ran))
	done
	# Every test init listed got a verdict, none was skipped or lost.
	if [[ -n $want && $verdicts == "$want" ]]; then
		record "user suite complete" "$arch" 1 0.0
	else
		record "user suite complete" "$arch" 0 0.0 \
			"${verdicts} verdicts for ${want:-?} tests listed"
	fi
}

echo "== host unit tests (make check)"
for arch in x86_64 riscv riscv-sv48; do # the Makefile's HOST_FORMATS
	start_us=$(now_us)
	log=$LOGS/host-$arch.log
	if make -s --no-print-directory "build/host/mm_test-$arch" >"$log" 2>&1 &&
		"build/host/mm_test-$arch" >>"$log" 2>&1; then
		record "mm, $arch PTE codec" host 1 "$(seconds "$start_us")"
	else
		record "mm, $arch PTE codec" host 0 "$(seconds "$start_us")" \
			"$(tail -n1 "$log"), log $log"
	fi
done
start_us=$(now_us)
log=$LOGS/help.log
if tests/check-help.sh >"$log" 2>&1; then
	record "make help lists everything" host 1 "$(seconds "$start_us")"
else
	record "make help lists everything" host 0 "$(seconds "$start_us")" "$(tail -n1 "$log")"
fi

# check_gdb ARCH: the gdb commands of tests/gdb/osvm.py in a real session
# (tests/gdb/check.sh); skipped, not failed, when gdb-multiarch is missing
# and cannot be installed.
check_gdb() {
	local arch=$1 out start_us mode=sv39
	[[ $arch == *-sv48 ]] && mode=sv48
	start_us=$(now_us)
	log=$LOGS/gdb-${arch%-sv48}.log # check.sh names it after ARCH
	out=$(tests/gdb/check.sh "${arch%-sv48}" RISCV_MODE=$mode \
		${BUILD_ROOT:+BUILD="$BUILD_ROOT/$arch"})
	case $? in
	0) record "gdb: ps, regions, ptwalk" "$arch" 1 "$(seconds "$start_us")" ;;
	77) echo "  SKIP  $out" ;;
	*) record "gdb: ps, regions, ptwalk" "$arch" 0 "$(seconds "$start_us")" \
		"$(head -n1 <<<"$out")" ;;
	esac
}

# build COLUMN: build the kernel for a column; false (and a FAIL) if it fails.
build() {
	local start_us
	start_us=$(now_us)
	log=$LOGS/build-$1.log
	if ! make_for "$1" >"$log" 2>&1; then
		record build "$1" 0 "$(seconds "$start_us")" "see $log"
		return 1
	fi
	record build "$1" 1 "$(seconds "$start_us")"
}

for arch in "${ARCHES[@]}"; do
	echo "== $arch"
	build "$arch" || continue
	check_selftests "$arch" pmem kmalloc kmap vpmap timer ksyms
	check_gdb "$arch"
	# An execute fault's pc is not in the kernel's text: the backtrace
	# names the caller of the function that jumped.
	check_fault "$arch" fault_text_write write "read-only page" fault_text_write
	check_fault "$arch" fault_data_exec execute "no-execute page" selftest_run
	check_fault "$arch" fault_null_read read "not present" fault_null_read
	check_fault "$arch" fault_user_read read "user page" fault_user_read
	check_fault "$arch" fault_user_exec execute "user page" selftest_run
	check_trap "$arch"
	check_stack_overflow "$arch"
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

# Faults that sleep (fault_sleep=1): the user suite again, every page
# fault giving up its CPU before it is resolved, holding its address
# space's lock, as a fault waiting for a disk will; with two CPUs the
# process may resume on the other one.
for arch in "${ARCHES[@]}"; do
	echo "== $arch with fault_sleep=1"
	check_user_tests "$arch-faultsleep"
	check_user_tests "$arch-cpus2-faultsleep"
done

# Injected failures: the user suite (the fuzzer with it) again, each frame
# allocation and kmalloc failing with probability 1/50 from the first user
# process on. init judges each test by what the kernel must promise then:
# it ended (any status, or killed with a reason), nothing leaked, and the
# kernel runs the next one (docs/testing.md, "Injected failures").
for arch in "${ARCHES[@]}"; do
	echo "== $arch with $FAILINJECT_WORDS"
	check_user_tests "$arch-failinject"
	check_user_tests "$arch-cpus2-failinject"
done

# The eager-copy fork, the baseline copy-on-write is measured against, must
# keep passing the user suite too (x86_64 only: the fork code is arch-neutral).
if [[ " ${ARCHES[*]} " == *" x86_64 "* ]]; then
	echo "== x86_64 with FORK=eager"
	build x86_64-eager && check_user_tests x86_64-eager
fi

# Sv48, RISC-V's 4-level paging (RISCV_MODE=sv48): mm/ and kernel/ built
# unchanged for a deeper tree. Beside an Sv39 riscv column, what differs
# with the depth (the self-tests on two CPUs, gdb's 4-level walk, a 2 GiB
# direct map, the user suite) keeps make test short; TEST_ARCHES=riscv-sv48
# or RISCV_MODE=sv48 gives it the whole matrix.
if [[ " ${ARCHES[*]} " == *" riscv "* && " ${ARCHES[*]} " != *" riscv-sv48 "* ]]; then
	echo "== riscv-sv48: self-tests with CPUS=2, gdb, MEM=2G, the user suite"
	if build riscv-sv48; then
		check_selftests riscv-sv48-cpus2 pmem kmalloc kmap vpmap timer ksyms ipi
		check_gdb riscv-sv48
		check_memory riscv-sv48 2048
		check_user_tests riscv-sv48
	fi
fi

echo
if command -v python3 >/dev/null; then
	python3 tests/results.py "$RESULTS" build/test-results.xml build/test-matrix.md ||
		failed=$((failed + 1))
else
	echo "python3 not found: no build/test-results.xml or build/test-matrix.md"
fi
echo
echo "$passed passed, $failed failed"
((failed == 0))
