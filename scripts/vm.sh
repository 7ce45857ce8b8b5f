#!/usr/bin/env bash
# Boot the built kernel under QEMU (TCG) and run one guest job in it.
#
# The guest's root is this machine's / read-only over virtio-9p (as virtme-ng
# does it); six NFIT persistent-memory devices back /dev/pmem0 and pmem3
# (fsdax, for plain DAX on XFS and ext4), /dev/dax1.0 (devdax), pmem2 and
# pmem4 (fsdax, for rdma_pin on XFS and ext4), and pmem5 (fsdax, for the
# device removal test);
# $RESULTS/JOB[-PART] is shared writable for the job's output, and this
# checkout read-only once more, for when the guest's tmpfs hides it (a clone
# in /tmp).  Each JOB[-PART] has its own backing files, results and console
# log, so several VMs can run side by side.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<USAGE
usage: $0 [--quiet] JOB [TIMEOUT_SECONDS [PART]]
JOBs (scripts/guest/JOB.sh): bench, check, demo, shell, stress
PART is handed to the job (rdma_pin.part= on the kernel command line).
RDMA_PIN_KERNEL=FILE boots FILE instead of the built bzImage, and
RDMA_PIN_STRESS_SECONDS=N sets the stress job's run time (rdma_pin.stress=),
RDMA_PIN_BENCH_OPTS the bench job's rdma_pin_bench options (rdma_pin.bench=).
The console log goes to ${LOGS#"$TOP"/}/console-JOB[-PART].log and the job's
results to ${RESULTS#"$TOP"/}/JOB[-PART]/.  --quiet shows only the
kselftests' results and the guest's own messages, prefixed with the name.
USAGE
}
quiet=0
[ "${1:-}" != --quiet ] || { quiet=1; shift; }
[ $# -ge 1 ] && [ -f "$TOP/scripts/guest/$1.sh" ] || { usage; exit 2; }
job=$1
timeout=${2:-1800}
part=${3:-}
name=$job${part:+-$part}
kernel=${RDMA_PIN_KERNEL:-$OBJ/arch/x86/boot/bzImage}
[ -f "$kernel" ] || die "no kernel at $kernel: run 'make build' first"

vmdir=$WORK/vm-$name
results=$RESULTS/$name
mkdir -p "$vmdir" "$results" "$LOGS"
rm -f "$results"/*
# Fresh, sparse pmem backing files: every run starts from blank labels.
# 1026 MiB, because ndctl refuses a 1 GiB device as misaligned.
for i in 0 1 2 3 4 5; do
	rm -f "$vmdir/pmem$i.img"
	truncate -s 1026M "$vmdir/pmem$i.img"
done

cmdline="console=ttyS0 root=/dev/root rootfstype=9p ro"
cmdline+=" rootflags=trans=virtio,version=9p2000.L,msize=512000"
cmdline+=" init=$TOP/scripts/guest/init.sh rdma_pin.job=$job rdma_pin.top=$TOP"
cmdline+="${part:+ rdma_pin.part=$part}"
cmdline+="${RDMA_PIN_STRESS_SECONDS:+ rdma_pin.stress=$RDMA_PIN_STRESS_SECONDS}"
bench_opts=${RDMA_PIN_BENCH_OPTS:-}
cmdline+="${bench_opts:+ rdma_pin.bench=${bench_opts// /+}}"
# acpi=noirq: routing PCI interrupts through ACPI runs AML loops that time
# out under TCG, 30 s each for three devices.  no_timer_check: the IO-APIC
# timer check can fail on a busy host and panic the boot.
cmdline+=" panic=-1 oops=panic hung_task_panic=0 nokaslr acpi=noirq no_timer_check"

# One TCG thread for both vCPUs: with a thread per vCPU, a guest once took an
# int3 Oops in __schedule just after tracing flipped a static key there, as if
# one vCPU still ran code that the other had already patched back.  A guest
# keeps about one CPU busy anyway; the other is left to the static checks.
qemu=(qemu-system-x86_64 -machine pc,nvdimm=on -accel tcg,thread=single
	-cpu max,la57=off -smp 2 -m 2G,slots=6,maxmem=9G
	-nographic -no-reboot -kernel "$kernel" -append "$cmdline"
	-fsdev local,id=root,path=/,security_model=none,readonly=on,multidevs=remap
	-device virtio-9p-pci,fsdev=root,mount_tag=/dev/root
	-fsdev local,id=results,path="$results",security_model=none
	-device virtio-9p-pci,fsdev=results,mount_tag=results
	-fsdev local,id=top,path="$TOP",security_model=none,readonly=on,multidevs=remap
	-device virtio-9p-pci,fsdev=top,mount_tag=top)
for i in 0 1 2 3 4 5; do
	qemu+=(-object memory-backend-file,id=pmem$i,share=on,mem-path="$vmdir/pmem$i.img",size=1026M,align=2M
	       -device nvdimm,id=nvdimm$i,memdev=pmem$i,label-size=128K)
done

# What --quiet lets through: results, the harness's and the guest's notes,
# and the first line of any kernel report.
show() {
	if [ $quiet -eq 1 ]; then
		{ grep --line-buffered -E '^(ok |not ok |# kselftest |rdma-pin-vm:)|WARNING:|BUG:|Oops' || true; } |
			sed -u "s/^/[$name] /"
	else
		cat
	fi
}

log=$LOGS/console-$name.log
step "Booting the kernel in QEMU (TCG) for '$name' (timeout ${timeout}s, console: ${log#"$TOP"/})"
if [ "$job" = shell ]; then
	"${qemu[@]}"
	exit 0
fi
rm -f "$vmdir/rc"
{ timeout --foreground "$timeout" "${qemu[@]}" </dev/null 2>&1 && echo 0 >"$vmdir/rc" ||
	echo $? >"$vmdir/rc"; } |
	tee "$log" | show || true
rc=$(cat "$vmdir/rc")
[ $rc -ne 124 ] || die "the VM for '$name' did not finish within ${timeout}s"
[ -f "$results/done" ] || die "the guest job '$name' did not complete (see ${log#"$TOP"/})"
