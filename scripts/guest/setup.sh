# Sourced by the guest jobs: persistent memory and software RDMA devices.
# Exports PMEM and PMEM_PIN (fsdax block devices, for plain DAX and for
# rdma_pin on XFS), PMEM_EXT4 and PMEM_EXT4_PIN (the same, for ext4),
# PMEM_REMOVE (fsdax, for the device removal test), DEVDAX (device-DAX char
# device) and the RDMA devices RXE and
# SIW, each on its own end of a veth pair, with their IPv4 addresses RXE_ADDR
# and SIW_ADDR.
# shellcheck shell=bash

guest_setup_pmem() {
	ndctl create-namespace -f -e namespace0.0 -m fsdax >/dev/null
	ndctl create-namespace -f -e namespace1.0 -m devdax >/dev/null
	ndctl create-namespace -f -e namespace2.0 -m fsdax >/dev/null
	ndctl create-namespace -f -e namespace3.0 -m fsdax >/dev/null
	ndctl create-namespace -f -e namespace4.0 -m fsdax >/dev/null
	ndctl create-namespace -f -e namespace5.0 -m fsdax >/dev/null
	PMEM=/dev/pmem0
	PMEM_PIN=/dev/pmem2
	PMEM_EXT4=/dev/pmem3
	PMEM_EXT4_PIN=/dev/pmem4
	PMEM_REMOVE=/dev/pmem5
	DEVDAX=$(ls /dev/dax1.* | head -n1)
	[ -b "$PMEM" ] && [ -b "$PMEM_PIN" ] && [ -b "$PMEM_EXT4" ] &&
		[ -b "$PMEM_EXT4_PIN" ] && [ -b "$PMEM_REMOVE" ] && [ -c "$DEVDAX" ] ||
		{ echo "setup: no pmem devices" >&2; return 1; }
	export PMEM PMEM_PIN PMEM_EXT4 PMEM_EXT4_PIN PMEM_REMOVE DEVDAX
}

guest_setup_rdma() {
	ip link add veth0 type veth peer name veth1
	ip addr add 192.0.2.1/24 dev veth0
	ip addr add 192.0.2.2/24 dev veth1
	ip link set veth0 up
	ip link set veth1 up
	rdma link add rxe0 type rxe netdev veth0
	rdma link add siw0 type siw netdev veth1
	RXE=rxe0 SIW=siw0 RXE_ADDR=192.0.2.1 SIW_ADDR=192.0.2.2
	export RXE SIW RXE_ADDR SIW_ADDR
}

# mkfs_xfs DEVICE: a new XFS with exchange-range (XFS_IOC_EXCHANGE_RANGE).
# xfsprogs 6.10 and later set it with -i exchange=1; older ones (Debian 12
# has 6.1) do not know it, so set its superblock bit (1 << 6) with xfs_db.
mkfs_xfs() {
	local incompat
	mkfs.xfs -q -f -i exchange=1 "$1" 2>/dev/null && return
	mkfs.xfs -q -f "$1" || return
	incompat=$(xfs_db -c 'sb 0' -c 'print features_incompat' "$1") || return
	incompat=${incompat##*= }
	xfs_db -x -c 'sb 0' -c "write -d features_incompat $((incompat | 0x40))" \
		"$1" >/dev/null
}

# run_kselftest NAME DIR PROGRAM [ENV=VALUE...]: run PROGRAM in DIR, its TAP
# into $RESULTS/NAME.tap.
run_kselftest() {
	local name=$1 dir=$2 prog=$3
	shift 3
	echo "# kselftest $name"
	(cd "$dir" && env "$@" timeout 1800 "$prog") 2>&1 | tee "$RESULTS/$name.tap"
	echo "# kselftest $name exited with ${PIPESTATUS[0]}"
}

# The filesystems the rdma_pin tests use, each on a device of its own:
# XFS and ext4, each mounted dax=always and dax=always,rdma_pin.
mount_test_filesystems() {
	mkdir -p /mnt/xfs /mnt/xfs-pin /mnt/ext4 /mnt/ext4-pin
	mkfs.xfs -q -f "$PMEM"
	mount -o dax=always "$PMEM" /mnt/xfs
	mkfs_xfs "$PMEM_PIN"
	mount -o dax=always,rdma_pin "$PMEM_PIN" /mnt/xfs-pin
	for dev in "$PMEM_EXT4" "$PMEM_EXT4_PIN"; do
		mkfs.ext4 -q -F -b 4096 "$dev"
	done
	mount -o dax=always "$PMEM_EXT4" /mnt/ext4
	mount -o dax=always,rdma_pin "$PMEM_EXT4_PIN" /mnt/ext4-pin
}

umount_test_filesystems() {
	umount /mnt/ext4-pin /mnt/ext4 /mnt/xfs-pin /mnt/xfs
}

# An NFS server in the guest that exports the rdma_pin XFS and the plain DAX
# XFS with pNFS block layouts, and NFS mounts of them on /mnt/xfs-pin-nfs
# and /mnt/xfs-nfs over the loopback device: rdma_pin_layout checks that
# only the second offers layouts.  NFSv4 only, so no rpcbind; a grace
# period of 10 s, not 90, before opens are served.  The NFSv4 root is /mnt
# (tmpfs), since the guest's / (9p) cannot be exported.  nfs_unexport_xfs undoes
# it, so that the filesystems can be unmounted again.
nfs_export_xfs() {
	local opts=rw,pnfs,no_root_squash,no_subtree_check
	mkdir -p /var/lib/nfs/rpc_pipefs /var/lib/nfs/v4recovery /mnt/xfs-pin-nfs /mnt/xfs-nfs
	touch /var/lib/nfs/etab /var/lib/nfs/rmtab
	{ mountpoint -q /var/lib/nfs/rpc_pipefs || mount -t rpc_pipefs sunrpc /var/lib/nfs/rpc_pipefs; } &&
	{ mountpoint -q /proc/fs/nfsd || mount -t nfsd nfsd /proc/fs/nfsd; } &&
	echo 10 >/proc/fs/nfsd/nfsv4gracetime &&
	echo 10 >/proc/fs/nfsd/nfsv4leasetime &&
	exportfs -o "$opts,fsid=0" 127.0.0.1:/mnt &&
	exportfs -o "$opts,fsid=1" 127.0.0.1:/mnt/xfs-pin &&
	exportfs -o "$opts,fsid=2" 127.0.0.1:/mnt/xfs &&
	rpc.mountd -N 3 &&
	rpc.nfsd -N 3 2 &&
	mount -t nfs -o vers=4.1 127.0.0.1:/xfs-pin /mnt/xfs-pin-nfs &&
	mount -t nfs -o vers=4.1 127.0.0.1:/xfs /mnt/xfs-nfs
}

nfs_unexport_xfs() {
	umount /mnt/xfs-pin-nfs /mnt/xfs-nfs
	rpc.nfsd 0
	exportfs -ua
	pkill -x rpc.mountd
}

# The environment of the rdma_pin tests, for device $1 at address $2.
rdma_pin_env() {
	echo RDMA_PIN_IBDEV="$1" RDMA_PIN_ADDR="$2" \
		RDMA_PIN_XFS_DIR=/mnt/xfs-pin RDMA_PIN_XFS_DAX_DIR=/mnt/xfs \
		RDMA_PIN_XFS_NFS_DIR=/mnt/xfs-pin-nfs RDMA_PIN_XFS_DAX_NFS_DIR=/mnt/xfs-nfs \
		RDMA_PIN_EXT4_DIR=/mnt/ext4-pin RDMA_PIN_EXT4_DAX_DIR=/mnt/ext4
}

guest_setup_pmem && guest_setup_rdma
