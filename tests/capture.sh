#!/bin/bash
# Capture a real audit log of a set of scenarios under a private auditd, and check it against the
# log's manifest.
#
#   tests/capture.sh [--set main|fidelity|profiles|pivot|hardening|interp] [--only NN-name[,NN-name...]] [--format RAW|ENRICHED]
#                    [--with-fork] OUTPUT.log
#   tests/capture.sh --verify LOG          (no root needed: check an existing log against its manifest;
#                                           LOG may be xz-compressed, LOG.xz)
#
# Scenario sets: main is tests/scenarios.sh (the golden logs kmod-*.log), fidelity is
# tests/scenarios-fidelity.sh (the logs fidelity-*.log*, issue 9), profiles is
# tests/scenarios-profiles.sh (profiles-raw.log, issue 12), pivot is tests/scenarios-pivot.sh
# (pivot-enriched.log, issue 21), hardening is tests/scenarios-hardening.sh (hardening-raw.log,
# issue 19: it also audits opens of two files, and its file-open outcomes have a manifest of their
# own, hardening-raw.files.tsv), interp is tests/scenarios-interp.sh (interp/interp-raw.log,
# issue 20: the session printed by ausearch's forms). --only runs a subset of the set.
# The manifest of OUTPUT is tests/data/NAME.scenarios.tsv, NAME being OUTPUT's file name without .log
# or .log.xz, when that file exists; otherwise the set's default (main: scenarios.tsv, or
# kmod-fork-raw.scenarios.tsv with --with-fork; fidelity: fidelity-raw.scenarios.tsv, or
# fidelity-fork-raw.scenarios.tsv with --with-fork, then fidelity-args-raw.scenarios.tsv for
# 25-many-args, which has a log of its own). With --only, only the manifest lines of the scenarios
# that ran are expected.
#
# What it does, and undoes on every exit (trap):
#   1. refuses unless root, no auditd runs, no audit rules are loaded and the enabled flag is not locked;
#      holds the audit-subsystem lock /tmp/kme-e2e.lock throughout;
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
#      file position; no record is edited) and verifies them against the manifest. An OUTPUT ending in
#      .xz is written xz-compressed (xz -9e).
# Each run produces a fresh log (new pids, times, serials); the manifest stays valid.

set -uo pipefail
export LC_ALL=C
export PATH=/usr/sbin:/usr/bin:/sbin:/bin

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd) || exit 1
readonly HERE
# shellcheck source=tests/auditd-lib.sh
. "$HERE/auditd-lib.sh"
MANIFEST=()
FILE_MANIFEST=
SCENARIOS=
readonly SCENARIO_ROOT=/tmp/kme-scenario
readonly KEY=kme
readonly BACKLOG=8192

die() {
	printf 'capture.sh: %s\n' "$*" >&2
	exit 1
}

usage() {
	printf 'usage: %s [--set main|fidelity|profiles|pivot|hardening|interp] [--only NN-name,...] [--format RAW|ENRICHED] [--with-fork] OUTPUT.log\n       %s --verify LOG\n' \
		"$0" "$0" >&2
	exit 2
}

# Reads an audit log (RAW or ENRICHED) and prints, for every exec event worth a manifest line, the
# scenario, process.name, verdict, parent name and parent executable, TAB-separated, in log order.
# It is an independent, deliberately simple model of the rule (tests/data/README, rule.md):
# process.executable = PATH item 0 as given, made absolute with the CWD by joining the two (a leading
# "./" dropped, nothing else rewritten: no ".." is collapsed); SYSCALL exe when the name is empty, or
# relative with no usable CWD ("<too_long>") or relative to an execveat dirfd; process.name = the
# basename of PATH item 0 whenever it is not empty, else of the executable.
# Parent = the identity the ppid had: its latest successful exec earlier in the log, or, with fork
# records, the identity of its creator at the fork -- unless the process exec'd at or after the fork's
# time (a fork record may come after the child's exec); a fork that is later than the child pid's
# latest exec means a new process with a reused pid. A ppid of 1 is replaced by the creator of the
# fork record, else unknown. A failed execve is "failed"; a match that survives the exclusions alerts
# once per (executable, parent executable).
# A scenario is found from the CWD (/tmp/kme-scenario/NN-name[/...]), else inherited from the parent.
# Opens (open, openat, openat2) with a key of the file rules (kme-standin, kmod-enum-sysmod) are printed
# too, each line beginning "open<TAB>": the opener's name and executable are those of its latest exec
# (else SYSCALL comm and exe), its parent that of its ppid's; the verdict is v111's (rule-proc.md):
# excluded when the name is python* or chef-client, else alert once per executable.
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
function join(c, n) {
	while (substr(n, 1, 2) == "./") n = substr(n, 3)
	return substr(c, length(c), 1) == "/" ? c n : c "/" n
}
function stamp(line,   t) {
	match(line, /msg=audit\([0-9]+\.[0-9]+:/)
	t = substr(line, RSTART + 10, RLENGTH - 11)
	sub(/\./, "", t)
	return t + 0
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
	if (!(ser in seen)) { seen[ser] = 1; order[++nev] = ser; when[ser] = stamp(line) }
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
			else if (key == "comm") scomm[ser] = dec(val)
			else if (key == "key") skey[ser] = dec(val)
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
		# fork records (--with-fork): the child starts as a copy of its creator
		if (arch[s] == "c000003e" && (sc[s] == 56 || sc[s] == 57 || sc[s] == 58 || sc[s] == 435) &&
		    ok[s] == "yes" && xit[s] + 0 > 0) {
			c = xit[s]; creator[c] = pid[s]
			# its own exec came first (logged before the fork returned)
			if ((c in learned) && parentof[c] == pid[s] && learned[c] >= when[s]) continue
			if (pid[s] in lastexe) { lastexe[c] = lastexe[pid[s]]; lastname[c] = lastname[pid[s]] }
			else { delete lastexe[c]; delete lastname[c] }
			if (pid[s] in pscen) pscen[c] = pscen[pid[s]]
			learned[c] = when[s]; parentof[c] = pid[s]
			continue
		}
		if ((arch[s] == "c000003e" && (sc[s] == 2 || sc[s] == 257 || sc[s] == 437)) ||
		    (arch[s] == "40000003" && (sc[s] == 5 || sc[s] == 295 || sc[s] == 437))) {
			if (skey[s] != "kme-standin" && skey[s] != "kmod-enum-sysmod") continue
			p = ppid[s]; c = (s in cwd) ? cwd[s] : ""
			if (pid[s] in lastexe) { exe = lastexe[pid[s]]; nm = lastname[pid[s]] }
			else { exe = sexe[s]; nm = scomm[s] }
			if (p in lastexe) { pexe = lastexe[p]; pn = lastname[p] } else { pexe = "unknown"; pn = "-" }
			if (match(c, /^\/tmp\/kme-scenario\/[0-9][0-9]-[^\/]+/)) scen = substr(c, 19, RLENGTH - 18)
			else if (pid[s] in pscen) scen = pscen[pid[s]]
			else if (p in pscen) scen = pscen[p]
			else scen = "?"
			if (nm ~ /^python/ || nm == "chef-client") v = "excluded"
			else if (exe in fterm) v = "suppressed"
			else { v = "alert"; fterm[exe] = 1 }
			printf "open\t%s\t%s\t%s\t%s\t%s\n", scen, nm, v, pn, pexe
			continue
		}
		if (!((arch[s] == "c000003e" && (sc[s] == 59 || sc[s] == 322)) ||
		      (arch[s] == "40000003" && (sc[s] == 11 || sc[s] == 358)))) continue
		c = (s in cwd) ? cwd[s] : ""
		dirfd = sc[s] == 322 && a0[s] != "ffffffffffffff9c"
		n0 = (s in name0) ? name0[s] : ""
		if (n0 != "" && substr(n0, 1, 1) == "/") exe = n0
		else if (n0 != "" && !dirfd && substr(c, 1, 1) == "/") exe = join(c, n0)
		else exe = sexe[s]
		nm = (n0 != "" && base(n0) != "") ? base(n0) : base(exe)
		p = ppid[s]
		if (p == 1) p = (pid[s] in creator) ? creator[pid[s]] : "none"   # reparented
		if (p in lastexe) { pexe = lastexe[p]; pn = lastname[p] } else { pexe = "unknown"; pn = "-" }
		if (match(c, /^\/tmp\/kme-scenario\/[0-9][0-9]-[^\/]+/)) scen = substr(c, 19, RLENGTH - 18)
		else if (p in pscen) scen = pscen[p]
		else scen = "?"
		if (ok[s] != "yes") {
			v = "failed"
		} else {
			lastexe[pid[s]] = exe; lastname[pid[s]] = nm; pscen[pid[s]] = scen
			learned[pid[s]] = when[s]; parentof[pid[s]] = ppid[s]
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

# The expected outcomes: the lines of every file of MANIFEST (an array, in scenario order),
# without comments, and with --only just those of the scenarios that ran.
manifest_lines() {
	local m
	for m in "${MANIFEST[@]}"; do
		grep -v '^#' "$m" | cut -f1-5
	done | awk -F'\t' -v only="$only" '
		BEGIN { n = split(only, o, ","); for (i = 1; i <= n; i++) keep[o[i]] = 1 }
		n == 0 || ($1 in keep)'
}

# The opens' outcomes: FILE_MANIFEST's lines (none without one), each prefixed "open<TAB>" as the
# checker prints them, with --only just those of the scenarios that ran.
file_manifest_lines() {
	[ -n "$FILE_MANIFEST" ] || return 0
	grep -v '^#' "$FILE_MANIFEST" | cut -f1-5 | awk -F'\t' -v only="$only" '
		BEGIN { n = split(only, o, ","); for (i = 1; i <= n; i++) keep[o[i]] = 1 }
		n == 0 || ($1 in keep) { print "open\t" $0 }'
}

verify() {
	local log=$1 got want text=$1 m
	[ -r "$log" ] || die "verify: cannot read $log"
	for m in "${MANIFEST[@]}" $FILE_MANIFEST; do
		[ -r "$m" ] || die "verify: cannot read $m"
	done
	case "$log" in
	*.xz)
		text=$(mktemp /tmp/kme-verify.XXXXXX) || die "verify: mktemp failed"
		xz -dc -- "$log" >"$text" || { rm -f "$text"; die "verify: cannot decompress $log"; }
		;;
	esac
	got=$(awk "$VERIFY_AWK" "$text") || die "verify: awk failed on $log"
	# Execs first, then opens, each in log order.
	got=$(printf '%s\n' "$got" | grep -v '^open	'; printf '%s\n' "$got" | grep '^open	')
	want=$(manifest_lines; file_manifest_lines)
	if [ "$got" != "$want" ]; then
		printf 'capture.sh: %s does not match %s (< manifest, > log):\n' "$log" "${MANIFEST[*]}" >&2
		diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") >&2
		[ "$text" = "$log" ] || rm -f "$text"
		return 1
	fi
	printf 'capture.sh: %s matches the manifest %s: %d expected outcomes, %d lines, %d events\n' "$log" \
		"$(for m in "${MANIFEST[@]}" $FILE_MANIFEST; do basename "$m"; done | paste -sd+)" "$(printf '%s\n' "$want" | wc -l)" "$(wc -l <"$text")" \
		"$(grep -o 'msg=audit([0-9.]*:[0-9]*)' "$text" | sort -u | wc -l)"
	[ "$text" = "$log" ] || rm -f "$text"
}

# ---------------------------------------------------------------------------------------------------
format=RAW
with_fork=0
verify_only=0
set_name=main
only=
while [ $# -gt 0 ]; do
	case "$1" in
	--format) [ $# -ge 2 ] || usage; format=$2; shift 2 ;;
	--format=*) format=${1#--format=}; shift ;;
	--set) [ $# -ge 2 ] || usage; set_name=$2; shift 2 ;;
	--only) [ $# -ge 2 ] || usage; only=$2; shift 2 ;;
	--with-fork) with_fork=1; shift ;;
	--verify) verify_only=1; shift ;;
	-h|--help) usage ;;
	-*) usage ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || usage
output=$1
case "$set_name" in
main)
	SCENARIOS=$HERE/scenarios.sh
	MANIFEST=("$HERE/data/scenarios.tsv")
	[ "$with_fork" = 1 ] && MANIFEST=("$HERE/data/kmod-fork-raw.scenarios.tsv")
	;;
fidelity)
	SCENARIOS=$HERE/scenarios-fidelity.sh
	# 25-many-args is captured into a log of its own (fidelity-args-raw.log.xz, 7.7 MB): its
	# outcomes are in that log's manifest, after 21-24's.
	MANIFEST=("$HERE/data/fidelity-raw.scenarios.tsv" "$HERE/data/fidelity-args-raw.scenarios.tsv")
	[ "$with_fork" = 1 ] &&
		MANIFEST=("$HERE/data/fidelity-fork-raw.scenarios.tsv" "$HERE/data/fidelity-args-raw.scenarios.tsv")
	;;
profiles)
	SCENARIOS=$HERE/scenarios-profiles.sh
	MANIFEST=("$HERE/data/profiles-raw.scenarios.tsv")
	;;
pivot)
	SCENARIOS=$HERE/scenarios-pivot.sh
	MANIFEST=("$HERE/data/pivot-enriched.scenarios.tsv")
	;;
hardening)
	SCENARIOS=$HERE/scenarios-hardening.sh
	MANIFEST=("$HERE/data/hardening-raw.scenarios.tsv")
	FILE_MANIFEST=$HERE/data/hardening-raw.files.tsv
	;;
interp)
	SCENARIOS=$HERE/scenarios-interp.sh
	MANIFEST=("$HERE/data/interp-raw.scenarios.tsv")
	;;
*) die "--set must be main, fidelity, profiles, pivot, hardening or interp, not '$set_name'" ;;
esac
# A log's own manifest, named after it, wins.
name=$(basename -- "$output")
name=${name%.xz}
name=${name%.log}
[ -r "$HERE/data/$name.scenarios.tsv" ] && MANIFEST=("$HERE/data/$name.scenarios.tsv")
[ -r "$HERE/data/$name.files.tsv" ] && FILE_MANIFEST=$HERE/data/$name.files.tsv
readonly MANIFEST SCENARIOS FILE_MANIFEST
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
for tool in auditd auditctl awk xz flock; do
	command -v "$tool" >/dev/null || die "$tool not found"
done
auditd_lock 1800 || die "another user of the audit subsystem held the lock for 30 minutes"
! why=$(auditd_busy) || die "the kernel audit subsystem is in use ($why): it is shared, free it first"
auditd_note_state || die "cannot use the kernel audit subsystem"
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
	local rc=$?
	trap - EXIT INT TERM HUP
	auditd_release "$rules_file" "$daemon_pid" "$pidfile_existed" "$enabled0" "$backlog0"
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

# A complete config of our own (tests/auditd-lib.sh says why each setting is what it is).
auditd_conf "$tmp/conf/auditd.conf" log_file="$tmp/log/audit.log" log_format="$format" \
	plugin_dir="$tmp/plugins" || die "cannot write $tmp/conf/auditd.conf"

bash "$SCENARIOS" setup || die "scenario setup failed"
scenario_list=$(bash "$SCENARIOS" list) || die "cannot list the scenarios"
if [ -n "$only" ]; then
	for s in ${only//,/ }; do
		printf '%s\n' "$scenario_list" | grep -qx -- "$s" || die "--only: no scenario '$s' in $SCENARIOS"
	done
	scenario_list=${only//,/ }
fi

auditd -n -c "$tmp/conf" >"$tmp/auditd.out" 2>&1 &
daemon_pid=$!
auditd_enable "$daemon_pid" "$BACKLOG" || die "auditd did not start: $(cat "$tmp/auditd.out")"

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
	bash "$SCENARIOS" audit-rules "$ses"
}

(
	# This subshell and its descendants get an audit session of their own.
	auditd_session || exit 1
	mapfile -t specs < <(session_rules "$ses")
	auditd_add_rules "$rules_file" "${specs[@]}" || exit 1
	cd "$SCENARIO_ROOT" && /bin/true kme-capture-begin
	for s in $scenario_list; do
		(cd "$SCENARIO_ROOT/$s" && exec "$SCENARIO_ROOT/bin/kme-run" "$s")
	done
	cd "$SCENARIO_ROOT" && /bin/true kme-capture-end
) || die "capture session failed"

# Let auditd write the last records, then stop it through the trap's steps (rules first).
sleep 1
auditd_delete_rules "$rules_file" || die "cannot delete the capture's audit rules"
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
	}' "$log" >"$tmp/events.log" || die "cannot write $tmp/events.log"
case "$output" in
*.xz) xz -9e -c "$tmp/events.log" >"$output.tmp" || die "cannot write $output.tmp" ;;
*) cp "$tmp/events.log" "$output.tmp" || die "cannot write $output.tmp" ;;
esac
mv "$output.tmp" "$output" || die "cannot write $output"
chmod 644 "$output"
printf 'capture.sh: wrote %s (%s, fork %s, set %s%s): %d lines, %d bytes\n' "$output" "$format" \
	"$([ "$with_fork" = 1 ] && echo on || echo off)" "$set_name" "${only:+, only $only}" \
	"$(wc -l <"$tmp/events.log")" "$(stat -c %s "$output")"
verify "$output"
