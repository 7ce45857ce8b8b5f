#!/usr/bin/env bash
# make stress: the rdma_pin stress test in one VM, on XFS and ext4 with rxe
# and siw, SECONDS each (default 60).  Fails on any failed check, on a
# system call that hangs and on any kernel splat.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { echo "usage: $0 [SECONDS]   (default: 60, per filesystem and device)"; }
case "${1:-60}" in
-h|--help) usage; exit 0 ;;
*[!0-9]*) usage; exit 2 ;;
esac
seconds=${1:-60}

"$TOP/scripts/deps.sh"
"$TOP/scripts/tree.sh"
"$TOP/scripts/build.sh"
"$TOP/scripts/build-selftests.sh"
step "Stress: $seconds s per filesystem and RDMA device, 4 runs"
RDMA_PIN_STRESS_SECONDS=$seconds "$TOP/scripts/vm.sh" --quiet stress $((4 * seconds + 900))
"$TOP/scripts/scan-console.sh" "$LOGS/console-stress.log"

passed=0
for tap in "$RESULTS"/stress/rdma.rdma_pin_stress.*.tap; do
	[ -f "$tap" ] || die "no stress results in ${RESULTS#"$TOP"/}/stress"
	grep -hE '^# .*(regions registered|changes allowed)' "$tap" | sed 's/^# /    /' || true
	! grep -q '^not ok' "$tap" || die "stress failed: see ${tap#"$TOP"/}"
	passed=$((passed + $(grep -c '^ok ' "$tap")))
done
[ "$passed" -eq 4 ] || die "stress: $passed of 4 runs passed"
info "stress: 4 of 4 runs passed"
