#!/usr/bin/env bash
# Static checks on the exported series, patch by patch, the way upstream's bots
# run them: it applies in order, checkpatch.pl --strict is clean, MAINTAINERS
# covers each new file, and the directories each patch touches build with
# W=1 and sparse (C=1) without a new warning in a touched file.
# Results: TAP on stdout and in $WORK/static.tap.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { echo "usage: $0    (checks patches/*.patch against the base in $TREE)"; }
[ $# -eq 0 ] || { usage; exit 2; }

CTREE=$WORK/check-tree
COBJ=$WORK/obj-check
tap=$WORK/static.tap
mapfile -t patches < <(ls "$PATCHES"/[0-9]*.patch | grep -v '/0000-cover-letter.patch$')
ignore=$(grep -vE '^(#|$)' "$TOP/checkpatch.ignore" | paste -sd, -)
n=0
failed=0

tap_result() {	# tap_result STATUS NAME [DETAILS_FILE]
	n=$((n + 1))
	if [ "$1" = ok ]; then
		echo "ok $n $2" | tee -a "$tap"
	else
		failed=$((failed + 1))
		echo "not ok $n $2" | tee -a "$tap"
		[ -z "${3:-}" ] || sed 's/^/# /' "$3" | head -n 40 | tee -a "$tap"
	fi
}

prepare_check_tree() {
	if [ ! -d "$CTREE/.git" ] && [ ! -f "$CTREE/.git" ]; then
		step "Creating the check work tree ${CTREE#"$TOP"/}"
		git -C "$TREE" worktree prune
		git -C "$TREE" worktree add -q --detach "$CTREE" base
	fi
	git -C "$CTREE" am --abort >/dev/null 2>&1 || true
	git -C "$CTREE" reset -q --hard base
	git -C "$CTREE" clean -q -fdx -e .git
	"$TOP/scripts/config.sh" --no-debug "$CTREE" "$COBJ"
}

# Build targets for the .c files that the patch touches: their directories
# ("make mm/"), except for directories too large to build for each patch
# (fs/, drivers/), where the touched objects themselves are built.
touched_targets() {
	local f dir
	git -C "$CTREE" diff --name-only HEAD~1 HEAD |
		grep -E '\.c$' | grep -vE '^(tools|Documentation|scripts|samples)/' |
		while read -r f; do
			dir=$(dirname "$f")
			# A .c file that another one #includes (a KUnit suite) is no object.
			grep -qs "#include \"$(basename "$f")\"" "$CTREE/$dir"/*.c && continue
			if [ "$(find "$CTREE/$dir" -name '*.c' | head -n 401 | wc -l)" -gt 400 ]; then
				echo "${f%.c}.o"
			else
				echo "$dir/"
			fi
		done | sort -u
}

# The objects of the .c files that the patch touches and that exist in
# REV, for sparse.
touched_objects() {	# touched_objects REV
	local f
	git -C "$CTREE" diff --name-only HEAD~1 HEAD |
		grep -E '\.c$' | grep -vE '^(tools|Documentation|scripts|samples)/' |
		while read -r f; do
			git -C "$CTREE" cat-file -e "$1:$f" 2>/dev/null || continue
			# A KUnit suite #included by another file is checked with it.
			git -C "$CTREE" grep -q "#include \"$(basename "$f")\"" "$1" -- "$(dirname "$f")/*.c" ||
				echo "${f%.c}.o"
		done
}

# What W=1 and sparse (C=2: even if built) say about the touched files when
# their objects are built, without line numbers, sorted.
touched_warnings() {	# touched_warnings LOG OBJECT...
	local log=$1 files
	shift
	files=$(git -C "$CTREE" diff --name-only HEAD~1 HEAD | paste -sd'|')
	: >"$log"
	if [ $# -gt 0 ]; then
		(cd "$COBJ" && rm -f "$@")
		KTREE=$CTREE KOBJ=$COBJ kmake W=1 C=2 CHECK="$SPARSE" KCFLAGS=-Wno-error "$@" >"$log" 2>&1 ||
			return 1
		! grep -q 'is not available or not up to date' "$log" || return 1
	fi
	{ grep -E "^([^:]*/)?(${files//./\\.}):[0-9]+(:[0-9]+)?: (warning|error)" "$log" || true; } |
		sed -E 's/^([^:]*\/)?([^:]+):[0-9]+(:[0-9]+)?: /\2: /' | sort
}

# The touched directories build with W=1, and the touched files have no
# W=1 or sparse warning that they did not have before the patch.
# Warnings elsewhere are not the patch's: sparse checks only these files.
check_build() {
	local out=$LOGS/static-$name.build.log targets before after old
	mapfile -t targets < <(touched_targets)
	[ ${#targets[@]} -gt 0 ] || return 0
	mapfile -t before < <(touched_objects HEAD~1)
	mapfile -t after < <(touched_objects HEAD)

	# The touched files as they were before the patch.
	mapfile -t old < <(git -C "$CTREE" diff --name-only --diff-filter=MD HEAD~1 HEAD)
	[ ${#old[@]} -eq 0 ] || git -C "$CTREE" checkout -q HEAD~1 -- "${old[@]}"
	if ! touched_warnings "$out.before" "${before[@]}" >"$out.old"; then
		git -C "$CTREE" reset -q --hard HEAD
		cat "$out.before"
		return 1
	fi
	git -C "$CTREE" reset -q --hard HEAD

	# -Wno-error: W=1 warnings of untouched files are not this patch's.
	KTREE=$CTREE KOBJ=$COBJ kmake W=1 KCFLAGS=-Wno-error "${targets[@]}" >"$out" 2>&1 ||
		return 1
	touched_warnings "$out.after" "${after[@]}" >"$out.new" || { cat "$out.after" >>"$out"; return 1; }
	comm -13 "$out.old" "$out.new" >"$out.touched"
	[ ! -s "$out.touched" ]
}

# Build the selftest directories that the patch touches.
check_selftests() {
	local dir out=$LOGS/static-selftests.log
	[ -d "$COBJ/usr/include" ] || KTREE=$CTREE KOBJ=$COBJ kmake -s headers >/dev/null
	for dir in $(git -C "$CTREE" diff --name-only HEAD~1 HEAD |
		     sed -n 's|^tools/testing/selftests/\([^/]*\)/.*|\1|p' | sort -u); do
		mkdir -p "$WORK/obj-check-selftests/$dir"
		make -C "$CTREE/tools/testing/selftests/$dir" OUTPUT="$WORK/obj-check-selftests/$dir" \
			KHDR_INCLUDES="-isystem $COBJ/usr/include" >"$out" 2>&1 || { cat "$out"; return 1; }
		! grep -E 'warning:' "$out" || return 1
	done
}

# Every file that the patch adds has an entry in MAINTAINERS.
check_maintainers() {
	local f
	for f in $(git -C "$CTREE" diff --name-only --diff-filter=A HEAD~1 HEAD); do
		(cd "$CTREE" && ./scripts/get_maintainer.pl --no-git --no-rolestats -f "$f") |
			grep -qv 'linux-kernel@vger.kernel.org' || { echo "no maintainer for $f"; return 1; }
	done
}

SPARSE=$("$TOP/scripts/sparse.sh")

# The builds are the slow part.  Their result depends only on the patches
# up to this one, on how they are checked and on the compilers: remember
# each success in the cache, so that a re-run, or CI in a new clone, builds
# only from the first changed patch on.
stamps=$CACHE/static-passed
checker_sum=$( (cat "$0" "$TOP/scripts/config.sh" "$TOP/scripts/sparse.sh" "$TOP/base.conf" \
		"$TOP/checkpatch.ignore" "$TOP"/configs/*.config; gcc --version; "$SPARSE" --version) |
	sha256sum | cut -c1-16)
series_sum=$checker_sum

mkdir -p "$LOGS" "$stamps"
: >"$tap"
echo "TAP version 13" | tee -a "$tap"
prepare_check_tree
step "Static checks on ${#patches[@]} patches"
for p in "${patches[@]}"; do
	name=$(basename "$p" .patch)
	log=$LOGS/static-$name.log
	if ! git -C "$CTREE" am -q "$p" >"$log" 2>&1; then
		tap_result fail "$name: applies" "$log"
		break
	fi
	tap_result ok "$name: applies"
	# checkpatch runs scripts/spdxcheck.py with python3: Debian's, which
	# has python3-ply and python3-git, not one that PATH may put first.
	(cd "$CTREE" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict \
		--terse --show-types --ignore "$ignore" "$p") >"$log" 2>&1 &&
		tap_result ok "$name: checkpatch --strict" ||
		tap_result fail "$name: checkpatch --strict" "$log"
	check_maintainers >"$log" 2>&1 &&
		tap_result ok "$name: MAINTAINERS covers new files" ||
		tap_result fail "$name: MAINTAINERS covers new files" "$log"
	# Not the "[PATCH n/m]" of the subject: adding a patch at the end
	# must not make every patch before it look changed.
	series_sum=$( (echo "$series_sum"; sed '1,/^$/s|^Subject: \[PATCH [0-9/]*\]|Subject: [PATCH]|' "$p") |
		sha256sum | cut -c1-16)
	if [ -e "$stamps/$series_sum" ]; then
		tap_result ok "$name: touched code builds with W=1, no new W=1 or sparse warning (unchanged, passed before)"
		tap_result ok "$name: touched selftests build (unchanged, passed before)"
		continue
	fi
	built=1
	if check_build >"$log" 2>&1; then
		tap_result ok "$name: touched code builds with W=1, no new W=1 or sparse warning"
	else
		built=0
		cat "$LOGS/static-$name.build.log.touched" "$LOGS/static-$name.build.log" 2>/dev/null |
			grep -E '(warning|error):' >>"$log" || true
		tap_result fail "$name: touched code builds with W=1, no new W=1 or sparse warning" "$log"
	fi
	if check_selftests >"$log" 2>&1; then
		tap_result ok "$name: touched selftests build"
	else
		built=0
		tap_result fail "$name: touched selftests build" "$log"
	fi
	[ $built -eq 0 ] || touch "$stamps/$series_sum"
done
echo "1..$n" | tee -a "$tap"
[ $failed -eq 0 ] || die "$failed static check(s) failed"
