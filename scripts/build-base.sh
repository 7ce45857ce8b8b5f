#!/usr/bin/env bash
# Build the base kernel, without the series, with the patched kernel's
# .config, into $WORK/obj-base: make bench compares what everyone who does
# not use rdma_pin pays on both.  ccache keeps the rebuild cheap.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { echo "usage: $0    (builds ${WORK#"$TOP"/}/obj-base/arch/x86/boot/bzImage)"; }
[ $# -eq 0 ] || { usage; exit 2; }
[ -f "$OBJ/.config" ] || die "no $OBJ/.config: run scripts/build.sh first"

base_tree=$WORK/base-tree
base_obj=$WORK/obj-base
if [ ! -e "$base_tree/.git" ]; then
	git -C "$TREE" worktree prune
	git -C "$TREE" worktree add -q --detach "$base_tree" base
fi
git -C "$base_tree" checkout -q --detach base
mkdir -p "$base_obj" "$LOGS"
# The series' own options disappear in olddefconfig; everything else stays.
cp "$OBJ/.config" "$base_obj/.config"
log=$LOGS/build-base.log
step "Building the base kernel without the series (log: ${log#"$TOP"/})"
start=$SECONDS
KTREE=$base_tree KOBJ=$base_obj kmake olddefconfig >"$log" 2>&1
KTREE=$base_tree KOBJ=$base_obj kmake_logged "$log" bzImage ||
	die "base kernel build failed; see ${log#"$TOP"/}"
info "built in $(( (SECONDS - start) / 60 ))m: ${base_obj#"$TOP"/}/arch/x86/boot/bzImage"
