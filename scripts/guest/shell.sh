#!/bin/bash
# Guest job for make shell: the demo's set-up, then an interactive shell.
set -u
. "$GUEST/setup.sh" || exit 1
mkdir -p /mnt/xfs
cat <<TEXT
Persistent memory: $PMEM (fsdax), $DEVDAX (devdax).  RDMA devices: $RXE, $SIW.
Try: mkfs.xfs -f $PMEM && mount -o dax=always $PMEM /mnt/xfs
Leave with 'poweroff -f' (or Ctrl-A X).
TEXT
cd /root && setsid -c bash -l </dev/ttyS0 >/dev/ttyS0 2>&1
touch "$RESULTS/done"
