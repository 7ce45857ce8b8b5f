#!/usr/bin/env bash
# Build the patched kernel (bzImage) and the exported UAPI headers into $OBJ
# (or, with --no-debug, the kernel without the bug catchers for make bench).
# The full log goes to $LOGS/build.log; the terminal gets a progress line.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<USAGE
usage: $0 [--no-debug] [make targets...]   (default: bzImage headers)
  --no-debug  the kernel without configs/debug.config (no KASAN, lockdep,
              DEBUG_VM), into ${WORK#"$TOP"/}/obj-release, for timing (make bench)
USAGE
}
case "${1:-}" in -h|--help) usage; exit 0 ;; esac
obj=$OBJ
config=("$TOP/scripts/config.sh")
log=$LOGS/build.log
if [ "${1:-}" = --no-debug ]; then
	shift
	obj=$WORK/obj-release
	config+=(--no-debug "$TREE" "$obj")
	log=$LOGS/build-release.log
fi
targets=("${@:-bzImage}")
[ $# -gt 0 ] || targets=(bzImage headers)

mkdir -p "$LOGS"
"${config[@]}"
step "Building ${targets[*]} with $(nproc) jobs (log: ${log#"$TOP"/})"
start=$SECONDS
: >"$log"
KOBJ=$obj kmake_logged "$log" "${targets[@]}" || die "kernel build failed; see ${log#"$TOP"/}"
CCACHE_DIR=$CACHE/ccache ccache --show-stats 2>/dev/null | grep -iE 'hits|misses' | head -n 3 | sed 's/^/    ccache: /' || true
info "built in $(( (SECONDS - start) / 60 ))m$(( (SECONDS - start) % 60 ))s: ${obj#"$TOP"/}/arch/x86/boot/bzImage"
