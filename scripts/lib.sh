# Shared helpers for the rdma_pin scripts; sourced, never run.
# shellcheck shell=bash

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${RDMA_PIN_CACHE:-$HOME/.cache/rdma-pin}
WORK=$TOP/build
TREE=$WORK/linux
OBJ=$WORK/obj
LOGS=$WORK/logs
RESULTS=$WORK/results
PATCHES=$TOP/patches

# shellcheck source=../base.conf
. "$TOP/base.conf"

# Bold step headers so a long run shows where it is.
step() { printf '\033[1m==> %s\033[0m\n' "$*"; }
info() { printf '    %s\n' "$*"; }
warn() { printf '\033[1;33mWARNING: %s\033[0m\n' "$*" >&2; }
die()  { printf '\033[1;31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }

# The kernel's make (in $KTREE/$KOBJ if set, else $TREE/$OBJ), with ccache
# and the output directory outside the tree.
# CCACHE_BASEDIR turns this clone's absolute paths into relative ones, so a
# second clone (CI) hits the cache that the first one filled.
kmake() {
	CCACHE_DIR=$CACHE/ccache CCACHE_BASEDIR=$TOP CCACHE_NOHASHDIR=1 \
	CCACHE_SLOPPINESS=time_macros,include_file_mtime,include_file_ctime \
	KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 2026' \
	KBUILD_BUILD_USER=rdma-pin KBUILD_BUILD_HOST=build \
	make -C "${KTREE:-$TREE}" O="${KOBJ:-$OBJ}" CC="ccache gcc" HOSTCC="ccache gcc" \
		-j"$(nproc)" "$@"
}

# kmake_logged LOG TARGET...: kmake appending to LOG, saying twice a minute
# what it does (a clean build takes most of an hour); on failure, show the
# errors and return non-zero.
kmake_logged() {
	local log=$1 start=$SECONDS pid
	shift
	kmake "$@" >>"$log" 2>&1 &
	pid=$!
	while kill -0 $pid 2>/dev/null; do
		sleep 30
		kill -0 $pid 2>/dev/null || break
		info "$(date +%T) $(( (SECONDS - start) / 60 ))m: $(grep -c '^  [A-Z]' "$log") steps, last: $(grep '^  [A-Z]' "$log" | tail -n1 | sed 's/^ *//')"
	done
	wait $pid || { grep -E 'error|Error' "$log" | head -n 20 >&2; return 1; }
}

# Private apt, for what the system's sources do not have: its own sources
# list, lists and cache in $APT_DIR.  The system's configuration is untouched.
private_apt() {
	"$@" -o Dir::Etc::SourceList="$APT_DIR/sources.list" \
	     -o Dir::Etc::SourceParts=/dev/null \
	     -o Dir::State::Lists="$APT_DIR/lists" \
	     -o Dir::Cache="$APT_DIR" \
	     -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= \
	     -o APT::Sandbox::User=root -o Debug::NoLocking=1
}

# Checksum of the series' patches, not of the cover letter: a new cover
# letter needs no new tree.
series_sum() {
	find "$PATCHES" -name '[0-9]*.patch' ! -name '0000-*' | sort | xargs -r cat |
		sha256sum | cut -d' ' -f1
}
