#!/usr/bin/env bash
# Regenerate patches/ from the commits in build/linux on top of the base:
# git format-patch with a cover letter (taken from the branch description,
# see 'git branch --edit-description') and base-commit information.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { echo "usage: $0    (writes patches/ from $TREE base..HEAD)"; }
[ $# -eq 0 ] || { usage; exit 2; }
[ -d "$TREE/.git" ] || die "no tree at $TREE: run 'make tree' first"
[ -z "$(git -C "$TREE" status --porcelain --untracked-files=no)" ] ||
	die "$TREE has uncommitted changes: commit them first"

n=$(git -C "$TREE" rev-list --count base..HEAD)
[ "$n" -gt 0 ] || die "no commits on top of the base"
step "Exporting $n patches to patches/"
rm -f "$PATCHES"/*.patch
mkdir -p "$PATCHES"
git -C "$TREE" format-patch -q --cover-letter --cover-from-description=subject \
	--base=base --no-signature --zero-commit -o "$PATCHES" base..HEAD
ls "$PATCHES" | sed 's/^/    /'
# The tree now matches the series: record it so 'make tree' leaves it alone.
{ series_sum; git -C "$TREE" rev-parse HEAD; } >"$TREE/.git/rdma-pin-series"
