#!/bin/bash
# Guest job: run the kselftests that make check covers, one TAP file each in
# $RESULTS, and mark the run complete.  The host parses and counts them.
# Without a part, all run: make check's default.  With
# RDMA_PIN_PARALLEL_VMS=1 it runs two of these VMs side by side, one per
# software RDMA device (rdma_pin.part=rxe or siw on the kernel command line);
# the rxe one also runs the tests that need no RDMA device.
set -u
. "$GUEST/setup.sh" || exit 1
KSELFTEST=$(cd "$GUEST/../../build/kselftest" && pwd)
SELFTESTS_SRC=$(cd "$GUEST/../../build/linux/tools/testing/selftests" && pwd)
BENCH=$(cd "$GUEST/../../build/bench-bin" && pwd)
part=$(sed -n 's/.*rdma_pin\.part=\([^ ]*\).*/\1/p' /proc/cmdline)

# The tests that need no RDMA device.
run_device_free_tests() {
	# Upstream's long-term pinning test; its "local tmpfile" cases run on
	# XFS.  Not on DAX: the test expects read-only pins of file pages to
	# work, which FS-DAX has always refused.
	mkfs.xfs -q -f "$PMEM"
	mount -o dax=never "$PMEM" /mnt/xfs
	run_kselftest mm.gup_longterm /mnt/xfs "$KSELFTEST/mm/gup_longterm"
	umount /mnt/xfs

	# The rdma_pin mount option itself, on a device of its own.
	run_kselftest rdma.rdma_pin_mount /tmp "$SELFTESTS_SRC/rdma/rdma_pin_mount.sh" \
		RDMA_PIN_PMEM="$PMEM_PIN"
}

# run_device_tests IBDEV ADDR: the memory registration tests on one device.
run_device_tests() {
	local dev=$1 addr=$2 fs
	for fs in xfs ext4; do
		run_kselftest "rdma.fsdax_mr.$fs.$dev" /tmp "$KSELFTEST/rdma/fsdax_mr" \
			FSDAX_MR_IBDEV="$dev" FSDAX_MR_DAX_DIR=/mnt/$fs \
			FSDAX_MR_PIN_DIR=/mnt/$fs-pin FSDAX_MR_DEVDAX="$DEVDAX"
	done
	# The rdma_pin tests, one binary per concern.  The layout tests ask
	# for pNFS layouts through NFS exports of the XFS filesystems, which
	# keep them busy: only while those run.
	for prog in rdma_pin rdma_pin_layout rdma_pin_sharing rdma_pin_lifetime \
		    rdma_pin_access; do
		[ $prog != rdma_pin_layout ] || nfs_export_xfs ||
			echo "check: the NFS exports failed" >&2
		# shellcheck disable=SC2046 # one word per variable
		run_kselftest "rdma.$prog.$dev" /tmp "$KSELFTEST/rdma/$prog" \
			$(rdma_pin_env "$dev" "$addr")
		[ $prog != rdma_pin_layout ] || nfs_unexport_xfs
	done
	run_kselftest "rdma.rdma_pin_remove.$dev" /tmp "$KSELFTEST/rdma/rdma_pin_remove" \
		RDMA_PIN_IBDEV="$dev" RDMA_PIN_REMOVE_PMEM="$PMEM_REMOVE" \
		RDMA_PIN_REMOVE_OTHER="$DEVDAX"
	# A short run of the stress test, so that it cannot rot: make stress
	# runs it for longer.
	# shellcheck disable=SC2046
	run_kselftest "rdma.rdma_pin_stress.$dev" /tmp "$KSELFTEST/rdma/rdma_pin_stress" \
		$(rdma_pin_env "$dev" "$addr") RDMA_PIN_STRESS_SECONDS=10
}

# A quick run of make bench's program, so that it cannot rot: only that it
# runs and writes a well-formed table counts, not what it measures.
run_bench_smoke() {
	local csv=$RESULTS/bench-smoke.csv log=$RESULTS/bench-smoke.log rc
	echo "# bench smoke"
	echo 4 >/proc/sys/vm/nr_hugepages
	env BENCH_IBDEV="$RXE" BENCH_ADDR="$RXE_ADDR" BENCH_DEVDAX="$DEVDAX" \
		BENCH_XFS_PIN=/mnt/xfs-pin BENCH_XFS_DAX=/mnt/xfs \
		BENCH_EXT4_PIN=/mnt/ext4-pin BENCH_EXT4_DAX=/mnt/ext4 \
		"$BENCH/rdma_pin_bench" -s 4 -r 1 -n 2 -p 10 -b 1 >"$csv" 2>"$log"
	rc=$?
	echo 0 >/proc/sys/vm/nr_hugepages
	{
		echo "TAP version 13"
		echo "1..1"
		if [ $rc -eq 0 ] && python3 "$GUEST/../bench-report.py" --check "$csv" >>"$log" 2>&1; then
			echo "ok 1 rdma_pin_bench ran and wrote a well-formed table"
		else
			echo "not ok 1 rdma_pin_bench ran and wrote a well-formed table (exit $rc)"
			sed 's/^/# /' "$log"
		fi
	} | tee "$RESULTS/bench.smoke.tap"
}

mkdir -p /mnt/xfs /mnt/xfs-pin /mnt/ext4 /mnt/ext4-pin
case "$part" in
rxe|"") run_device_free_tests ;;
siw) ;;
*) echo "check: unknown part '$part'" >&2; exit 1 ;;
esac
mount_test_filesystems
[ "$part" = siw ] || run_device_tests "$RXE" "$RXE_ADDR"
[ "$part" = siw ] || run_bench_smoke
[ "$part" = rxe ] || run_device_tests "$SIW" "$SIW_ADDR"
umount_test_filesystems
touch "$RESULTS/done"
