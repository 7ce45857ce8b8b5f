#!/usr/bin/env bash
# Build the kselftests that make check runs, against the patched tree's UAPI
# headers ($OBJ/usr/include, from 'make headers'), into $WORK/kselftest.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# TARGET:PROGRAM pairs; every program listed here runs in the guest.
SELFTESTS=(mm:gup_longterm rdma:fsdax_mr
	rdma:rdma_pin rdma:rdma_pin_layout rdma:rdma_pin_sharing
	rdma:rdma_pin_lifetime rdma:rdma_pin_access
	rdma:rdma_pin_remove rdma:rdma_pin_stress)

usage() { echo "usage: $0    (builds: ${SELFTESTS[*]})"; }
[ $# -eq 0 ] || { usage; exit 2; }
[ -d "$OBJ/usr/include" ] || die "no UAPI headers in $OBJ/usr/include: run scripts/build.sh first"

step "Building kselftests: ${SELFTESTS[*]}"
for t in "${SELFTESTS[@]}"; do
	dir=${t%%:*} prog=${t#*:}
	out=$WORK/kselftest/$dir
	mkdir -p "$out"
	make -s -C "$TREE/tools/testing/selftests/$dir" OUTPUT="$out" \
		KHDR_INCLUDES="-isystem $OBJ/usr/include" "$out/$prog" >"$LOGS/kselftest-$dir.log" 2>&1 ||
		{ cat "$LOGS/kselftest-$dir.log" >&2; die "kselftest $dir/$prog does not build"; }
	info "$dir/$prog"
done
