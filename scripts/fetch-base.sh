#!/usr/bin/env bash
# Fetch the pinned kernel source (base.conf) from Debian's archive into the
# cache, verify it and print the path of the tarball.  A second run downloads
# nothing.  The system's apt configuration is left untouched.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<USAGE
usage: $0
Downloads $BASE_PACKAGE $BASE_VERSION ($BASE_SUITE) into $CACHE/base
and prints the path of the kernel tarball it contains.
USAGE
}
[ $# -eq 0 ] || { usage; exit 2; }

base=$CACHE/base
APT_DIR=$base/apt
mkdir -p "$APT_DIR/lists/partial" "$APT_DIR/archives/partial"

deb=$base/${BASE_PACKAGE}_${BASE_VERSION//:/%3a}_all.deb
tarball=$base/$BASE_PACKAGE-$BASE_VERSION/$BASE_TARBALL

if [ ! -f "$deb" ]; then
	step "Fetching $BASE_PACKAGE $BASE_VERSION from $BASE_SUITE"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $BASE_SUITE main" \
		>"$APT_DIR/sources.list"
	private_apt apt-get -qq update
	version=$BASE_VERSION
	if ! private_apt apt-cache show "$BASE_PACKAGE=$BASE_VERSION" >/dev/null 2>&1; then
		version=$(private_apt apt-cache madison "$BASE_PACKAGE" | awk 'NR==1 {print $3}')
		[ -n "$version" ] || die "no $BASE_PACKAGE in $BASE_SUITE: set BASE_PACKAGE/BASE_VERSION/BASE_SUITE in base.conf"
		warn "$BASE_PACKAGE $BASE_VERSION is gone from the archive; using $version instead."
		warn "The series was not tested on it: update base.conf (version and BASE_SHA256)."
		deb=$base/${BASE_PACKAGE}_${version//:/%3a}_all.deb
		tarball=$base/$BASE_PACKAGE-$version/$BASE_TARBALL
		BASE_SHA256=	# the pinned checksum is for the pinned version
	fi
	(cd "$base" && private_apt apt-get -qq download "$BASE_PACKAGE=$version")
	[ -f "$deb" ] || die "download did not produce $deb"
fi

sum=$(sha256sum "$deb" | cut -d' ' -f1)
if [ -n "$BASE_SHA256" ] && [ "$sum" != "$BASE_SHA256" ]; then
	rm -f "$deb"
	die "checksum mismatch for $(basename "$deb"): got $sum, base.conf says $BASE_SHA256"
fi
[ -n "$BASE_SHA256" ] || warn "base.conf has no BASE_SHA256; $(basename "$deb") is $sum"

if [ ! -f "$tarball" ]; then
	step "Unpacking $(basename "$deb")"
	dpkg-deb -x "$deb" "${tarball%/"$BASE_TARBALL"}"
fi
echo "$tarball"
