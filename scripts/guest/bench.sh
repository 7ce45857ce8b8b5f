#!/bin/bash
# Guest job for make bench: rdma_pin_bench and gup_test, their rows into
# $RESULTS/bench.csv.  rdma_pin.part=base and base-N mean a kernel without
# the series: only what everyone else pays (rdma_pin_bench -e), no rdma_pin
# filesystem; patched-N the same with the series; any other part measures
# everything that rdma_pin.bench= asks for.
# rdma_pin.bench= holds rdma_pin_bench's options ('+' for spaces: -c takes
# a comma-separated list).
set -u
. "$GUEST/setup.sh" || exit 1
BIN=$(cd "$GUEST/../../build/bench-bin" && pwd)
part=$(sed -n 's/.*rdma_pin\.part=\([^ ]*\).*/\1/p' /proc/cmdline)
opts=$(sed -n 's/.*rdma_pin\.bench=\([^ ]*\).*/\1/p' /proc/cmdline | tr + ' ')
csv=$RESULTS/bench.csv

# Filesystems whose allocations are 2 MiB aligned, so that files map with
# PMDs: XFS with a 2 MiB stripe unit, ext4 with a 512-block stripe.  ext4
# initialises its inode tables and journal at mkfs time, not in a kernel
# thread after mount, which would slow whatever runs then: runs mount
# different numbers of filesystems.
mkfs_aligned() {	# mkfs_aligned FSTYPE DEVICE
	case $1 in
	xfs)	mkfs.xfs -q -f -d su=2m,sw=1 "$2" ;;
	ext4)	mkfs.ext4 -q -F -b 4096 \
			-E stride=512,stripe_width=512,lazy_itable_init=0,lazy_journal_init=0 "$2" ;;
	esac
}

mkdir -p /mnt/xfs /mnt/xfs-pin /mnt/ext4 /mnt/ext4-pin
mkfs_aligned xfs "$PMEM" && mount -o dax=always "$PMEM" /mnt/xfs
mkfs_aligned ext4 "$PMEM_EXT4" && mount -o dax=always "$PMEM_EXT4" /mnt/ext4
env=(BENCH_IBDEV="$RXE" BENCH_ADDR="$RXE_ADDR" BENCH_DEVDAX="$DEVDAX"
     BENCH_XFS_DAX=/mnt/xfs BENCH_EXT4_DAX=/mnt/ext4)
# "patched" measures everything; other boots only what everyone else pays,
# on the kernel without the series ("base...") or again with it.
pin_fs=yes
case $part in
base*)		opts="-e $opts" pin_fs= ;;
patched-[0-9]*)	opts="-e $opts" ;;
esac
if [ -n "$pin_fs" ]; then
	mkfs_aligned xfs "$PMEM_PIN" && mount -o dax=always,rdma_pin "$PMEM_PIN" /mnt/xfs-pin
	mkfs_aligned ext4 "$PMEM_EXT4_PIN" &&
		mount -o dax=always,rdma_pin "$PMEM_EXT4_PIN" /mnt/ext4-pin
	env+=(BENCH_XFS_PIN=/mnt/xfs-pin BENCH_EXT4_PIN=/mnt/ext4-pin)
fi
# Huge pages for the hugetlb case: 2 MiB each, with room to spare.
echo 320 >/proc/sys/vm/nr_hugepages

echo "rdma-pin-vm: bench: rdma_pin_bench $opts"
# shellcheck disable=SC2086 # options, one word each
env "${env[@]}" "$BIN/rdma_pin_bench" $opts 2>&1 >"$csv" | sed -u 's/^/rdma-pin-vm: bench:/'
echo "rdma-pin-vm: bench: rdma_pin_bench exited with ${PIPESTATUS[0]}"

# GUP-fast and the long-term pin of anonymous memory, as mm measures them:
# one row per repetition, get and put; three times as many repetitions as
# the other figures, each takes well under a millisecond.
reps=$(echo "$opts" | sed -n 's/.*-r \([0-9]*\).*/\1/p')
reps=$((3 * ${reps:-5}))
for cmd in u:GUP_FAST_BENCHMARK a:PIN_FAST_BENCHMARK L:PIN_LONGTERM_BENCHMARK; do
	echo "rdma-pin-vm: bench: gup_test -${cmd%%:*}"
	"$BIN/gup_test" -"${cmd%%:*}" -m 256 -n 512 -r "$reps" 2>&1 |
		sed -n "s/.*${cmd#*:}: Time: get:\([0-9]*\) put:\([0-9]*\) us.*/\1 \2/p" |
		awk -v c="${cmd#*:}" '{ printf "gup,%s,get,%d,%.6f,1\ngup,%s,put,%d,%.6f,1\n", c, NR - 1, $1 / 1e6, c, NR - 1, $2 / 1e6 }' >>"$csv"
done
echo 0 >/proc/sys/vm/nr_hugepages
umount /mnt/xfs /mnt/ext4
[ -z "$pin_fs" ] || umount /mnt/xfs-pin /mnt/ext4-pin
touch "$RESULTS/done"
