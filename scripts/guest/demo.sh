#!/bin/bash
# Guest job for make run: a narrated tour of RDMA registration over DAX.
set -u
. "$GUEST/setup.sh" || exit 1
MR=$(cd "$GUEST/../../build/demo" && pwd)/mr-register

say() { printf '\n\033[1m### %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

say "The machine: emulated persistent memory and two software RDMA devices"
run ndctl list -N -u | grep -E '"(dev|mode|size|blockdev|chardev)"'
run rdma link show

say "Anonymous memory: long-term pinning works, the MR registers"
run "$MR" -d "$RXE" anon

say "Device-DAX ($DEVDAX): no filesystem owns the blocks, the MR registers"
run "$MR" -d "$RXE" "$DEVDAX"

say "FS-DAX: XFS on $PMEM mounted -o dax=always"
mkdir -p /mnt/xfs
run mkfs.xfs -q -f "$PMEM"
run mount -o dax=always "$PMEM" /mnt/xfs
run "$MR" -d "$RXE" /mnt/xfs/data
run "$MR" -d "$SIW" /mnt/xfs/data
cat <<'TEXT'
    Upstream refuses long-term pins of FS-DAX pages (EOPNOTSUPP): XFS may
    truncate, punch or reflink the blocks under the NIC at any time.  The
    rdma_pin mount option of this series is what will make this work.
TEXT
umount /mnt/xfs
touch "$RESULTS/done"
