#!/bin/bash
# Capture three single-host audit logs under a real auditd whose processes collide by pid, for the
# merged multi-host replays of tests/hosts.sh (issue 8: every identity is scoped by its host).
#
#   tests/capture-hosts.sh [--format RAW|ENRICHED] OUTDIR
#
# Writes OUTDIR/hosta.log, hostb.log, hostc.log: each the whole events strictly between that host's
# begin and end markers (/bin/true kme-host-begin NAME ... kme-host-end NAME), no record edited,
# no node= prefix (tests/merge-hosts.sh adds one, as an aggregator's auditd writes it). The three
# "hosts" run one after the other on this machine, each with the SAME pid P (steered through
# /proc/sys/kernel/ns_last_pid) for the process that runs lsmod:
#   hostb: P is /tmp/kme-hosts/hostb/sbin/dkms (a script; exclude_parent_name dkms), exec'd inside
#          the window, which runs lsmod: excluded on host B;
#   hosta: P is a user's program /tmp/kme-hosts/hosta/home/u/bin/tool started BEFORE the window (its
#          exec is not in host A's log), which runs lsmod inside it: host A's lsmod has a parent the
#          log never describes -- unknown, it alerts. In a merged log, host B's dkms at pid P comes
#          first: a table keyed by pid alone would take it as the parent and exclude host A's lsmod;
#   hostc: P is the user's program exec'd inside the window, which runs lsmod: alerts with its parent.
# Every host also runs `bash -c 'lsmod; true'`: the same term on every host (fleet-wide new terms).
#
# Like tests/capture.sh: root only; holds the audit-subsystem lock /tmp/kme-e2e.lock; refuses when an
# auditd runs or audit rules are loaded; runs `auditd -n -c TMPDIR` with its own config; loads
# execve/execveat rules filtered on this script's own audit session; undoes everything on exit
# (trap): rules, auditd, enabled flag, backlog limit, ns_last_pid is left as the kernel moves it.
set -uo pipefail
export LC_ALL=C
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
# shellcheck source=tests/auditd-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/auditd-lib.sh" || exit 1

readonly ROOT=/tmp/kme-hosts
readonly KEY=kme
readonly BACKLOG=8192
readonly P=${KME_HOSTS_PID:-30123}   # the colliding pid (below pid_max 32768, the smallest default)

die() {
	printf 'capture-hosts.sh: %s\n' "$*" >&2
	exit 1
}

format=ENRICHED
while [ $# -gt 0 ]; do
	case "$1" in
	--format) [ $# -ge 2 ] || die "--format needs a value"; format=$2; shift 2 ;;
	-*) die "usage: $0 [--format RAW|ENRICHED] OUTDIR" ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || die "usage: $0 [--format RAW|ENRICHED] OUTDIR"
outdir=$1
case "$format" in RAW|ENRICHED) ;; *) die "--format must be RAW or ENRICHED" ;; esac
[ -d "$outdir" ] && [ -w "$outdir" ] || die "cannot write to directory $outdir"
[ "$(id -u)" = 0 ] || die "must run as root: it starts auditd and loads kernel audit rules"
[ -w /proc/sys/kernel/ns_last_pid ] || die "/proc/sys/kernel/ns_last_pid is not writable"
auditd_lock 1800 || die "another user of the audit subsystem held the lock for 30 minutes"
! why=$(auditd_busy) || die "the kernel audit subsystem is in use ($why): it is shared, free it first"
auditd_note_state || die "cannot use the kernel audit subsystem"
[ ! -e "$ROOT" ] || die "$ROOT exists: another capture running, or remove it"

tmp= daemon_pid= rules_file=
pidfile_existed=0
[ -e /var/run/auditd.pid ] && pidfile_existed=1
cleanup() {
	local rc=$?
	trap - EXIT INT TERM HUP
	auditd_release "$rules_file" "$daemon_pid" "$pidfile_existed" "$enabled0" "$backlog0"
	rm -rf "$ROOT"
	[ -n "$tmp" ] && rm -rf "$tmp"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

tmp=$(mktemp -d /tmp/kme-capture-hosts.XXXXXX) || die "mktemp failed"
mkdir "$tmp/conf" "$tmp/plugins" "$tmp/log"
rules_file=$tmp/rules
: >"$rules_file"
auditd_conf "$tmp/conf/auditd.conf" log_file="$tmp/log/audit.log" log_format="$format" \
	plugin_dir="$tmp/plugins" || die "cannot write $tmp/conf/auditd.conf"

# The programs. Each script waits for its gate (a fifo) before it runs lsmod, so that it can be
# started at pid P before the window opens; `exit 0` keeps the shell from exec'ing lsmod in place.
mkdir -p "$ROOT/hosta/home/u/bin" "$ROOT/hostb/sbin" "$ROOT/hostc/home/u/bin" || die "mkdir $ROOT"
for f in "$ROOT/hosta/home/u/bin/tool" "$ROOT/hostb/sbin/dkms" "$ROOT/hostc/home/u/bin/tool"; do
	printf '#!/bin/sh\nlsmod >/dev/null 2>&1\nexit 0\n' >"$f" && chmod 755 "$f" || die "cannot write $f"
done
# Host A's program says it is ready and reads its own gate: it is already running when the window
# opens.
printf '#!/bin/sh\necho >"$2"\nread -r x <"$1"\nlsmod >/dev/null 2>&1\nexit 0\n' \
	>"$ROOT/hosta/home/u/bin/tool"

auditd -n -c "$tmp/conf" >"$tmp/auditd.out" 2>&1 &
daemon_pid=$!
auditd_enable "$daemon_pid" "$BACKLOG" || die "auditd did not start: $(cat "$tmp/auditd.out")"

# Start "$@" at pid P, held at its gate (the fifo $gate; the program reads it itself when
# self_gated, passed with the fifo $ready as its arguments, else a `sh` wrapper reads it and then execs
# the program). Returns once the process has written to $ready: its exec at P is over, and logged
# before the window opens. Several tries: another process on this machine may take P between the
# write to ns_last_pid and our fork.
start_at_p() {
	local self_gated=$1 try pid
	shift
	for ((try = 0; try < 50; try++)); do
		rm -f "$gate" "$ready"
		mkfifo "$gate" "$ready" || return 1
		echo $((P - 1)) >/proc/sys/kernel/ns_last_pid
		if [ "$self_gated" = 1 ]; then
			"$@" "$gate" "$ready" &
		else
			sh -c 'echo >"$1"; read -r x <"$0"; shift; exec "$@"' "$gate" "$ready" "$@" &
		fi
		pid=$!
		if [ "$pid" = "$P" ]; then
			read -r _ <"$ready"
			return 0
		fi
		# Not P: a process that must not run its program.
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	echo "capture-hosts.sh: pid $P was taken 50 times" >&2
	return 1
}

host_run() {
	local host=$1
	gate=$tmp/gate-$host
	ready=$tmp/ready-$host
	cd "$ROOT/$host" || return 1
	case "$host" in
	hosta) start_at_p 1 ./home/u/bin/tool || return 1 ;;
	hostb) start_at_p 0 ./sbin/dkms || return 1 ;;
	hostc) start_at_p 0 ./home/u/bin/tool || return 1 ;;
	esac
	/bin/true kme-host-begin "$host"
	echo go >"$gate"
	wait "$P"
	bash -c 'lsmod >/dev/null 2>&1; true'
	/bin/true kme-host-end "$host"
}

(
	auditd_session || exit 1
	auditd_add_rules "$rules_file" "always,exit -F arch=b64 -S execve,execveat -F sessionid=$ses -k $KEY" \
		"always,exit -F arch=b32 -S execve,execveat -F sessionid=$ses -k $KEY" || exit 1
	for host in hostb hosta hostc; do
		host_run "$host" || exit 1
	done
) || die "capture session failed"

# auditd writes asynchronously: wait (bounded) for the last marker, then stop it.
log=$tmp/log/audit.log
for ((i = 0; i < 100; i++)); do
	grep -aq 'a1="kme-host-end" a2="hostc"' "$log" 2>/dev/null && break
	sleep 0.1
done
auditd_delete_rules "$rules_file" || die "cannot delete the capture's audit rules"
kill -TERM "$daemon_pid"
wait "$daemon_pid"
daemon_pid=

serial_of() {
	grep -a -m1 "type=EXECVE .* a1=\"$1\" a2=\"$2\"" "$log" | grep -o 'msg=audit([0-9.]*:[0-9]*)' |
		sed 's/.*://; s/)//'
}
for host in hosta hostb hostc; do
	b=$(serial_of kme-host-begin "$host")
	e=$(serial_of kme-host-end "$host")
	[ -n "$b" ] && [ -n "$e" ] || die "markers of $host not found in $log"
	awk -v b="$b" -v e="$e" '
		match($0, /msg=audit\([0-9.]+:[0-9]+\)/) {
			s = substr($0, RSTART + 10, RLENGTH - 11); sub(/^[^:]*:/, "", s); s += 0
			if (s > b + 0 && s < e + 0 && $0 !~ /^type=DAEMON_/) print
		}' "$log" >"$outdir/$host.log" || die "cannot write $outdir/$host.log"
	grep -aq "pid=$P " "$outdir/$host.log" || grep -aq "ppid=$P " "$outdir/$host.log" ||
		die "$host.log has no process at pid $P"
	printf 'capture-hosts.sh: wrote %s: %d lines\n' "$outdir/$host.log" "$(wc -l <"$outdir/$host.log")"
done
