#!/bin/bash
# Capture a real audit log of the scenarios in tests/scenarios.sh under a private auditd, and check it
# against tests/data/scenarios.tsv.
#
#   tests/capture.sh [--format RAW|ENRICHED] [--with-fork] OUTPUT.log
#   tests/capture.sh --verify LOG          (no root needed: check an existing log against the manifest)
#
# What it does, and undoes on every exit (trap):
#   1. refuses unless root, no auditd runs, no audit rules are loaded and the enabled flag is not locked;
#   2. starts `auditd -n -c TMPDIR` with its own config (log file in TMPDIR, no plugins, the chosen
#      log_format) and raises the kernel backlog limit;
#   3. in a subshell that sets its own loginuid (so it gets a fresh audit session id), loads
#      execve/execveat rules for b64 and b32 (and clone/clone3/fork/vfork with success=1 if --with-fork)
#      filtered on that session: other people's processes on this machine stay out of the log;
#   4. runs a begin marker (/bin/true kme-capture-begin), every scenario (each one execs
#      /tmp/kme-scenario/bin/kme-run in /tmp/kme-scenario/NN-name), then an end marker;
#   5. deletes its rules, stops auditd, restores the enabled flag and backlog limit, removes temp files,
#      the scenario tree and the dpkg maintainer scripts;
#   6. writes to OUTPUT the whole events strictly between the two markers (selected by event serial and
#      file position; no record is edited) and verifies them against the manifest.
# Each run produces a fresh log (new pids, times, serials); the manifest stays valid.

set -uo pipefail
export LC_ALL=C
export PATH=/usr/sbin:/usr/bin:/sbin:/bin

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd) || exit 1
readonly HERE
MANIFEST=$HERE/data/scenarios.tsv
readonly SCENARIOS=$HERE/scenarios.sh
readonly SCENARIO_ROOT=/tmp/kme-scenario
readonly KEY=kme
readonly BACKLOG=8192

die() {
	printf 'capture.sh: %s\n' "$*" >&2
	exit 1
}

usage() {
	printf 'usage: %s [--format RAW|ENRICHED] [--with-fork] OUTPUT.log\n       %s --verify LOG\n' \
		"$0" "$0" >&2
	exit 2
}

# Reads an audit log (RAW or ENRICHED) and prints, for every exec event worth a manifest line, the
# scenario, process.name, verdict, parent name and parent executable, TAB-separated, in log order.
# It is an independent, deliberately simple model of the rule (tests/data/README, rule.md):
# process.executable = PATH item 0 made absolute with CWD (lexically normalised), else SYSCALL exe;
# parent = the latest successful exec event of ppid earlier in the log, else unknown; a failed execve
# is "failed"; a match that survives the exclusions alerts once per (executable, parent executable).
# A scenario is found from the CWD (/tmp/kme-scenario/NN-name[/...]), else inherited from the parent.
read -r -d '' VERIFY_AWK <<'EOF'
function hexval(c) { return index("0123456789ABCDEF", c) - 1 }
function unhex(h,   i, s) {
	s = ""
	for (i = 1; i < length(h); i += 2)
		s = s sprintf("%c", hexval(substr(h, i, 1)) * 16 + hexval(substr(h, i + 1, 1)))
	return s
}
function dec(v) {
	if (v ~ /^".*"$/) return substr(v, 2, length(v) - 2)
	if (v == "(null)") return ""
	if (v ~ /^([0-9A-F][0-9A-F])+$/) return unhex(v)
	return v
}
function base(p,   n, a) { n = split(p, a, "/"); return a[n] }
function norm(p,   n, a, i, st, d, out) {
	n = split(p, a, "/"); d = 0
	for (i = 1; i <= n; i++) {
		if (a[i] == "" || a[i] == ".") continue
		if (a[i] == "..") { if (d > 0) d--; continue }
		st[++d] = a[i]
	}
	out = ""
	for (i = 1; i <= d; i++) out = out "/" st[i]
	return out == "" ? "/" : out
}
BEGIN {
	split("mkinitramfs cryptroot framebuffer dracut jem thin-provisioning-tools readykernel lvm2 " \
	      "vz-start iscsi mdadm ovalprobes bcache plymouth dkms overlayroot weak-modules zfs systemd " \
	      "whoopsie-upload-all kdumpctl apport-gtk casper rear kernel-install newrelic-infra", xl, " ")
	for (i in xl) excl[xl[i]] = 1
	split("lsmod modinfo kmod depmod modprobe lsmodx", rl, " ")
	for (i in rl) report[rl[i]] = 1
}
{
	line = $0
	i = index(line, "\035"); if (i) line = substr(line, 1, i - 1)
	if (!match(line, /msg=audit\([0-9.]+:[0-9]+\)/)) next
	ser = substr(line, RSTART + 10, RLENGTH - 11); sub(/^[^:]*:/, "", ser)
	if (!(ser in seen)) { seen[ser] = 1; order[++nev] = ser }
	nf = split(line, f, " ")
	type = ""
	for (k = 1; k <= nf; k++) if (f[k] ~ /^type=/) { type = substr(f[k], 6); break }
	for (k = 1; k <= nf; k++) {
		e = index(f[k], "="); if (!e) continue
		key = substr(f[k], 1, e - 1); val = substr(f[k], e + 1)
		if (type == "SYSCALL") {
			if (key == "arch") arch[ser] = val
			else if (key == "syscall") sc[ser] = val
			else if (key == "success") ok[ser] = val
			else if (key == "pid") pid[ser] = val
			else if (key == "ppid") ppid[ser] = val
			else if (key == "exe") sexe[ser] = dec(val)
			else if (key == "a0") a0[ser] = val
			else if (key == "exit") xit[ser] = val
		} else if (type == "CWD" && key == "cwd") {
			cwd[ser] = dec(val)
		} else if (type == "PATH") {
			if (key == "item") item = val
			else if (key == "name" && item == "0") name0[ser] = dec(val)
		} else if (type == "EXECVE") {
			if (key == "argc") argc[ser] = val
			else if (key ~ /^a[0-9]+$/) arg[ser, substr(key, 2) + 0] = dec(val)
			else if (key ~ /^a[0-9]+\[[0-9]+\]$/) {
				n = substr(key, 2, index(key, "[") - 2) + 0
				arg[ser, n] = arg[ser, n] dec(val)
			}
		}
	}
}
END {
	for (k = 1; k <= nev; k++) {
		s = order[k]
		if (!(s in sc)) continue
		# fork records (--with-fork): remember who really created each pid
		if (arch[s] == "c000003e" && (sc[s] == 56 || sc[s] == 57 || sc[s] == 58 || sc[s] == 435) &&
		    ok[s] == "yes" && xit[s] + 0 > 0) { creator[xit[s]] = pid[s]; continue }
		if (!((arch[s] == "c000003e" && (sc[s] == 59 || sc[s] == 322)) ||
		      (arch[s] == "40000003" && (sc[s] == 11 || sc[s] == 358)))) continue
		c = (s in cwd) ? cwd[s] : ""
		dirfd = sc[s] == 322 && a0[s] != "ffffffffffffff9c"
		if ((s in name0) && name0[s] != "" && !(dirfd && substr(name0[s], 1, 1) != "/")) {
			exe = norm(substr(name0[s], 1, 1) == "/" ? name0[s] : c "/" name0[s]); nm = base(exe)
		} else if ((s in name0) && name0[s] != "") {
			exe = sexe[s]; nm = base(name0[s])   # relative to an unknown dirfd
		} else {
			exe = sexe[s]; nm = base(exe)
		}
		p = ppid[s]
		if (p == 1) p = (pid[s] in creator) ? creator[pid[s]] : "none"   # reparented
		if (p in lastexe) { pexe = lastexe[p]; pn = base(pexe) } else { pexe = "unknown"; pn = "-" }
		if (match(c, /^\/tmp\/kme-scenario\/[0-9][0-9]-[^\/]+/)) scen = substr(c, 19, RLENGTH - 18)
		else if (p in pscen) scen = pscen[p]
		else scen = "?"
		if (ok[s] != "yes") {
			v = "failed"
		} else {
			lastexe[pid[s]] = exe; pscen[pid[s]] = scen
			m = (nm == "lsmod" || nm == "modinfo")
			if (nm == "kmod" || nm == "depmod")
				for (a = 0; a < argc[s] + 0; a++)
					if ((nm == "kmod" && arg[s, a] == "list") ||
					    (nm == "depmod" && (arg[s, a] == "-a" || arg[s, a] == "--all"))) m = 1
			if (!m) v = "nomatch"
			else if (pexe != "unknown" && ((pn in excl) ||
				 pexe ~ /^\/var\/lib\/dpkg\/info\/linux-modules.*-generic\.post.*$/)) v = "excluded"
			else if ((exe SUBSEP pexe) in term) v = "suppressed"
			else { v = "alert"; term[exe, pexe] = 1 }
		}
		if ((nm in report) || v == "failed")
			printf "%s\t%s\t%s\t%s\t%s\n", scen, nm, v, pn, pexe
	}
}
EOF

verify() {
	local log=$1 got want
	[ -r "$log" ] || die "verify: cannot read $log"
	[ -r "$MANIFEST" ] || die "verify: cannot read $MANIFEST"
	got=$(awk "$VERIFY_AWK" "$log") || die "verify: awk failed on $log"
	want=$(grep -v '^#' "$MANIFEST" | cut -f1-5)
	if [ "$got" != "$want" ]; then
		printf 'capture.sh: %s does not match %s (< manifest, > log):\n' "$log" "$MANIFEST" >&2
		diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") >&2
		return 1
	fi
	printf 'capture.sh: %s matches the manifest: %d expected outcomes, %d lines, %d events\n' "$log" \
		"$(printf '%s\n' "$want" | wc -l)" "$(wc -l <"$log")" \
		"$(grep -o 'msg=audit([0-9.]*:[0-9]*)' "$log" | sort -u | wc -l)"
}

# ---------------------------------------------------------------------------------------------------
format=RAW
with_fork=0
verify_only=0
while [ $# -gt 0 ]; do
	case "$1" in
	--format) [ $# -ge 2 ] || usage; format=$2; shift 2 ;;
	--format=*) format=${1#--format=}; shift ;;
	--with-fork) with_fork=1; shift ;;
	--verify) verify_only=1; shift ;;
	-h|--help) usage ;;
	-*) usage ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || usage
output=$1
# A log captured with fork records has its own manifest where it differs.
case "$(basename "$output")" in
*fork*) [ -r "$HERE/data/kmod-fork-raw.scenarios.tsv" ] && MANIFEST=$HERE/data/kmod-fork-raw.scenarios.tsv ;;
esac
[ "$with_fork" = 1 ] && MANIFEST=$HERE/data/kmod-fork-raw.scenarios.tsv
readonly MANIFEST
if [ "$verify_only" = 1 ]; then
	verify "$output"
	exit
fi
case "$format" in RAW|ENRICHED) ;; *) die "--format must be RAW or ENRICHED, not '$format'" ;; esac

# --- refuse to touch a kernel audit subsystem that is in use ----------------------------------------
[ "$(id -u)" = 0 ] || die "must run as root: it starts auditd and loads kernel audit rules"
# The kernel audit subsystem is one per machine: take the lock the end-to-end
# tests and the bench scripts take (tests/e2e-lib.sh), so that none of them
# finds the others' auditd or rules in its way.
exec 9>"${TMPDIR:-/tmp}/kme-e2e.lock"
flock -w 1800 9 || die "another user of the audit subsystem held the lock for 30 minutes"
for tool in auditd auditctl awk; do
	command -v "$tool" >/dev/null || die "$tool not found"
done
if pids=$(pidof auditd); then
	die "an auditd is running already (pid $pids): the kernel audit subsystem is shared, stop it first"
fi
status=$(auditctl -s) || die "auditctl -s failed: no audit support in this kernel?"
get_status() { printf '%s\n' "$status" | awk -v k="$1" '$1 == k { print $2 }'; }
enabled0=$(get_status enabled)
backlog0=$(get_status backlog_limit)
lost0=$(get_status lost)
[ "$(get_status pid)" = 0 ] || die "another process (pid $(get_status pid)) is registered as the audit daemon"
[ "$enabled0" != 2 ] || die "the audit configuration is locked (enabled 2): nothing can be changed"
rules0=$(auditctl -l) || die "auditctl -l failed"
[ "$rules0" = "No rules" ] || die "audit rules are loaded already; not capturing over someone's rules:
$rules0"
[ ! -e "$SCENARIO_ROOT" ] || die "$SCENARIO_ROOT exists: another capture running, or remove it"
# Checked here, before the trap exists: cleanup removes these paths, so they must be ours.
dpkg_scripts=$(bash "$SCENARIOS" dpkg-scripts) || die "cannot list the dpkg scripts of the scenarios"
for f in $dpkg_scripts; do
	[ ! -e "$f" ] || die "$f exists: not overwriting (nor later removing) a file that is not ours"
done
outdir=$(dirname -- "$output")
if [ ! -d "$outdir" ] || [ ! -w "$outdir" ]; then
	die "cannot write to directory $outdir"
fi

# --- state for the cleanup trap ----------------------------------------------------------------------
tmp=
daemon_pid=
rules_file=
pidfile_existed=0
[ -e /var/run/auditd.pid ] && pidfile_existed=1

cleanup() {
	local rc=$? spec i
	trap - EXIT INT TERM HUP
	if [ -n "$rules_file" ] && [ -s "$rules_file" ]; then
		while IFS= read -r spec; do
			# shellcheck disable=SC2086 # a rule spec is a list of words
			auditctl -d $spec >/dev/null 2>&1 || printf 'capture.sh: cleanup: could not delete rule %s\n' \
				"$spec" >&2
		done <"$rules_file"
	fi
	if [ -n "$daemon_pid" ] && kill -0 "$daemon_pid" 2>/dev/null; then
		kill -TERM "$daemon_pid" 2>/dev/null
		for ((i = 0; i < 100; i++)); do
			kill -0 "$daemon_pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -0 "$daemon_pid" 2>/dev/null && kill -KILL "$daemon_pid" 2>/dev/null
		wait "$daemon_pid" 2>/dev/null
	fi
	[ "$pidfile_existed" = 1 ] || rm -f /var/run/auditd.pid
	if [ -n "$enabled0" ] && [ "$(auditctl -s | awk '$1 == "enabled" { print $2 }')" != "$enabled0" ]; then
		auditctl -e "$enabled0" >/dev/null || printf 'capture.sh: cleanup: could not restore enabled %s\n' \
			"$enabled0" >&2
	fi
	if [ -n "$backlog0" ] && [ "$(auditctl -s | awk '$1 == "backlog_limit" { print $2 }')" != "$backlog0" ]; then
		auditctl -b "$backlog0" >/dev/null || printf 'capture.sh: cleanup: could not restore backlog_limit\n' >&2
	fi
	bash "$SCENARIOS" cleanup
	[ -n "$tmp" ] && rm -rf "$tmp"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

tmp=$(mktemp -d /tmp/kme-capture.XXXXXX) || die "mktemp failed"
mkdir "$tmp/conf" "$tmp/plugins" "$tmp/log"
rules_file=$tmp/rules
: >"$rules_file"

# A complete config of our own rather than a copy of the system's: nothing in it can send events
# elsewhere, rotate the log, or suspend logging on a full disk in the middle of a capture.
cat >"$tmp/conf/auditd.conf" <<EOF
local_events = yes
write_logs = yes
log_file = $tmp/log/audit.log
log_group = root
log_format = $format
flush = INCREMENTAL_ASYNC
freq = 50
max_log_file = 0
num_logs = 0
max_log_file_action = IGNORE
priority_boost = 0
name_format = NONE
space_left = 2
space_left_action = IGNORE
admin_space_left = 1
admin_space_left_action = IGNORE
disk_full_action = IGNORE
disk_error_action = SYSLOG
use_libwrap = no
distribute_network = no
q_depth = 2000
overflow_action = SYSLOG
max_restarts = 10
plugin_dir = $tmp/plugins
end_of_event_timeout = 2
EOF
chmod 600 "$tmp/conf/auditd.conf"

bash "$SCENARIOS" setup || die "scenario setup failed"
scenario_list=$(bash "$SCENARIOS" list) || die "cannot list the scenarios"

auditd -n -c "$tmp/conf" >"$tmp/auditd.out" 2>&1 &
daemon_pid=$!
for ((i = 0; i < 100; i++)); do
	[ "$(auditctl -s | awk '$1 == "pid" { print $2 }')" = "$daemon_pid" ] && break
	kill -0 "$daemon_pid" 2>/dev/null || die "auditd exited at start: $(cat "$tmp/auditd.out")"
	sleep 0.1
done
[ "$i" -lt 100 ] || die "auditd (pid $daemon_pid) did not register with the kernel"
auditctl -e 1 >/dev/null || die "auditctl -e 1 failed"
auditctl -b "$BACKLOG" >/dev/null || die "auditctl -b $BACKLOG failed"

# The rule specs (auditctl -a/-d operands), one a line: loaded in the session subshell, deleted by
# the cleanup trap.
session_rules() {
	local ses=$1 arch
	for arch in b64 b32; do
		printf '%s\n' "always,exit -F arch=$arch -S execve,execveat -F sessionid=$ses -k $KEY"
	done
	if [ "$with_fork" = 1 ]; then
		for arch in b64 b32; do
			printf '%s\n' "always,exit -F arch=$arch -S clone,clone3,fork,vfork -F success=1 -F sessionid=$ses -k $KEY-fork"
		done
	fi
}

(
	set -e
	# A new loginuid gives this subshell and its descendants a session id of their own.
	if echo 0 >/proc/self/loginuid 2>/dev/null; then
		read -r ses </proc/self/sessionid
		[ "$ses" != 4294967295 ] || ses=
	fi
	[ -n "${ses-}" ] || { echo 'capture.sh: cannot set a loginuid (immutable?): no session to filter on' >&2; exit 1; }
	while IFS= read -r spec; do
		printf '%s\n' "$spec" >>"$rules_file"
		# shellcheck disable=SC2086
		auditctl -a $spec >/dev/null
	done < <(session_rules "$ses")
	set +e
	cd "$SCENARIO_ROOT" && /bin/true kme-capture-begin
	for s in $scenario_list; do
		(cd "$SCENARIO_ROOT/$s" && exec "$SCENARIO_ROOT/bin/kme-run" "$s")
	done
	cd "$SCENARIO_ROOT" && /bin/true kme-capture-end
) || die "capture session failed"

# Let auditd write the last records, then stop it through the trap's steps (rules first).
sleep 1
while IFS= read -r spec; do
	# shellcheck disable=SC2086
	auditctl -d $spec >/dev/null 2>&1 || die "cannot delete rule $spec"
done <"$rules_file"
: >"$rules_file"
kill -TERM "$daemon_pid"
wait "$daemon_pid"
daemon_pid=
lost1=$(auditctl -s | awk '$1 == "lost" { print $2 }')
[ "$lost1" = "$lost0" ] || die "the kernel lost $((lost1 - lost0)) audit records during the capture"

log=$tmp/log/audit.log
begin=$(grep -a -m1 'type=EXECVE .* a1="kme-capture-begin"' "$log" | grep -o 'msg=audit([0-9.]*:[0-9]*)')
end=$(grep -a -m1 'type=EXECVE .* a1="kme-capture-end"' "$log" | grep -o 'msg=audit([0-9.]*:[0-9]*)')
if [ -z "$begin" ] || [ -z "$end" ]; then
	die "markers not found in $log"
fi
begin=${begin%)}; begin=${begin##*:}
end=${end%)}; end=${end##*:}
# Whole events strictly between the markers: every record of such an event, none of the markers',
# nothing before the begin marker in the file (auditd's own DAEMON_* records count in another series).
awk -v b="$begin" -v e="$end" '
	!started { if (index($0, "msg=audit(") && $0 ~ ":" b "\\)") started = 1; next }
	match($0, /msg=audit\([0-9.]+:[0-9]+\)/) {
		s = substr($0, RSTART + 10, RLENGTH - 11); sub(/^[^:]*:/, "", s); s += 0
		if (s > b + 0 && s < e + 0 && $0 !~ /^type=DAEMON_/) print
	}' "$log" >"$output.tmp" || die "cannot write $output.tmp"
mv "$output.tmp" "$output" || die "cannot write $output"
chmod 644 "$output"
printf 'capture.sh: wrote %s (%s, fork %s): %d lines\n' "$output" "$format" \
	"$([ "$with_fork" = 1 ] && echo on || echo off)" "$(wc -l <"$output")"
verify "$output"
