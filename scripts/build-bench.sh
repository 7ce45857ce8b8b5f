#!/usr/bin/env bash
# Build the benchmark program (bench/rdma_pin_bench.c, with the rdma
# selftests' verbs helpers of the patched tree) and mm's gup_test, which
# make bench runs in the guest, into $WORK/bench-bin.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { echo "usage: $0    (builds rdma_pin_bench and gup_test into ${WORK#"$TOP"/}/bench-bin)"; }
[ $# -eq 0 ] || { usage; exit 2; }
[ -d "$OBJ/usr/include" ] || die "no UAPI headers in $OBJ/usr/include: run scripts/build.sh first"

out=$WORK/bench-bin
rdma=$TREE/tools/testing/selftests/rdma
mkdir -p "$out" "$LOGS"
step "Building the benchmark: rdma_pin_bench, gup_test"
gcc -Wall -Wextra -Wno-missing-field-initializers -O2 -isystem "$OBJ/usr/include" -I"$rdma" \
	-o "$out/rdma_pin_bench" "$TOP/bench/rdma_pin_bench.c" "$rdma/verbs_util.c" \
	-libverbs -lrdmacm >"$LOGS/bench-build.log" 2>&1 ||
	{ cat "$LOGS/bench-build.log" >&2; die "rdma_pin_bench does not build"; }
! grep -q 'warning:' "$LOGS/bench-build.log" ||
	{ cat "$LOGS/bench-build.log" >&2; die "rdma_pin_bench builds with warnings"; }
make -s -C "$TREE/tools/testing/selftests/mm" OUTPUT="$out" \
	KHDR_INCLUDES="-isystem $OBJ/usr/include" "$out/gup_test" >>"$LOGS/bench-build.log" 2>&1 ||
	{ cat "$LOGS/bench-build.log" >&2; die "gup_test does not build"; }
info "${out#"$TOP"/}/rdma_pin_bench, ${out#"$TOP"/}/gup_test"
