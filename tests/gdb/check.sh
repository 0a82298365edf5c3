#!/usr/bin/env bash
# Check the gdb commands of tests/gdb/osvm.py on a real session.
#
#   tests/gdb/check.sh ARCH [MAKEVAR=value...]     (make gdb-check)
#
# Boots `make qemu-gdb` in the background on port GDBPORT (from the
# environment; a free one if unset), attaches `make gdb`
# in batch mode with the commands of tests/gdb/check.gdb (stop in sh's first
# system call, then ps, cpus, regions, ptwalk, usym) and checks what they
# print: sh running with init its parent, the user text page present, user
# and not writable, kernel text not user, address 0 not mapped. The whole
# session is in GDB_LOG (default build/test-logs/gdb-ARCH.log). Prints one
# verdict line; exits
# 0 when all is as expected, 1 when not, 77 (skipped) when gdb-multiarch is
# missing and cannot be installed.
set -u
cd "$(dirname "$0")/../.." || exit 1

arch=${1:?usage: tests/gdb/check.sh ARCH [MAKEVAR=value...]}
shift
log=${GDB_LOG:-build/test-logs/gdb-$arch.log}
mkdir -p "$(dirname "$log")"

if ! tests/deps.sh gdb >"$log" 2>&1; then
	echo "gdb check ($arch): SKIPPED, gdb-multiarch cannot be installed" \
		"($(tail -n1 "$log"))"
	exit 77
fi

# mk ARGS...: make for this arch, two CPUs, the caller's variables.
mk() {
	make -s --no-print-directory ARCH="$arch" CPUS=2 "$@"
}

# free_port: a TCP port nobody listens on now.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("", 0));
print(s.getsockname()[1])' 2>/dev/null || echo $((20000 + $$ % 20000))
}

# listening PORT: is some process listening on PORT (/proc/net/tcp*)?
listening() {
	grep -qE "^ *[0-9]+: [0-9A-F]+:$(printf %04X "$1") [0-9A-F]+:0000 0A " \
		/proc/net/tcp /proc/net/tcp6 2>/dev/null
}

if ! mk "$@" >>"$log" 2>&1; then
	echo "gdb check ($arch): FAIL, the build failed, see $log"
	exit 1
fi

port=${GDBPORT:-$(free_port)}
timeout 60 make -s --no-print-directory ARCH="$arch" CPUS=2 "$@" \
	GDBPORT="$port" qemu-gdb </dev/null >"$log.qemu" 2>&1 &
qemu=$!
for _ in $(seq 100); do
	listening "$port" && break
	sleep 0.1
done

timeout 45 make -s --no-print-directory ARCH="$arch" "$@" GDBPORT="$port" \
	GDBEXTRA="-batch -x tests/gdb/check.gdb" gdb </dev/null >>"$log" 2>&1
# gdb's kill ends QEMU; if gdb did not get that far, end it here.
kill "$qemu" 2>/dev/null
wait "$qemu" 2>/dev/null

# section NAME: the lines of the log after "=== NAME", to the next "===".
section() {
	awk -v name="=== $1" '/^=== / { on = $0 == name; next } on' "$log"
}

bad=0
# expect SECTION WHAT REGEX: some line of SECTION must match REGEX.
expect() {
	if ! section "$1" | grep -qE "$3"; then
		echo "gdb check ($arch): $1: no $2 (/$3/)"
		bad=$((bad + 1))
	fi
}

hex='0x[0-9a-f]+'
if [[ $arch == riscv ]]; then
	leaf_text="^  L0 +\[ +0\] 0x[0-9a-f]{16}  page  $hex +V R X U( A)?( D)?$"
else
	leaf_text="^  PT +\[ +0\] 0x[0-9a-f]{16}  page  $hex +P U( A)?( D)?$"
fi
# At sh's main, in user mode (where a RISC-V hart cannot read kernel
# memory without osvm.py's help), then in its first system call.
for stop in "user: " ""; do
	expect "${stop}ps" "init, pid 1" "^ +1 +[a-z]+ +[-0-9]+ +$hex +- +init$"
	expect "${stop}ps" "sh running, child of init" \
		"^ +2 +running +[0-9] +$hex +1 +sh$"
	expect "${stop}cpus" "CPU running sh" \
		"^ +[0-9] +[0-9] +$hex +[0-9]+ +(yes|no) +2 \(sh\)$"
	expect "${stop}ptwalk kernel stack" "kernel rw- page" \
		"^  -> physical $hex, in a 4 KiB page, kernel rw-$"
done
expect "user: bt" "sh's main" "^#0  main \(\) at user/bin/sh\.c:"
expect "user: regions 2" "text region" \
	"^  \[0x400000, $hex\) +r-x +text +[1-9][0-9]* +[1-9]"
expect "user: regions 2" "10-page stack" \
	"^  \[$hex, $hex\) +rw- +stack +10 +[1-9]"
expect "user: regions 2" "picture of read-only pages" "^      r+$"
expect "user: regions 2" "text page of its own" \
	"^      0x400000 -> $hex  refs 1  "
expect "user: ptwalk user text" "present user leaf without W" "$leaf_text"
expect "user: ptwalk user text" "user r-x page" \
	"^  -> physical $hex, in a 4 KiB page, user r-x$"
expect "ptwalk kernel text" "kernel r-x page" \
	"^  -> physical $hex, in a .* page, kernel r-x$"
expect "ptwalk init text" "user r-x page" \
	"^  -> physical $hex, in a 4 KiB page, user r-x$"
expect "ptwalk null" "stop" "^  not mapped: the walk stops at "
expect usym "sh's symbols" "^usym: symbols of .*/user/sh$"
expect usym "_start at 0x400000" "^_start in section \.text of .*/user/sh$"
expect end "end of the session" "Kill the program being debugged"
if grep -E "^(Python Exception|Error occurred|Error in)" "$log"; then
	echo "gdb check ($arch): a command failed"
	bad=$((bad + 1))
fi

if [[ $bad != 0 ]]; then
	echo "gdb check ($arch): FAIL, $bad problem(s), session in $log"
	exit 1
fi
echo "gdb check ($arch): ps, cpus, regions, ptwalk, usym as expected ($log)"
