#!/usr/bin/env bash
# Build the base kernel, without the series, with the patched kernel's
# .config, into $WORK/obj-base: make bench compares what everyone who does
# not use rdma_pin pays on both.  ccache keeps the rebuild cheap.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<USAGE
usage: $0 [--no-debug]
  builds ${WORK#"$TOP"/}/obj-base/arch/x86/boot/bzImage with ${OBJ#"$TOP"/}/.config, or with
  --no-debug ${WORK#"$TOP"/}/obj-base-release/ with ${WORK#"$TOP"/}/obj-release/.config
  (scripts/build.sh --no-debug)
USAGE
}
config_obj=$OBJ
base_obj=$WORK/obj-base
log=$LOGS/build-base.log
case "$#:${1:-}" in
0:) ;;
1:--no-debug) config_obj=$WORK/obj-release base_obj=$WORK/obj-base-release
	log=$LOGS/build-base-release.log ;;
*) usage; exit 2 ;;
esac
[ -f "$config_obj/.config" ] || die "no $config_obj/.config: run scripts/build.sh ${1:+$1 }first"

base_tree=$WORK/base-tree
if [ ! -e "$base_tree/.git" ]; then
	git -C "$TREE" worktree prune
	git -C "$TREE" worktree add -q --detach "$base_tree" base
fi
git -C "$base_tree" checkout -q --detach base
mkdir -p "$base_obj" "$LOGS"
# The series' own options disappear in olddefconfig; everything else stays.
cp "$config_obj/.config" "$base_obj/.config"
step "Building the base kernel without the series (log: ${log#"$TOP"/})"
start=$SECONDS
KTREE=$base_tree KOBJ=$base_obj kmake olddefconfig >"$log" 2>&1
KTREE=$base_tree KOBJ=$base_obj kmake_logged "$log" bzImage ||
	die "base kernel build failed; see ${log#"$TOP"/}"
info "built in $(( (SECONDS - start) / 60 ))m: ${base_obj#"$TOP"/}/arch/x86/boot/bzImage"
