# Sourced by the guest jobs: persistent memory and software RDMA devices.
# Exports PMEM and PMEM_PIN (fsdax block devices, for plain DAX and for
# rdma_pin on XFS), PMEM_EXT4 and PMEM_EXT4_PIN (the same, for ext4), DEVDAX (device-DAX char device) and the RDMA devices RXE and
# SIW, each on its own end of a veth pair, with their IPv4 addresses RXE_ADDR
# and SIW_ADDR.
# shellcheck shell=bash

guest_setup_pmem() {
	ndctl create-namespace -f -e namespace0.0 -m fsdax >/dev/null
	ndctl create-namespace -f -e namespace1.0 -m devdax >/dev/null
	ndctl create-namespace -f -e namespace2.0 -m fsdax >/dev/null
	ndctl create-namespace -f -e namespace3.0 -m fsdax >/dev/null
	ndctl create-namespace -f -e namespace4.0 -m fsdax >/dev/null
	PMEM=/dev/pmem0
	PMEM_PIN=/dev/pmem2
	PMEM_EXT4=/dev/pmem3
	PMEM_EXT4_PIN=/dev/pmem4
	DEVDAX=$(ls /dev/dax1.* | head -n1)
	[ -b "$PMEM" ] && [ -b "$PMEM_PIN" ] && [ -b "$PMEM_EXT4" ] &&
		[ -b "$PMEM_EXT4_PIN" ] && [ -c "$DEVDAX" ] ||
		{ echo "setup: no pmem devices" >&2; return 1; }
	export PMEM PMEM_PIN PMEM_EXT4 PMEM_EXT4_PIN DEVDAX
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

guest_setup_pmem && guest_setup_rdma
