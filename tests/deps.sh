#!/bin/sh
# Make sure the tools a make target needs are present.
#
#   tests/deps.sh NEED...   where NEED is one of:
#     x86_64      build and boot the x86_64 kernel
#     riscv       build and boot the RISC-V kernel
#     gdb         debug either kernel (gdb-multiarch)
#     check       host unit tests (gcc with ASan/UBSan)
#     linux       run the course's programs under Debian's Linux in QEMU
#                 (make bench-linux: tests/bench/linux/)
#
# Every tool is checked by running for it, not by asking dpkg. What is missing
# is installed with apt-get (after one `apt-get update`) when we are root;
# otherwise the script prints the exact command to type and fails.
set -u

OPENSBI_FW=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin
missing=""

# need_tool TOOL PACKAGE: record PACKAGE when TOOL is not on the PATH.
need_tool() {
	command -v "$1" >/dev/null 2>&1 || missing="$missing $2"
}

# need_file FILE PACKAGE: record PACKAGE when FILE does not exist.
need_file() {
	[ -e "$1" ] || missing="$missing $2"
}

# need_asan: record gcc's sanitizer runtimes when a tiny program cannot link.
need_asan() {
	tmp=$(mktemp -d)
	echo 'int main(void){return 0;}' >"$tmp/t.c"
	if ! cc -fsanitize=address,undefined "$tmp/t.c" -o "$tmp/t" >/dev/null 2>&1; then
		missing="$missing libasan8 libubsan1"
	fi
	rm -rf "$tmp"
}

for need in "$@"; do
	case "$need" in
	x86_64)
		need_tool gcc gcc
		need_tool ld binutils
		need_tool qemu-system-x86_64 qemu-system-x86
		need_tool cpio cpio
		need_tool timeout coreutils
		;;
	riscv)
		need_tool riscv64-unknown-elf-gcc gcc-riscv64-unknown-elf
		need_tool riscv64-unknown-elf-ld binutils-riscv64-unknown-elf
		need_tool qemu-system-riscv64 qemu-system-misc
		need_file "$OPENSBI_FW" opensbi
		need_tool cpio cpio
		need_tool timeout coreutils
		;;
	gdb)
		need_tool gdb-multiarch gdb-multiarch
		;;
	check)
		need_tool cc gcc
		need_asan
		;;
	linux)
		need_tool gcc gcc
		need_tool qemu-system-x86_64 qemu-system-x86
		need_tool cpio cpio
		need_tool dpkg-deb dpkg
		need_tool python3 python3
		need_tool timeout coreutils
		;;
	*)
		echo "deps.sh: unknown need '$need'" >&2
		exit 2
		;;
	esac
done

[ -z "$missing" ] && exit 0
# One package may be missing for several reasons; name it once.
pkgs=$(printf '%s\n' $missing | sort -u | tr '\n' ' ')
cmd="apt-get install -y --no-install-recommends $pkgs"

if [ "$(id -u)" != 0 ]; then
	echo "Missing packages: $pkgs" >&2
	echo "Install them with:  sudo apt-get update && sudo $cmd" >&2
	exit 1
fi

echo "deps.sh: installing $pkgs" >&2
stamp=/var/lib/apt/periodic/osvm-apt-updated
if [ ! -e "$stamp" ]; then
	apt-get update -q >&2 || exit 1
	mkdir -p "$(dirname "$stamp")" && touch "$stamp"
fi
DEBIAN_FRONTEND=noninteractive $cmd >&2 || {
	echo "deps.sh: '$cmd' failed" >&2
	exit 1
}
