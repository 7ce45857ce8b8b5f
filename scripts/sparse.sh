#!/usr/bin/env bash
# Print the path of a sparse that the kernel in build/linux accepts.
#
# Linux 7.3 runs sparse only if it understands __typeof_unqual__
# (scripts/checker-valid.sh), and otherwise skips it with a mere warning.
# Debian 12's sparse 0.6.4 does not, so if the installed sparse is too old,
# build the newer source package of Debian's named in base.conf, once, into
# the cache.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<USAGE
usage: $0
Prints the path of a sparse that $TREE accepts, building sparse
$SPARSE_VERSION ($SPARSE_SUITE) into $CACHE if the installed one is too old.
USAGE
}
[ $# -eq 0 ] || { usage; exit 2; }
[ -x "$TREE/scripts/checker-valid.sh" ] || die "no kernel tree in $TREE: run scripts/tree.sh"

accepted() {
	[ "$(sh "$TREE/scripts/checker-valid.sh" "$1" --arch=x86_64 -mlittle-endian -m64)" = 1 ]
}

if command -v sparse >/dev/null && accepted sparse; then
	command -v sparse
	exit 0
fi

upstream=${SPARSE_VERSION%-*}
dir=$CACHE/sparse-${upstream//\~/-}
if [ ! -x "$dir/sparse" ]; then
	step "Building sparse $SPARSE_VERSION from Debian's sources (the installed one is too old)" >&2
	APT_DIR=$CACHE/sparse-apt
	mkdir -p "$APT_DIR/lists/partial" "$APT_DIR/archives/partial"
	echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $SPARSE_SUITE main" \
		>"$APT_DIR/sources.list"
	private_apt apt-get -qq update >&2
	(cd "$APT_DIR" && private_apt apt-get -qq source --download-only "sparse=$SPARSE_VERSION") >&2 ||
		die "sparse $SPARSE_VERSION is gone from $SPARSE_SUITE: update SPARSE_* in base.conf"
	orig=$APT_DIR/sparse_$upstream.orig.tar.gz
	[ "$(sha256sum "$orig" | cut -d' ' -f1)" = "$SPARSE_ORIG_SHA256" ] ||
		die "checksum mismatch for $(basename "$orig"): base.conf says $SPARSE_ORIG_SHA256"
	rm -rf "$dir.tmp"
	mkdir -p "$dir.tmp"
	tar -xzf "$orig" -C "$dir.tmp" --strip-components=1
	mkdir -p "$LOGS"
	make -C "$dir.tmp" -j"$(nproc)" sparse HAVE_LLVM=no HAVE_GTK=no HAVE_SQLITE=no \
		>"$LOGS/sparse-build.log" 2>&1 || die "building sparse failed: see $LOGS/sparse-build.log"
	rm -rf "$dir"
	mv "$dir.tmp" "$dir"
fi
accepted "$dir/sparse" || die "$dir/sparse is still too old for this kernel"
echo "$dir/sparse"
