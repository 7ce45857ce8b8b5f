#!/usr/bin/env bash
# Write the kernel's .config: x86_64 defconfig plus the fragments in
# configs/, merged with the kernel's own merge_config.sh, then check that
# every option that a fragment asks for survived olddefconfig.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<EOF
usage: $0 [--no-debug TREE OBJ]
  Writes ${OBJ#"$TOP"/}/.config for the test kernel (all of configs/).
  --no-debug: the same without configs/debug.config and configs/pnfs.config,
              for TREE built in OBJ (the static checks and make bench: the
              bug catchers only slow their builds, and they need no NFS;
              TREE may be the base, which lacks the series' own options).
EOF
}

fragments=("$TOP"/configs/feature.config "$TOP"/configs/vm.config "$TOP"/configs/trim.config)
strict=1
if [ $# -eq 0 ]; then
	fragments+=("$TOP"/configs/debug.config "$TOP"/configs/pnfs.config)
elif [ $# -eq 3 ] && [ "$1" = --no-debug ]; then
	strict=0
	mkdir -p "$3"
	TREE=$(cd "$2" && pwd) OBJ=$(cd "$3" && pwd)
else
	usage
	exit 2
fi
export KTREE=$TREE KOBJ=$OBJ

# Fail by name for each requested value that Kconfig dropped or changed; a
# later fragment overrides an earlier one, as in merge_config.sh.
check_survivors() {
	local -A want=() from=()
	local frag line sym got bad=0
	for frag in "$@"; do
		while IFS= read -r line; do
			case "$line" in
			CONFIG_*=*) sym=${line%%=*}; want[$sym]=$line ;;
			"# CONFIG_"*" is not set") sym=${line#\# }; sym=${sym%% *}; want[$sym]="" ;;
			*) continue ;;
			esac
			from[$sym]=$(basename "$frag")
		done <"$frag"
	done
	for sym in "${!want[@]}"; do
		got=$(grep -E "^$sym=" "$OBJ/.config" || true)
		if [ "$got" != "${want[$sym]}" ]; then
			echo "  ${from[$sym]}: asked for '${want[$sym]:-$sym off}', got '${got:-$sym off}'" >&2
			bad=1
		fi
	done
	return $bad
}

step "Configuring the kernel (x86_64_defconfig + ${fragments[*]##*/})"
mkdir -p "$OBJ"
kmake -s x86_64_defconfig >/dev/null
(cd "$OBJ" && "$TREE/scripts/kconfig/merge_config.sh" -m -O "$OBJ" "$OBJ/.config" "${fragments[@]}" >/dev/null)
kmake -s olddefconfig >/dev/null
if ! check_survivors "${fragments[@]}"; then
	[ $strict -eq 0 ] || die "Kconfig dropped options that configs/ asks for (see above)"
	info "(options that the tree does not have yet are left out)"
	exit 0
fi
info "all $(cat "${fragments[@]}" | grep -cE '^(CONFIG_|# CONFIG_)') requested options are set"
