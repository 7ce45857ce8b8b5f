#!/usr/bin/env bash
# Make build/linux a git tree of the pinned base with the series applied.
#
# The base is one commit with a fixed author and date, so every clone gets the
# same base hash (it is the "base-commit:" of the exported series).  The tree
# remembers which series it was made from: when patches/ changes it is rebuilt,
# and commits that were never exported are never thrown away silently.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<USAGE
usage: $0 [--force]
Creates or refreshes $TREE from the base and patches/.
  --force   discard commits and edits in the tree that are not in patches/
USAGE
}
force=0
case "${1:-}" in
	"") ;;
	--force) force=1 ;;
	*) usage; exit 2 ;;
esac

git_tree() { git -C "$TREE" "$@"; }
stamp=$TREE/.git/rdma-pin-series

# Debian's .gitignore ignores everything at the top level (its packaging
# repository has no kernel sources there), which would hide every file that a
# patch adds; the base keeps upstream's .gitignore only.
drop_debian_ignore() {
	local gi=$TREE/.gitignore n
	n=$(grep -n '^# Debian packaging: ignore everything' "$gi" | cut -d: -f1) || return 0
	head -n "$((n - 3))" "$gi" >"$gi.new" && mv "$gi.new" "$gi"
}

create_base() {
	local tarball
	tarball=$("$TOP/scripts/fetch-base.sh" | tail -n1)
	step "Unpacking $(basename "$tarball") into $TREE"
	rm -rf "$TREE"
	mkdir -p "$TREE"
	tar -xJf "$tarball" -C "$TREE" --strip-components=1
	step "Recording the base as one git commit"
	git_tree init -q -b rdma-pin
	git_tree config user.name "RDMA-pin developers"
	git_tree config user.email rdma-pin@example.org
	git_tree config core.autocrlf false
	drop_debian_ignore
	git_tree add -A -f .
	GIT_AUTHOR_DATE='2026-01-01T00:00:00Z' GIT_COMMITTER_DATE='2026-01-01T00:00:00Z' \
		git_tree commit -q -m "Linux $BASE_UPSTREAM ($BASE_PACKAGE $BASE_VERSION)"
	git_tree tag -f base >/dev/null
}

# The cover letter's subject and text live in the branch description, which is
# where git format-patch --cover-from-description takes them from.
import_cover_letter() {
	local cover=$PATCHES/0000-cover-letter.patch
	[ -f "$cover" ] || return 0
	awk '/^Subject: /{sub(/^Subject: \[[^]]*\] */, ""); subject=$0; insubj=1; next}
	     insubj && /^ / {sub(/^ /, ""); subject=subject " " $0; next}
	     insubj {print subject; print ""; insubj=0; body=1}
	     body && /^RDMA-pin developers \([0-9]+\):$/ {exit}
	     body && seen {print; next}
	     body && !/^$/ {seen=1; print}' "$cover" |
		sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' >"$TREE/.git/description.cover"
	git_tree config branch.rdma-pin.description "$(cat "$TREE/.git/description.cover")"
}

apply_series() {
	step "Applying the series ($(find "$PATCHES" -name '[0-9]*.patch' ! -name '0000-*' | wc -l) patches)"
	git_tree reset -q --hard base
	local p
	for p in "$PATCHES"/[0-9]*.patch; do
		[ -e "$p" ] || break
		case "$p" in */0000-cover-letter.patch) continue ;; esac
		info "$(basename "$p")"
		git_tree am -q --keep-cr "$p" ||
			{ git_tree am --abort || true; die "$(basename "$p") does not apply"; }
	done
	import_cover_letter
	{ series_sum; git_tree rev-parse HEAD; } >"$stamp"
}

[ -d "$TREE/.git" ] && git_tree rev-parse -q --verify base >/dev/null || create_base

# What is built and tested is the series: never edits that it does not hold.
has_edits() { [ -n "$(git_tree status --porcelain --untracked-files=no)" ]; }
edits_msg="$TREE has uncommitted changes: commit and export them, or 'make tree FORCE=1' to discard them"

if [ -f "$stamp" ] && [ "$(sed -n 1p "$stamp")" = "$(series_sum)" ] &&
   [ "$(sed -n 2p "$stamp")" = "$(git_tree rev-parse HEAD)" ]; then
	if has_edits; then
		[ $force -eq 1 ] || die "$edits_msg"
		git_tree reset -q --hard
	fi
	import_cover_letter
	info "tree is up to date with patches/"
	exit 0
fi
if [ -f "$stamp" ] && [ "$(sed -n 2p "$stamp")" != "$(git_tree rev-parse HEAD)" ] &&
   [ $force -eq 0 ]; then
	die "$TREE has commits that are not in patches/: run 'make export' to keep them, or 'make tree FORCE=1' to discard them"
fi
! has_edits || [ $force -eq 1 ] || die "$edits_msg"
apply_series
