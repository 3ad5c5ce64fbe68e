#!/bin/bash
# Capture the two sending hosts' audit logs of the aggregator end-to-end test
# (tests/e2e-aggregator.sh) under real auditds on this machine, as root:
#
#   tests/capture-aggregator.sh OUTDIR     writes OUTDIR/host-a.log and OUTDIR/host-b.log
#
# Two captures, one after the other, each by its own `auditd -n -c TMP` with name_format = USER,
# so that auditd itself writes each record's `node=` prefix, as a sending host's auditd does:
#   host A  node=kme-agg-a, log_format = RAW, everything as root (auid 0):
#     a1  /tmp/kme-agg/a/dkms (a #!/bin/sh script) at pid P runs lsmod       (P: a fixed pid, below)
#     a2  /tmp/kme-agg/a/dkms at pid Q runs lsmod
#     a3  /tmp/kme-agg/a/probe runs lsmod in a subshell `( lsmod; : )`: the subshell never execs, so
#         lsmod's parent is not in the log (the test gives that pid a local process on the aggregator)
#     a4  /tmp/kme-agg/common/inventory runs lsmod (the same term as b4)
#     a5  ./lsmod in /tmp/kme-agg/a/last (a symlink to kmod): a term of its own, the test's last event
#   host B  node=kme-agg-b, log_format = ENRICHED, uid 1000 named `kme-bob` by that auditd (its own
#           /etc/passwd and /etc/group, bind-mounted in its mount namespace only; the machine's files
#           are untouched):
#     b1  setpriv to uid 1000, then /tmp/kme-agg/b/scan-b1 at pid P runs lsmod
#     b2  the same with /tmp/kme-agg/b/scan-b2 at pid Q
#     b4  /tmp/kme-agg/common/inventory runs lsmod, as uid 1000
# P and Q are the same pids on both hosts: free pids below the last one handed out, taken by writing
# /proc/sys/kernel/ns_last_pid before a fork and checking the child's pid; a child that got another pid
# is killed before it execs anything (forks are not audited), and the fork is tried again.
#
# Like tests/capture.sh: refuses unless root, no auditd runs, no audit rules are loaded and the enabled
# flag is not locked; holds /tmp/kme-e2e.lock; rules filtered on a fresh audit session
# (-F sessionid=SES); each output keeps the whole events of the key kme-agg (no record edited; the
# rule loading and auditd's DAEMON_* records are left out); the kernel must lose nothing. On every exit
# it deletes its rules, stops its auditd, restores the enabled flag and removes /tmp/kme-agg and TMP.
set -uo pipefail
export LC_ALL=C
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
# shellcheck source=tests/auditd-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/auditd-lib.sh" || exit 1
readonly ROOT=/tmp/kme-agg
readonly KEY=kme-agg
readonly BUSER=kme-bob
readonly BUID=1000

die() {
	printf 'capture-aggregator.sh: %s\n' "$*" >&2
	exit 1
}

[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
outdir=$1
if [ ! -d "$outdir" ] || [ ! -w "$outdir" ]; then
	die "cannot write to directory $outdir"
fi
[ "$(id -u)" = 0 ] || die "must run as root: it starts auditd and loads kernel audit rules"
for tool in auditd auditctl unshare setpriv awk flock; do
	command -v "$tool" >/dev/null || die "$tool not found"
done
auditd_lock 1800 || die "another user of the audit subsystem held the lock for 30 minutes"
! why=$(auditd_busy) || die "the kernel audit subsystem is in use ($why): it is shared, free it first"
auditd_note_state || die "cannot use the kernel audit subsystem"
[ ! -e "$ROOT" ] || die "$ROOT exists: another capture running, or remove it"

tmp=
daemon_pid=
rules_file=
cleanup() {
	local rc=$?
	trap - EXIT INT TERM HUP
	[ -z "$rules_file" ] || auditd_delete_rules "$rules_file"
	stop_daemon
	auditd_restore "$enabled0"
	rm -rf "$ROOT"
	[ -n "$tmp" ] && rm -rf "$tmp"
	exit "$rc"
}
stop_daemon() {
	[ -n "$daemon_pid" ] || return 0
	auditd_stop "$daemon_pid"
	daemon_pid=
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
tmp=$(mktemp -d /tmp/kme-capture-agg.XXXXXX) || die "mktemp failed"
rules_file=$tmp/rules
: >"$rules_file"

# --- the programs the hosts run -------------------------------------------------------------------
umask 022
mkdir -p "$ROOT/a/last" "$ROOT/b" "$ROOT/common" || die "cannot create $ROOT"
ln -s /usr/bin/kmod "$ROOT/a/last/lsmod" || die "cannot create $ROOT/a/last/lsmod"
script() { printf '#!/bin/sh\n%s\nexit 0\n' "$2" >"$ROOT/$1" && chmod 755 "$ROOT/$1"; }
script a/dkms 'lsmod >/dev/null 2>&1'
script a/probe '( lsmod >/dev/null 2>&1; : )'
script b/scan-b1 'lsmod >/dev/null 2>&1'
script b/scan-b2 'lsmod >/dev/null 2>&1'
script common/inventory 'lsmod >/dev/null 2>&1'
chmod 755 "$ROOT" "$ROOT"/* "$ROOT/a/last"

# Two pids free now, P < Q, both some way below the last pid the kernel handed out (L): once at_pid
# has moved the kernel's pid counter to Q, every fork on the machine (other people's too) takes the
# pids after Q, so neither P nor Q comes round again before the counter wraps at pid_max.
pid_max=$(cat /proc/sys/kernel/pid_max)
base=$(cat /proc/sys/kernel/ns_last_pid)
[ "$base" -ge 2300 ] || base=$pid_max
free_below() { local c=$1; while [ -e "/proc/$c" ]; do c=$((c - 1)); done; echo "$c"; }
Q=$(free_below $((base - 500)))
P=$(free_below $((Q - 500)))
[ "$P" -gt 300 ] || die "no free pids below $base"

# at_pid PID COMMAND...: run COMMAND (exec'd, and waited for) as process PID. A waiting subshell is
# forked right after ns_last_pid is set to PID - 1; if another fork on the machine took PID first, the
# subshell (which has exec'd nothing: no audit record) is killed and we try again.
at_pid() {
	local want=$1 try fifo=$tmp/go
	shift
	for ((try = 0; try < 200; try++)); do
		[ -e "/proc/$want" ] && { echo "pid $want is in use" >&2; return 1; }
		rm -f "$fifo" && mkfifo "$fifo" || return 1
		echo $((want - 1)) >/proc/sys/kernel/ns_last_pid || return 1
		(read -r _ <"$fifo"; exec "$@") &
		if [ "$!" = "$want" ]; then
			echo go >"$fifo"
			wait "$!"
			return 0
		fi
		# KILL: a TERM landing before the subshell reset the traps could be
		# lost, leaving it blocked in open() of the FIFO and us in wait.
		kill -KILL "$!" 2>/dev/null
		wait "$!" 2>/dev/null
	done
	echo "pid $want: 200 forks got other pids (last $!)" >&2
	return 1
}

# capture NAME FORMAT HOSTFN OUTPUT: a private auditd writing node=NAME records in FORMAT; HOSTFN runs
# the host's programs in a subshell with a fresh audit session; the events of key kme-agg go to OUTPUT.
capture() {
	local name=$1 format=$2 fn=$3 output=$4 conf=$tmp/$1
	mkdir -p "$conf/plugins" "$conf/log"
	auditd_conf "$conf/auditd.conf" log_file="$conf/log/audit.log" log_format="$format" \
		name_format=USER name="$name" plugin_dir="$conf/plugins" || die "cannot write $conf/auditd.conf"
	# This host's user database, seen by its auditd only (ENRICHED names uids with it).
	{ grep -v "^[^:]*:[^:]*:$BUID:" /etc/passwd; echo "$BUSER:x:$BUID:$BUID::/nonexistent:/bin/sh"; } \
		>"$conf/passwd"
	{ grep -v "^[^:]*:[^:]*:$BUID:" /etc/group; echo "$BUSER:x:$BUID:"; } >"$conf/group"
	# shellcheck disable=SC2016 # expanded by the inner sh
	unshare -m sh -c 'mount --bind "$1" /etc/passwd && mount --bind "$2" /etc/group &&
		exec auditd -n -c "$3"' sh "$conf/passwd" "$conf/group" "$conf" >"$conf/auditd.out" 2>&1 &
	daemon_pid=$!
	auditd_enable "$daemon_pid" || die "auditd did not start: $(cat "$conf/auditd.out")"
	(
		auditd_session || exit 1
		auditd_add_rules "$rules_file" "always,exit -F arch=b64 -S execve,execveat -F sessionid=$ses -k $KEY" \
			"always,exit -F arch=b32 -S execve,execveat -F sessionid=$ses -k $KEY" || exit 1
		"$fn" || exit 1
	) || die "capture session of $name failed"
	sleep 1 # let auditd write the last records before the rules go
	auditd_delete_rules "$rules_file" || die "cannot delete the capture's audit rules"
	stop_daemon
	# Whole events whose SYSCALL record carries our key, in file order.
	awk -v key="key=\"$KEY\"" '
		function serial(l) { if (!match(l, /msg=audit\([0-9.]+:[0-9]+\)/)) return ""
			s = substr(l, RSTART + 10, RLENGTH - 11); sub(/^[^:]*:/, "", s); return s }
		NR == FNR { if (index($0, " type=SYSCALL ") && index($0, key)) want[serial($0)] = 1; next }
		{ s = serial($0); if (s != "" && (s in want)) print }' \
		"$conf/log/audit.log" "$conf/log/audit.log" >"$output.tmp" || die "cannot write $output.tmp"
	grep -qv "^node=$name type=" "$output.tmp" && die "$name: a record without node=$name"
	mv "$output.tmp" "$output" || die "cannot write $output"
	chmod 644 "$output" || die "cannot chmod $output"
	printf 'capture-aggregator.sh: wrote %s (node %s, %s): %d lines, %d events\n' "$output" "$name" \
		"$format" "$(wc -l <"$output")" "$(grep -c ' type=SYSCALL ' "$output")"
}

as_bob() { setpriv --reuid="$BUID" --regid="$BUID" --clear-groups "$@"; }
host_a() {
	cd "$ROOT/a" || return 1
	at_pid "$P" "$ROOT/a/dkms" || { echo "pid $P: not obtained" >&2; return 1; }
	at_pid "$Q" "$ROOT/a/dkms" || { echo "pid $Q: not obtained" >&2; return 1; }
	"$ROOT/a/probe"
	cd "$ROOT/common" && "$ROOT/common/inventory"
	cd "$ROOT/a/last" && ./lsmod >/dev/null 2>&1
	:
}
host_b() {
	cd "$ROOT/b" || return 1
	at_pid "$P" setpriv --reuid="$BUID" --regid="$BUID" --clear-groups "$ROOT/b/scan-b1" ||
		{ echo "pid $P: not obtained" >&2; return 1; }
	at_pid "$Q" setpriv --reuid="$BUID" --regid="$BUID" --clear-groups "$ROOT/b/scan-b2" ||
		{ echo "pid $Q: not obtained" >&2; return 1; }
	cd "$ROOT/common" && as_bob "$ROOT/common/inventory"
}

capture kme-agg-a RAW host_a "$outdir/host-a.log"
capture kme-agg-b ENRICHED host_b "$outdir/host-b.log"
lost1=$(auditctl -s | awk '$1 == "lost" { print $2 }')
[ "$lost1" = "$lost0" ] || die "the kernel lost $((lost1 - lost0)) audit records during the capture"

# The facts the test relies on, checked on the logs: on both hosts, pids P and Q exec'd the expected
# program and each ran lsmod.
for h in a b; do
	f=$outdir/host-$h.log
	for p in $P $Q; do
		grep -q " type=SYSCALL .* success=yes .* ppid=[0-9]* pid=$p " "$f" ||
			die "$f: no exec at pid $p"
		grep -q " type=SYSCALL .* ppid=$p pid=.*comm=\"lsmod\"" "$f" ||
			die "$f: no lsmod child of pid $p"
	done
done
printf 'capture-aggregator.sh: pids %s and %s collide across the hosts\n' "$P" "$Q"
