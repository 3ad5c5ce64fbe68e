#!/bin/bash
# What the file rules' audit rules cost (issue 19): the time of one open(2) under a real, private
# auditd with no audit rule, with the exec rules only (conf/kmod-enum.rules), and with the exec rules
# plus the file rules (conf/kmod-enum-proc.rules), for a file no rule watches (/etc/hostname: every
# open on the host pays this) and for the watched files (each open an event auditd writes).
#
#   bench/proc-rules.sh [--opens N] [--watched M] [--rounds R] [--wait SECONDS]
#
# This kernel has no module support: /proc/modules does not exist and auditctl refuses its path
# rules, so /proc/version stands in for it (one path rule for one path rule, as in the tests);
# /sys/module is the shipped rule. Every rule is filtered on the script's own audit session (other
# work on the machine stays out of the log), the same filter in every set. R rounds (default 5)
# interleave the three sets; each runs bench/openbench.c N times (default 200000) on /etc/hostname
# and M times (default 20000) on each watched file. Prints the median ns per open of each set and
# file, and the events auditd logged. Refuses, checks the kernel's lost counter and cleans up as
# bench/live.sh does (bench/audit-lib.sh).
set -uo pipefail
export LC_ALL=C
export PATH=/usr/sbin:/usr/bin:/sbin:/bin

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd) || exit 1
readonly HERE

# shellcheck source=bench/lib.sh
. "$HERE/lib.sh"   # die, say, median, find_plugin

opens=200000
watched=20000
rounds=5
wait_s=0
while [ $# -gt 0 ]; do
	case "$1" in
	--opens) opens=$2; shift 2 ;;
	--watched) watched=$2; shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	--wait) wait_s=$2; shift 2 ;;
	*) printf 'usage: %s [--opens N] [--watched M] [--rounds R] [--wait SECONDS]\n' "$0" >&2
	   exit 2 ;;
	esac
done
for n in "$opens" "$watched" "$rounds"; do
	case $n in ''|*[!0-9]*|0) die "--opens, --watched and --rounds need positive numbers, not '$n'" ;; esac
done
case $wait_s in ''|*[!0-9]*) die "--wait needs a number of seconds, not '$wait_s'" ;; esac
# shellcheck source=bench/audit-lib.sh
. "$HERE/audit-lib.sh"
# shellcheck source=tests/auditd-lib.sh
. "$HERE/../tests/auditd-lib.sh"
audit_setup "$wait_s" proc auditd auditctl
mkdir -m 700 "$tmp/conf" "$tmp/plugins" "$tmp/log" || die "mkdir failed"
${CC:-cc} -O2 -o "$tmp/openbench" "$HERE/openbench.c" || die "cannot build bench/openbench.c"
auditd_conf "$tmp/conf/auditd.conf" log_file="$tmp/log/audit.log" freq=1000 max_log_file=1000 \
	q_depth=80000 plugin_dir="$tmp/plugins" || die "cannot write $tmp/conf/auditd.conf"
auditd -n -c "$tmp/conf" >"$tmp/auditd.out" 2>&1 &
daemon_pid=$!
auditd_enable "$daemon_pid" 65536 || die "auditd did not start: $(cat "$tmp/auditd.out")"

# The rule specs of SET for session SES, one a line.
specs() {
	local set=$1 ses=$2 arch
	[ "$set" = none ] && return 0
	for arch in b64 b32; do
		echo "always,exit -F arch=$arch -S execve,execveat -F sessionid=$ses -k kmebench-exec"
		[ "$set" = file ] || continue
		echo "always,exit -F arch=$arch -S open,openat,openat2 -F path=/proc/version -F perm=r -F sessionid=$ses -k kme-standin"
		echo "always,exit -F arch=$arch -S open,openat,openat2 -F path=/sys/module -F perm=r -F sessionid=$ses -k kmod-enum-sysmod"
	done
}

(
	auditd_session || exit 1
	for ((r = 1; r <= rounds; r++)); do
		for set in none exec file; do
			mapfile -t s < <(specs "$set" "$ses")
			[ "${#s[@]}" -eq 0 ] || auditd_add_rules "$rules_file" "${s[@]}" || exit 1
			for f in /etc/hostname /proc/version /sys/module; do
				n=$watched
				[ "$f" = /etc/hostname ] && n=$opens
				printf '%s %s %s\n' "$set" "$f" "$("$tmp/openbench" "$f" "$n")" || exit 1
			done
			auditd_delete_rules "$rules_file" || exit 1
		done
	done
) >"$tmp/runs" || die "bench session failed: $(cat "$tmp/runs")"
sleep 1
lost1=$(auditctl -s | awk '$1 == "lost" { print $2 }')
[ "$lost1" = "$lost0" ] || die "the kernel lost $((lost1 - lost0)) audit records"
# The file rules' events, by opener (openbench's, and any other program of
# the session that opened a watched file).
grep -E 'type=SYSCALL.* key="(kme-standin|kmod-enum-sysmod)"' "$tmp/log/audit.log" |
	grep -o ' comm="[^"]*"' | sort | uniq -c >"$tmp/events"
events=$(awk '/comm="openbench"/ { print $1 }' "$tmp/events")

printf '%-6s %-14s %6s %14s\n' set file runs median_ns_open
awk '{ sub(/.*ns_per_open=/, "", $4); v[$1 " " $2] = v[$1 " " $2] " " $4 }
     END { for (k in v) print k, v[k] }' "$tmp/runs" | sort |
	while read -r set file vals; do
		med=$(printf '%s\n' $vals | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
		printf '%-6s %-14s %6d %14s\n' "$set" "$file" "$(printf '%s\n' $vals | wc -l)" "$med"
	done
printf 'events of the file rules by openbench: %s (expected %s: %s rounds x 2 files x %s)\n' \
	"${events:-0}" "$((rounds * 2 * watched))" "$rounds" "$watched"
printf 'all events of the file rules, by opener:\n'
cat "$tmp/events"
