#!/usr/bin/env bash
# Fail if a console log shows a kernel bug report of any kind, and show it.
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 CONSOLE_LOG" >&2; exit 2; }
pattern='WARNING:|BUG:|KASAN|UBSAN|Oops|general protection fault|kernel BUG|Kernel panic|'
pattern+='INFO: task .* blocked for more than|possible circular locking|'
pattern+='inconsistent lock state|possible recursive locking|detected stalls|'
pattern+='soft lockup|hard LOCKUP|list_add corruption|list_del corruption|'
pattern+='ODEBUG:|Call Trace:'
if grep -nE "$pattern" "$1" >/dev/null; then
	echo "The kernel reported a problem in $1:" >&2
	first=$(grep -nE "$pattern" "$1" | head -n1 | cut -d: -f1)
	sed -n "$((first > 5 ? first - 5 : 1)),$((first + 40))p" "$1" >&2
	exit 1
fi
echo "    console clean: no warnings, bugs, KASAN/lockdep reports or hung tasks"
