#!/bin/sh
# Fetch Debian's kernel for make bench-linux, without installing it:
#
#   tests/bench/linux/fetch-kernel.sh DIR [PACKAGE]
#
# PACKAGE (default linux-image-amd64, a metapackage) is resolved to the
# image package it depends on, which `apt-get download` fetches into DIR/deb/
# (a cache: a .deb already there is reused). Only /boot/vmlinuz-* and
# /boot/config-* are taken out of it, into DIR/boot/; DIR/vmlinuz is the
# kernel and DIR/kernel-version names it. The modules stay in the .deb: the
# initramfs needs none. `apt-get update` runs only when the download fails,
# and only as root; otherwise the script prints the command and stops, as
# tests/deps.sh does.
set -eu
dir=$1
pkg=${2:-linux-image-amd64}

# resolve PKG: print the package that holds PKG's kernel image (PKG itself
# unless it depends on a linux-image-* package).
resolve() {
	dep=$(apt-cache depends "$1" 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[^ ]*\)$/\1/p' | head -n 1)
	echo "${dep:-$1}"
}

# fetch: download the image package into DIR/deb unless it is there; sets
# real to its name.
fetch() {
	real=$(resolve "$pkg")
	for deb in "$dir/deb/${real}"_*.deb; do
		[ -e "$deb" ] && return 0
	done
	(cd "$dir/deb" && apt-get download "$real")
}

mkdir -p "$dir/deb"
if ! fetch; then
	if [ "$(id -u)" != 0 ]; then
		echo "fetch-kernel.sh: 'apt-get download $pkg' failed." >&2
		echo "Refresh the package lists with:  sudo apt-get update" >&2
		exit 1
	fi
	echo "fetch-kernel.sh: download failed; running apt-get update" >&2
	apt-get update -q >&2
	fetch
fi

deb=$(ls "$dir/deb/${real}"_*.deb | tail -n 1)
rm -rf "$dir/boot"
dpkg-deb --fsys-tarfile "$deb" |
	tar -x -C "$dir" --wildcards './boot/vmlinuz-*' './boot/config-*'
cp "$dir"/boot/vmlinuz-* "$dir/vmlinuz"
echo "$(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version)" \
	>"$dir/kernel-version"
echo "fetch-kernel.sh: $(cat "$dir/kernel-version") -> $dir/vmlinuz" >&2
