#!/usr/bin/env bash
# Build the patched kernel (bzImage) and the exported UAPI headers into $OBJ.
# The full log goes to $LOGS/build.log; the terminal gets a progress line.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { echo "usage: $0 [make targets...]   (default: bzImage headers)"; }
case "${1:-}" in -h|--help) usage; exit 0 ;; esac
targets=("${@:-bzImage}")
[ $# -gt 0 ] || targets=(bzImage headers)

mkdir -p "$LOGS"
log=$LOGS/build.log
"$TOP/scripts/config.sh"
step "Building ${targets[*]} with $(nproc) jobs (log: ${log#"$TOP"/})"
start=$SECONDS
: >"$log"
kmake_logged "$log" "${targets[@]}" || die "kernel build failed; see ${log#"$TOP"/}"
CCACHE_DIR=$CACHE/ccache ccache --show-stats 2>/dev/null | grep -iE 'hits|misses' | head -n 3 | sed 's/^/    ccache: /' || true
info "built in $(( (SECONDS - start) / 60 ))m$(( (SECONDS - start) % 60 ))s: ${OBJ#"$TOP"/}/arch/x86/boot/bzImage"
