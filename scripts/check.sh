#!/usr/bin/env bash
# make check: build the patched kernel and the kselftests, boot it, run KUnit
# (at boot) and the kselftests (in the guest), with the static checks on the
# series beside all of it at low priority, and end with one line:
# "N passed, N failed, N skipped".
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { echo "usage: $0    (all tests; logs in ${LOGS#"$TOP"/}, results in ${RESULTS#"$TOP"/})"; }
[ $# -eq 0 ] || { usage; exit 2; }

pipeline=$WORK/pipeline.tap
kunit_json=$WORK/kunit.json
n=0
start=$SECONDS

# stage NAME COMMAND...: run one stage of the pipeline, record it as TAP.
stage() {
	local name=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n $name" >>"$pipeline"
	else
		echo "not ok $n $name" >>"$pipeline"
		return 1
	fi
}

# The tests run in two VMs side by side, one per software RDMA device: each
# TCG guest keeps about one CPU busy, and one VM for both devices would take
# over an hour.  RDMA_PIN_PARALLEL_VMS=0 runs them all in one VM instead.
if [ "${RDMA_PIN_PARALLEL_VMS:-1}" = 1 ]; then
	vms=(check-rxe check-siw)
else
	vms=(check)
fi

# KUnit runs at boot, before init prints its first line; with two VMs, the
# first one's results count.
parse_kunit() {
	local log=$LOGS/console-${vms[0]}.log
	sed '/^rdma-pin-vm: running job/q' "$log" >"$LOGS/kunit.log"
	python3 "$TREE/tools/testing/kunit/kunit.py" parse --json="$kunit_json" "$LOGS/kunit.log"
}

summary() {
	local taps=(--tap "pipeline=$pipeline") f vm
	echo "1..$n" >>"$pipeline"
	[ -f "$WORK/static.tap" ] && taps+=(--tap "static=$WORK/static.tap")
	for vm in "${vms[@]}"; do
		for f in "$RESULTS/$vm"/*.tap; do
			[ -e "$f" ] && taps+=(--tap "$(basename "$f" .tap)=$f")
		done
	done
	[ -f "$kunit_json" ] && taps+=(--kunit "$kunit_json")
	step "Summary ($(( (SECONDS - start) / 60 ))m$(( (SECONDS - start) % 60 ))s)"
	python3 "$TOP/scripts/summary.py" "${taps[@]}" --expected-skips "$TOP/tests/expected-skips"
}

mkdir -p "$WORK" "$RESULTS" "$LOGS"
rm -rf "$pipeline" "$kunit_json" "$WORK/static.tap" "$RESULTS"/*
echo "TAP version 13" >"$pipeline"
"$TOP/scripts/deps.sh"
applied=1
stage "series applies to the base" "$TOP/scripts/tree.sh" || applied=0

# The static checks build in a tree and objects of their own.  They run at
# the lowest priority beside everything else: they take what the kernel build
# leaves (its single-threaded moments) and then the CPU that the VM leaves (a
# TCG guest keeps about one busy), without slowing either down much.
static_log=$LOGS/static.log
step "Static checks on the series, at low priority beside the rest (log: ${static_log#"$TOP"/})"
nice -n 19 "$TOP/scripts/check-series.sh" >"$static_log" 2>&1 &
static=$!

built=0
if [ $applied -eq 1 ] &&
   stage "kernel builds" "$TOP/scripts/build.sh" &&
   stage "kselftests build" "$TOP/scripts/build-selftests.sh" &&
   stage "benchmark builds" "$TOP/scripts/build-bench.sh"; then
	built=1
fi

run_vms() {
	local pids=() vm rc=0
	if [ ${#vms[@]} -eq 1 ]; then
		"$TOP/scripts/vm.sh" check 3600
		return
	fi
	step "Running the tests in ${#vms[@]} VMs side by side: only results are shown"
	for vm in "${vms[@]}"; do
		"$TOP/scripts/vm.sh" --quiet check 3600 "${vm#check-}" &
		pids+=($!)
	done
	for pid in "${pids[@]}"; do
		wait "$pid" || rc=1
	done
	return $rc
}

scan_consoles() {
	local vm rc=0
	for vm in "${vms[@]}"; do
		"$TOP/scripts/scan-console.sh" "$LOGS/console-$vm.log" || rc=1
	done
	return $rc
}

static_passed() {
	local rc=0
	wait "$static" || rc=$?
	step "Static checks: $(grep -c '^ok ' "$WORK/static.tap" 2>/dev/null || true) passed"
	grep -A40 '^not ok ' "$WORK/static.tap" 2>/dev/null || true
	[ $rc -eq 0 ] || tail -n 5 "$static_log"
	return $rc
}

if [ $built -eq 1 ] && stage "VMs run the tests to the end" run_vms; then
	stage "consoles have no kernel warning" scan_consoles || true
	stage "KUnit output parses" parse_kunit || true
fi
stage "static checks" static_passed || true
summary
