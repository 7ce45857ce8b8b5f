#!/usr/bin/env bash
# Boot the built kernel under QEMU (TCG) and run one guest job in it.
#
# The guest's root is this machine's / read-only over virtio-9p (as virtme-ng
# does it); five NFIT persistent-memory devices back /dev/pmem0 and pmem3
# (fsdax, for plain DAX on XFS and ext4), /dev/dax1.0 (devdax), and pmem2 and
# pmem4 (fsdax, for rdma_pin on XFS and ext4);
# $RESULTS is shared writable for the job's output, and this checkout read-only
# once more, for when the guest's tmpfs hides it (a clone in /tmp).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<USAGE
usage: $0 JOB [TIMEOUT_SECONDS]
JOBs (scripts/guest/JOB.sh): check, demo, shell
The console log goes to $LOGS/console-JOB.log.
USAGE
}
[ $# -ge 1 ] && [ -f "$TOP/scripts/guest/$1.sh" ] || { usage; exit 2; }
job=$1
timeout=${2:-1800}
kernel=$OBJ/arch/x86/boot/bzImage
[ -f "$kernel" ] || die "no kernel at $kernel: run 'make build' first"

vmdir=$WORK/vm
mkdir -p "$vmdir" "$RESULTS" "$LOGS"
rm -f "$RESULTS"/*
# Fresh, sparse pmem backing files: every run starts from blank labels.
# 1026 MiB, because ndctl refuses a 1 GiB device as misaligned.
for i in 0 1 2 3 4; do
	rm -f "$vmdir/pmem$i.img"
	truncate -s 1026M "$vmdir/pmem$i.img"
done

cmdline="console=ttyS0 root=/dev/root rootfstype=9p ro"
cmdline+=" rootflags=trans=virtio,version=9p2000.L,msize=512000"
cmdline+=" init=$TOP/scripts/guest/init.sh rdma_pin.job=$job rdma_pin.top=$TOP"
cmdline+=" panic=-1 oops=panic hung_task_panic=0 nokaslr"

qemu=(qemu-system-x86_64 -machine pc,nvdimm=on -accel tcg,thread=multi
	-cpu max,la57=off -smp 2 -m 2G,slots=6,maxmem=8G
	-nographic -no-reboot -kernel "$kernel" -append "$cmdline"
	-fsdev local,id=root,path=/,security_model=none,readonly=on,multidevs=remap
	-device virtio-9p-pci,fsdev=root,mount_tag=/dev/root
	-fsdev local,id=results,path="$RESULTS",security_model=none
	-device virtio-9p-pci,fsdev=results,mount_tag=results
	-fsdev local,id=top,path="$TOP",security_model=none,readonly=on,multidevs=remap
	-device virtio-9p-pci,fsdev=top,mount_tag=top)
for i in 0 1 2 3 4; do
	qemu+=(-object memory-backend-file,id=pmem$i,share=on,mem-path="$vmdir/pmem$i.img",size=1026M,align=2M
	       -device nvdimm,id=nvdimm$i,memdev=pmem$i,label-size=128K)
done

log=$LOGS/console-$job.log
step "Booting the kernel in QEMU (TCG) for '$job' (timeout ${timeout}s, console: ${log#"$TOP"/})"
if [ "$job" = shell ]; then
	"${qemu[@]}"
	exit 0
fi
rc=0
timeout --foreground "$timeout" "${qemu[@]}" </dev/null 2>&1 | tee "$log" || rc=$?
[ $rc -ne 124 ] || die "the VM did not finish within ${timeout}s"
[ -f "$RESULTS/done" ] || die "the guest job '$job' did not complete (see ${log#"$TOP"/})"
