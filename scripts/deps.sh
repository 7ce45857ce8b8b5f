#!/usr/bin/env bash
# Install the Debian packages that building, booting and testing need, if
# any is missing.  Needs root (or sudo) only when something is missing.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PACKAGES=(
	# kernel build
	build-essential flex bison bc libelf-dev libssl-dev cpio rsync kmod
	ccache sparse python3 python3-ply python3-git git xz-utils perl
	# VM and guest userspace (the guest runs this machine's /)
	qemu-system-x86 ndctl daxctl xfsprogs e2fsprogs iproute2 util-linux
	rdma-core ibverbs-providers ibverbs-utils
	nfs-kernel-server
	# kselftests
	libibverbs-dev librdmacm-dev liburing-dev libcap-dev pkg-config
	# make bench's figures
	gnuplot-nox
)

usage() { echo "usage: $0    (installs: ${PACKAGES[*]})"; }
[ $# -eq 0 ] || { usage; exit 2; }

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -gt 0 ] || exit 0

step "Installing Debian packages: ${missing[*]}"
sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
