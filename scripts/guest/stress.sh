#!/bin/bash
# Guest job for make stress: the rdma_pin stress test, for
# RDMA_PIN_STRESS_SECONDS (rdma_pin.stress= on the kernel command line, 60
# by default) per filesystem and device.  The host checks its TAP.
set -u
. "$GUEST/setup.sh" || exit 1
KSELFTEST=$(cd "$GUEST/../../build/kselftest" && pwd)
seconds=$(sed -n 's/.*rdma_pin\.stress=\([0-9]*\).*/\1/p' /proc/cmdline)

mount_test_filesystems
for dev in "$RXE:$RXE_ADDR" "$SIW:$SIW_ADDR"; do
	# shellcheck disable=SC2046 # one word per variable
	run_kselftest "rdma.rdma_pin_stress.${dev%%:*}" /tmp \
		"$KSELFTEST/rdma/rdma_pin_stress" $(rdma_pin_env "${dev%%:*}" "${dev#*:}") \
		RDMA_PIN_STRESS_SECONDS="${seconds:-60}"
done
umount_test_filesystems
touch "$RESULTS/done"
