#!/bin/bash
# PID 1 of the test VM: make the read-only 9p root usable, bring up the
# persistent memory and the software RDMA devices, run the job named on the
# kernel command line (rdma_pin.job=), then power off.
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=${TERM:-linux}
GUEST=$(cd "$(dirname "$0")" && pwd)
export GUEST

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mountpoint -q /dev || mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
for d in /tmp /run /var/tmp /var/log /var/lib /mnt /root /etc/rdma; do
	mount -t tmpfs tmpfs "$d" 2>/dev/null || true
done
# A checkout under one of those (a clone in /tmp) comes back by its own share.
if [ ! -d "$GUEST" ]; then
	mkdir -p "${GUEST%/scripts/guest}"
	mount -t 9p -o trans=virtio,version=9p2000.L,ro top "${GUEST%/scripts/guest}"
fi
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null || true
mkdir -p /mnt/results
mount -t 9p -o trans=virtio,version=9p2000.L results /mnt/results
export RESULTS=/mnt/results
hostname rdma-pin-vm
ip link set lo up

job=$(sed -n 's/.*rdma_pin\.job=\([^ ]*\).*/\1/p' /proc/cmdline)
echo "rdma-pin-vm: running job '$job' on $(uname -r)"
bash "$GUEST/$job.sh"
echo "rdma-pin-vm: job '$job' exited with $?"
sync
echo o >/proc/sysrq-trigger
sleep 10
