#!/bin/bash
# Guest job for make run: a narrated tour of RDMA registration over DAX,
# without and with the rdma_pin mount option.
set -u
. "$GUEST/setup.sh" || exit 1
MR=$(cd "$GUEST/../../build/demo" && pwd)/mr-register

say() { printf '\n\033[1m### %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

say "The machine: emulated persistent memory and two software RDMA devices"
run ndctl list -N -u | grep -E '"(dev|mode|blockdev|chardev)"'
run rdma link show

say "Anonymous memory and device-DAX: long-term pinning works"
run "$MR" -d "$RXE" anon
run "$MR" -d "$RXE" "$DEVDAX"

say "FS-DAX without rdma_pin: XFS on $PMEM mounted -o dax=always"
mkdir -p /mnt/xfs /mnt/pin
mkfs.xfs -q -f "$PMEM"
run mount -o dax=always "$PMEM" /mnt/xfs
run "$MR" -d "$RXE" /mnt/xfs/data
cat <<'TEXT'
    Refused (EOPNOTSUPP), as upstream does: XFS could truncate, punch or
    reflink the blocks under the NIC at any time.
TEXT

say "FS-DAX with rdma_pin: XFS on $PMEM_PIN mounted -o dax=always,rdma_pin"
mkfs.xfs -q -f "$PMEM_PIN"
run mount -o dax=always,rdma_pin "$PMEM_PIN" /mnt/pin
run grep /mnt/pin /proc/mounts
msg="written by RDMA over $RXE"
run "$MR" -a "$RXE_ADDR" -s 2097152 -w "$msg" \
	-x "head -c ${#msg} /mnt/pin/data; echo; truncate -s 0 /mnt/pin/data" \
	/mnt/pin/data
cat <<'TEXT'
    Registered; an RDMA WRITE through a loopback queue pair landed in the
    file's blocks (read(2) sees it), and truncate failed with ETXTBSY (the
    kernel message below names the inode, the pinned range and the process).
TEXT
dmesg | grep 'rdma_pin:' | tail -n 1
say "Copying a pinned file: copy_file_range refuses to reflink it, cp copies"
run "$MR" -d "$RXE" -s 2097152 -x "cp /mnt/pin/data /mnt/pin/copy && cmp /mnt/pin/data /mnt/pin/copy && echo 'cp: identical copy'" /mnt/pin/data
dmesg | grep 'rdma_pin:' | tail -n 1
say "An administrator finds who pins a file"
# A long-running "database" keeps a region registered over its file.
"$MR" -d "$RXE" -s 2097152 -x "sleep 600" /mnt/pin/db >/dev/null &
holder=$!
for _ in $(seq 120); do
	grep -q " $(stat -c %i /mnt/pin/db 2>/dev/null || echo none) " \
		/sys/kernel/debug/dax_pins 2>/dev/null && break
	sleep 1
done
run truncate -s 0 /mnt/pin/db
dmesg | grep 'rdma_pin:' | tail -n 1
run stat -c '%i %n' /mnt/pin/db
run cat /sys/kernel/debug/dax_pins
run ps -ww -o pid,user,lstart,args -p "$holder"
cat <<'TEXT'
    The message names the device, the inode, the pinned bytes and the
    holder; the listing shows every live pin with its holder and since
    when (seconds since boot).  Stopping the holder releases its pins.
TEXT
run kill "$holder"
wait "$holder" 2>/dev/null
pkill -f 'sleep 600' || true
run truncate -s 0 /mnt/pin/db && echo "truncate: done"
run cat /sys/kernel/debug/dax_pins

say "After deregistration the file is an ordinary file again"
run truncate -s 0 /mnt/pin/data && echo "truncate: done"
run "$MR" -d "$SIW" -s 2097152 -x "fallocate -p -o 4096 -l 4096 /mnt/pin/data" /mnt/pin/data

umount /mnt/pin /mnt/xfs
touch "$RESULTS/done"
