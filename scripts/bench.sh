#!/usr/bin/env bash
# make bench: what a memory region over an rdma_pin file costs next to the
# memory users register today and what the filesystem pays, in one VM run,
# and what everyone else pays, in runs of the kernel with the series and
# without.  Writes the table (also printed), CSV, JSON and PNG figures into
# build/bench/.  Not a test: it fails only if a step fails or a figure's
# mapping is not what it claims.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<USAGE
usage: $0
  RDMA_PIN_BENCH_OPTS  rdma_pin_bench's options (default: "-s 256 -r 15 -b 16 -n 400";
                       see bench/rdma_pin_bench.c)
  RDMA_PIN_BASE=0      skip the kernel without the series (its build and
                       its run), and with them the "everyone else" figures
  RDMA_PIN_BENCH_KERNEL=debug  time the debug kernel that make check
                       tests (and the base with its config) instead of
                       kernels without the bug catchers of
                       configs/debug.config (KASAN, lockdep, DEBUG_VM),
                       which make check needs and timing does not
USAGE
}
[ $# -eq 0 ] || { usage; exit 2; }
opts=${RDMA_PIN_BENCH_OPTS:--s 256 -r 15 -b 16 -n 400}
kind=${RDMA_PIN_BENCH_KERNEL:-release}
out=$WORK/bench
case "$kind" in
debug)	variant=() kernel=$OBJ base_kernel=$WORK/obj-base
	config="debug kernel config (configs/*.config: KASAN, lockdep, DEBUG_VM)" ;;
release) variant=(--no-debug) kernel=$WORK/obj-release base_kernel=$WORK/obj-base-release
	config="kernel config without configs/debug.config and pnfs.config (no KASAN, lockdep, DEBUG_VM)" ;;
*)	usage; exit 2 ;;
esac

"$TOP/scripts/deps.sh"
"$TOP/scripts/tree.sh"
# The debug build also exports the UAPI headers that the benchmark needs.
"$TOP/scripts/build.sh"
[ "$kind" = debug ] || "$TOP/scripts/build.sh" "${variant[@]}" bzImage
"$TOP/scripts/build-bench.sh"
[ "${RDMA_PIN_BASE:-1}" = 0 ] || "$TOP/scripts/build-base.sh" "${variant[@]}"

# bench_vm PART KERNEL: one VM run, its rows in $RESULTS/bench-PART/.
bench_vm() {
	step "Benchmark on the $1 kernel: rdma_pin_bench $opts"
	RDMA_PIN_KERNEL=$2 RDMA_PIN_BENCH_OPTS=$opts "$TOP/scripts/vm.sh" --quiet bench 5400 "$1"
	"$TOP/scripts/scan-console.sh" "$LOGS/console-bench-$1.log"
	[ -s "$RESULTS/bench-$1/bench.csv" ] || die "no rows from the $1 kernel"
}
bench_vm patched "$kernel/arch/x86/boot/bzImage"
# What everyone else pays compares two kernels, so two boots: boots of one
# kernel differ by more than repetitions within one boot do.  Two boots of
# each, alternating, and the interval of each ratio covers both.
base=()
if [ "${RDMA_PIN_BASE:-1}" != 0 ]; then
	bench_vm base "$base_kernel/arch/x86/boot/bzImage"
	bench_vm patched-2 "$kernel/arch/x86/boot/bzImage"
	bench_vm base-2 "$base_kernel/arch/x86/boot/bzImage"
	base=(--base "$RESULTS/bench-base/bench.csv" "$RESULTS/bench-base-2/bench.csv"
	      --patched-again "$RESULTS/bench-patched-2/bench.csv")
fi

rm -rf "$out"
config+=", TCG guest, rxe; rdma_pin_bench $opts"
python3 "$TOP/scripts/bench-report.py" --out "$out" --config "$config" \
	--patched "$RESULTS/bench-patched/bench.csv" "${base[@]}"
info "table, CSV, JSON and figures: ${out#"$TOP"/}/"
