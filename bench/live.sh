#!/bin/bash
# Live cost (issue 4, item 4): the plugin's CPU time under a real auditd at a sustained exec load,
# against laurel's as a plugin of the same auditd, under the same load.
#
#   bench/live.sh [--rate N] [--seconds S] [--plugin PATH] [--no-laurel] [--with-fork] [--wait SECONDS]
#                 [--perf FILE]
#
# What it does, and undoes on every exit (trap):
#   1. refuses unless root, no auditd runs, nothing is registered as audit daemon, no rules are
#      loaded (retrying for --wait seconds, default 0);
#   2. starts `auditd -n -c TMPDIR` with a config of its own (RAW log in TMPDIR, plugin_dir in
#      TMPDIR, q_depth 80000) and two plugins, both `format = string`:
#        audisp-kmod-enum (a root-owned 0750 copy of PATH) with `-c TMPDIR/kme.conf`: the shipped
#          configuration, state_file in TMPDIR;
#        laurel (when installed) with its defaults, its log file in TMPDIR, no privilege drop;
#      backlog_limit 65536;
#   3. in a subshell with a fresh audit session, loads the plugin's shipped rules (execve,execveat
#      b64/b32; with --with-fork also the optional clone,clone3,fork,vfork success=1 rules of
#      conf/kmod-enum.rules) filtered on that session, and runs bench/loadgen.c: N (default 1000)
#      execs of /bin/true per second for S (default 30) seconds (each a posix_spawn: one process
#      creation and one exec);
#   4. waits until the plugins have drained, then reads utime+stime of auditd and of each plugin from
#      /proc/PID/stat (the plugins are still running: their own CPU, whole life, and the part spent
#      during the load: the difference with a reading taken just before it), deletes the rules, stops
#      auditd, checks the kernel's lost counter, restores enabled/backlog_limit, removes TMPDIR.
# Prints the CPU seconds and the ratio plugin/laurel (target <= 0.25).
set -uo pipefail
export LC_ALL=C
export PATH=/usr/sbin:/usr/bin:/sbin:/bin

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd) || exit 1
TOP=$(cd "$HERE/.." && pwd) || exit 1
readonly HERE TOP

# shellcheck source=bench/lib.sh
. "$HERE/lib.sh"   # die, say, median, find_plugin

rate=1000
seconds=30
plugin=${KME_PLUGIN:-}
use_laurel=1
with_fork=0
wait_s=0
perf_out=
perf_pid=
while [ $# -gt 0 ]; do
	case "$1" in
	--perf) perf_out=$2; shift 2 ;;
	--rate) rate=$2; shift 2 ;;
	--seconds) seconds=$2; shift 2 ;;
	--plugin) plugin=$2; shift 2 ;;
	--no-laurel) use_laurel=0; shift ;;
	--with-fork) with_fork=1; shift ;;
	--wait) wait_s=$2; shift 2 ;;
	*) printf 'usage: %s [--rate N] [--seconds S] [--plugin PATH] [--no-laurel] [--with-fork] [--wait SECONDS]\n' "$0" >&2
	   exit 2 ;;
	esac
done
[ -n "$plugin" ] || plugin=$TOP/plugin/audisp-kmod-enum
[ -x "$plugin" ] || die "audisp-kmod-enum not found at $plugin: build it, or pass --plugin PATH"
laurel=
[ "$use_laurel" = 1 ] && laurel=$(command -v laurel || true)
[ "$use_laurel" = 0 ] || [ -n "$laurel" ] || say "laurel is not installed: measuring the plugin alone"
shipped_conf=$TOP/conf/audisp-kmod-enum.conf.in
[ -r "$shipped_conf" ] || die "cannot read $shipped_conf"

# shellcheck source=bench/audit-lib.sh
. "$HERE/audit-lib.sh"
# shellcheck source=tests/auditd-lib.sh
. "$HERE/../tests/auditd-lib.sh"
bench_atexit() {
	[ -z "$perf_pid" ] || { kill -INT "$perf_pid" 2>/dev/null; wait "$perf_pid" 2>/dev/null; }
}
audit_setup "$wait_s" live auditd auditctl python3
mkdir -m 700 "$tmp/conf" "$tmp/plugins" "$tmp/log" "$tmp/bin" "$tmp/state" "$tmp/laurel" || die "mkdir failed"
# The load generator is C: a Python one cannot keep 1000 spawns/s on 2 CPUs.
loadgen=$tmp/bin/loadgen
${CC:-cc} -O2 -o "$loadgen" "$HERE/loadgen.c" || die "cannot build bench/loadgen.c"
install -o root -g root -m 0750 "$plugin" "$tmp/bin/audisp-kmod-enum" || die "cannot copy $plugin"
sed "s|^state_file = .*|state_file = $tmp/state/state.json|" "$shipped_conf" >"$tmp/kme.conf"
! grep -q '@[a-z]*@' "$tmp/kme.conf" || die "unsubstituted @variable@ in $shipped_conf"
chmod 0640 "$tmp/kme.conf"
"$tmp/bin/audisp-kmod-enum" --check-config -c "$tmp/kme.conf" >/dev/null || die "the plugin refuses $tmp/kme.conf"

# tests/auditd-lib.sh's capture config, with a larger dispatcher queue for the load and a log
# flushed every 1000 records.
auditd_conf "$tmp/conf/auditd.conf" log_file="$tmp/log/audit.log" freq=1000 max_log_file=1000 \
	q_depth=80000 plugin_dir="$tmp/plugins" || die "cannot write $tmp/conf/auditd.conf"
cat >"$tmp/plugins/kme.conf" <<EOF
active = yes
direction = out
path = $tmp/bin/audisp-kmod-enum
type = always
args = -c $tmp/kme.conf
format = string
EOF
if [ -n "$laurel" ]; then
	cat >"$tmp/laurel.toml" <<EOF
directory = "$tmp/laurel"
statusreport-period = 0
[auditlog]
file = "audit.log"
size = 1000000000
generations = 1
EOF
	cat >"$tmp/plugins/laurel.conf" <<EOF
active = yes
direction = out
path = $laurel
type = always
args = --config $tmp/laurel.toml
format = string
EOF
fi
chmod 0640 "$tmp/plugins/"*.conf

auditd -n -c "$tmp/conf" >"$tmp/auditd.out" 2>&1 &
daemon_pid=$!
auditd_enable "$daemon_pid" 65536 || die "auditd did not start: $(cat "$tmp/auditd.out")"

# The plugins are auditd's children; wait until they run.
child_of() { pgrep -P "$daemon_pid" -f "$1" | head -1; }
kme_pid=
laurel_pid=
for ((i = 0; i < 50; i++)); do
	kme_pid=$(child_of "$tmp/bin/audisp-kmod-enum")
	[ -z "$laurel" ] || laurel_pid=$(child_of "$laurel")
	[ -n "$kme_pid" ] && { [ -z "$laurel" ] || [ -n "$laurel_pid" ]; } && break
	sleep 0.1
done
[ -n "$kme_pid" ] || die "auditd did not start the plugin: $(cat "$tmp/auditd.out")"
[ -z "$laurel" ] || [ -n "$laurel_pid" ] || die "auditd did not start laurel: $(cat "$tmp/auditd.out")"
sleep 1

tck=$(getconf CLK_TCK)
# cpu PID: utime+stime in seconds (fields 14 and 15, counted after the ") " that ends comm).
cpu() { awk -v t="$tck" '{ sub(/^.*\) /, ""); printf "%.2f\n", ($12 + $13) / t }' "/proc/$1/stat"; }
# usys PID: "utime/stime" in seconds.
usys() { awk -v t="$tck" '{ sub(/^.*\) /, ""); printf "%.2f/%.2f\n", $12 / t, $13 / t }' "/proc/$1/stat"; }
if [ -n "$perf_out" ]; then
	# --perf FILE: a cpu-clock profile of the plugin during the load (perf report -i FILE).
	perf record -e cpu-clock -F 2000 -g -o "$perf_out" -p "$kme_pid" >/dev/null 2>&1 &
	perf_pid=$!
	sleep 0.5
fi
kme0=$(cpu "$kme_pid")
auditd0=$(cpu "$daemon_pid")
[ -z "$laurel" ] || laurel0=$(cpu "$laurel_pid")

(
	auditd_session || exit 1
	for arch in b64 b32; do
		specs=("always,exit -F arch=$arch -S execve,execveat -F sessionid=$ses -k kmebench-live")
		[ "$with_fork" = 1 ] && specs+=("always,exit -F arch=$arch -S clone,clone3,fork,vfork -F success=1 -F sessionid=$ses -k kmebench-live-fork")
		auditd_add_rules "$rules_file" "${specs[@]}" || exit 1
	done
	"$loadgen" "$rate" "$seconds"
) >"$tmp/loadgen.out" || die "load session failed"
say "load: $(cat "$tmp/loadgen.out")"

# Drained when the plugins' CPU time stops moving for 2 s (at most 60 s).
snap() { echo "$(cpu "$kme_pid") ${laurel_pid:+$(cpu "$laurel_pid")}"; }
prev=$(snap)
for ((i = 0; i < 30; i++)); do
	sleep 2
	cur=$(snap)
	[ "$cur" = "$prev" ] && break
	prev=$cur
done
kme1=$(cpu "$kme_pid")
auditd1=$(cpu "$daemon_pid")
[ -z "$laurel" ] || laurel1=$(cpu "$laurel_pid")
kme_us=$(usys "$kme_pid")
[ -z "$laurel" ] || laurel_us=$(usys "$laurel_pid")
auditd_us=$(usys "$daemon_pid")
if [ -n "$perf_pid" ]; then
	kill -INT "$perf_pid" 2>/dev/null
	wait "$perf_pid" 2>/dev/null
	perf_pid=
fi
execs=$(grep -c '^type=SYSCALL.*key="kmebench-live"' "$tmp/log/audit.log")
forks=$(grep -c '^type=SYSCALL.*key="kmebench-live-fork"' "$tmp/log/audit.log")
records=$(wc -l <"$tmp/log/audit.log")

auditd_delete_rules "$rules_file" || die "cannot delete the load's audit rules"
kill -TERM "$daemon_pid"
wait "$daemon_pid"
daemon_pid=
lost1=$(auditctl -s | awk '$1 == "lost" { print $2 }')

printf 'live: %s execs/s target for %s s: %s; exec events in the audit log: %s; fork events: %s; records: %s; kernel lost: %s\n' \
	"$rate" "$seconds" "$(cat "$tmp/loadgen.out")" "$execs" "$forks" "$records" "$((lost1 - lost0))"
[ -z "$laurel" ] || printf 'live: laurel wrote %s lines\n' "$(cat "$tmp/laurel/audit.log"* 2>/dev/null | wc -l)"
printf '%-18s %12s %12s %14s\n' process cpu_total_s cpu_load_s user/sys_s
printf '%-18s %12s %12s %14s\n' audisp-kmod-enum "$kme1" "$(awk -v a="$kme0" -v b="$kme1" 'BEGIN { printf "%.2f", b - a }')" "$kme_us"
[ -z "$laurel" ] || printf '%-18s %12s %12s %14s\n' laurel "$laurel1" \
	"$(awk -v a="$laurel0" -v b="$laurel1" 'BEGIN { printf "%.2f", b - a }')" "$laurel_us"
printf '%-18s %12s %12s %14s\n' auditd "$auditd1" "$(awk -v a="$auditd0" -v b="$auditd1" 'BEGIN { printf "%.2f", b - a }')" "$auditd_us"
if [ -n "$laurel" ]; then
	awk -v k="$kme1" -v l="$laurel1" -v k0="$kme0" -v l0="$laurel0" 'BEGIN {
		if (l > 0) printf "plugin/laurel cpu (whole life) = %.3f\n", k / l
		if (l - l0 > 0) printf "plugin/laurel cpu (during load) = %.3f   (target <= 0.25)\n", (k - k0) / (l - l0) }'
fi
[ "$lost1" = "$lost0" ] || { say "the kernel lost $((lost1 - lost0)) records: the load was not fully seen"; exit 1; }
