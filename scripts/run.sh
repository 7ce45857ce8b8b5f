#!/usr/bin/env bash
# make run: build the patched kernel, boot it in QEMU and show the demo.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { echo "usage: $0 [demo|shell]   (default: demo)"; }
job=${1:-demo}
case "$job" in demo|shell) ;; *) usage; exit 2 ;; esac

"$TOP/scripts/deps.sh"
"$TOP/scripts/tree.sh"
"$TOP/scripts/build.sh"
"$TOP/scripts/build-selftests.sh"
mkdir -p "$WORK/demo"
verbs=$TREE/tools/testing/selftests/rdma
gcc -Wall -O2 -I "$verbs" -o "$WORK/demo/mr-register" "$TOP/demo/mr-register.c" \
	"$verbs/verbs_util.c" -libverbs -lrdmacm
"$TOP/scripts/vm.sh" "$job" 900
[ "$job" = shell ] || "$TOP/scripts/scan-console.sh" "$LOGS/console-$job.log"
