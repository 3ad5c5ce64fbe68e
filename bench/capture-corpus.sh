#!/bin/bash
# Capture a mixed benchmark corpus under a real, private auditd.
#
#   bench/capture-corpus.sh [--lines N] [--format RAW|ENRICHED] [--with-fork] [--wait SECONDS] OUTPUT.log
#
# --lines N      stop once the log holds at least N lines (default 1000000; ~20000 for CI, ~10 s)
# --format       auditd log_format (default RAW)
# --with-fork    also load the fork/clone rules of conf/kmod-enum.rules (clone,clone3,fork,vfork
#                success=1, b64 and b32; key kmebench-fork): the same workload, with a fork event per
#                process creation. bench/run.sh --fork measures what they cost and what they fix.
# --wait S       if the kernel audit subsystem is busy (an auditd runs, rules are loaded), retry for
#                up to S seconds before giving up (default 0: refuse at once)
#
# What it does, and undoes on every exit (trap):
#   1. refuses unless root, no auditd runs, no process is registered as audit daemon, no rules are
#      loaded and the enabled flag is not locked;
#   2. starts `auditd -n -c TMPDIR` with a config of its own: log in TMPDIR, RAW (or ENRICHED), an
#      empty plugin_dir, max_log_file 1000 MB with action IGNORE, no disk-space actions; sets the
#      kernel backlog_limit to 65536 so that nothing is lost while auditd writes;
#   3. in a subshell that writes its own loginuid (so it and its descendants get a fresh audit
#      session id) loads rules filtered on that session, so other work on the machine stays out:
#        -a always,exit -F arch=b64|b32 -S execve,execveat -F sessionid=SES -k kmebench
#        -a always,exit -F arch=b64 -S openat,connect -F sessionid=SES -k kmebench-io
#        (--with-fork) -a always,exit -F arch=b64|b32 -S clone,clone3,fork,vfork -F success=1
#                      -F sessionid=SES -k kmebench-fork
#   4. runs rounds, each an exec-heavy batch (about 2000 execs of /bin/true, /bin/echo, env, sh -c,
#      basename, date ... with varied arguments, some long and hex-encoded) followed by a
#      syscall-heavy batch (openat of existing and missing files, connect() to a closed localhost
#      port), until the log holds N lines; real enumerations (lsmod, kmod list, modinfo, depmod -a
#      -b TMPDIR) run at the start, in the middle and at the end, among them the cases fork records
#      decide: lsmod in `$(lsmod | cat)` and `( lsmod; : )` of #!/bin/sh scripts named mkinitramfs
#      and dracut (a subshell that never execs is the parent), and an orphan (`( sleep 0.2; exec
#      lsmod ) &` of a shell that exits first: reparented to init);
#   5. deletes its rules, stops auditd, compares the kernel's `lost` counter before and after (fails
#      if records were lost), restores enabled and backlog_limit, removes its temp files;
#   6. writes the whole audit log, as auditd wrote it, to OUTPUT.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd) || exit 1
export LC_ALL=C
export PATH=/usr/sbin:/usr/bin:/sbin:/bin

readonly KEY=kmebench
readonly BACKLOG=65536

# shellcheck source=bench/lib.sh
. "$HERE/lib.sh"   # die, say, median, find_plugin

usage() {
	printf 'usage: %s [--lines N] [--format RAW|ENRICHED] [--with-fork] [--wait SECONDS] OUTPUT.log\n' "$0" >&2
	exit 2
}

lines=1000000
format=RAW
wait_s=0
with_fork=0
while [ $# -gt 0 ]; do
	case "$1" in
	--with-fork) with_fork=1; shift ;;
	--lines) [ $# -ge 2 ] || usage; lines=$2; shift 2 ;;
	--format) [ $# -ge 2 ] || usage; format=$2; shift 2 ;;
	--wait) [ $# -ge 2 ] || usage; wait_s=$2; shift 2 ;;
	-h|--help) usage ;;
	-*) usage ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || usage
output=$1
case "$lines" in ''|*[!0-9]*) die "--lines needs a number" ;; esac
[ "$lines" -ge 1000 ] || die "--lines must be at least 1000"
case "$wait_s" in ''|*[!0-9]*) die "--wait needs a number of seconds" ;; esac
case "$format" in RAW|ENRICHED) ;; *) die "--format must be RAW or ENRICHED" ;; esac
outdir=$(dirname -- "$output")
[ -d "$outdir" ] && [ -w "$outdir" ] || die "cannot write to directory $outdir"

# --- claim the kernel audit subsystem; give it back at exit -----------------------------------------
# shellcheck source=bench/audit-lib.sh
. "$HERE/audit-lib.sh"
# shellcheck source=tests/auditd-lib.sh
. "$HERE/../tests/auditd-lib.sh"
bench_atexit() { rm -f "$output.tmp"; }
audit_setup "$wait_s" capture auditd auditctl awk seq xargs
mkdir "$tmp/conf" "$tmp/plugins" "$tmp/log" "$tmp/work" || die "mkdir in $tmp failed"

# tests/auditd-lib.sh's capture config, with a larger dispatcher queue for the load and a log
# flushed every 1000 records.
auditd_conf "$tmp/conf/auditd.conf" log_file="$tmp/log/audit.log" log_format="$format" freq=1000 \
	max_log_file=1000 q_depth=80000 plugin_dir="$tmp/plugins" || die "cannot write $tmp/conf/auditd.conf"

auditd -n -c "$tmp/conf" >"$tmp/auditd.out" 2>&1 &
daemon_pid=$!
auditd_enable "$daemon_pid" "$BACKLOG" || die "auditd did not start: $(cat "$tmp/auditd.out")"
say "auditd pid $daemon_pid, lost before: $lost0, target $lines lines ($format)"

log=$tmp/log/audit.log
work=$tmp/work
# A closed localhost TCP port for connect(): the first of these nobody listens on.
port=
for p in 9 7 13 37 79 1023; do
	if ! { : 3<>"/dev/tcp/127.0.0.1/$p"; } 2>/dev/null; then
		port=$p
		break
	fi
done
[ -n "$port" ] || die "no closed localhost port found for the connect() phase"

# Files for openat(): existing ones of several sizes and directories, and missing ones.
mapfile -t files < <(find /etc /usr/share/doc/bash /usr/lib/os-release -maxdepth 1 -type f -readable 2>/dev/null | head -200)
[ "${#files[@]}" -gt 10 ] || die "too few readable files for the openat phase"
mkdir -p "$work/depmod/lib/modules/$(uname -r)"
# Scripts named like the tools v211 excludes by parent name, running lsmod in subshells.
for tool in mkinitramfs dracut; do
	printf '#!/bin/sh\nmods=$(lsmod | cat)\n( lsmod >/dev/null 2>&1; : )\nexit 0\n' >"$work/$tool"
	chmod 755 "$work/$tool"
done

# A full round writes about 67000 lines; a small corpus gets smaller rounds (percent).
scale=$((lines * 100 / 67000))
[ "$scale" -le 100 ] || scale=100
[ "$scale" -ge 5 ] || scale=5
n1800=$((1800 * scale / 100)) n1000=$((1000 * scale / 100)) n600=$((600 * scale / 100))
n200=$((200 * scale / 100)) n100=$((100 * scale / 100)) n20=$((20 * scale / 100))
n2400=$((2400 * scale / 100))

# One batch of about 2000 execs (full scale), varied programs and arguments. $1: round number.
exec_batch() {
	local r=$1 i base=$(($1 * 100000)) long
	seq "$base" $((base + $n1800 - 1)) | xargs -n 3 /bin/true
	seq "$base" $((base + $n600 - 1)) | sed 's/^/KME_BENCH_I=/' | xargs -I{} -n 1 env {} /bin/true
	seq "$base" $((base + $n1000 - 1)) | xargs -n 5 /bin/echo round "$r" >/dev/null
	printf '/usr/lib/x86_64-linux-gnu/file-%s.so\n' $(seq "$base" $((base + $n200 - 1))) | xargs -n 1 basename >/dev/null
	for ((i = 0; i < $n200; i++)); do
		sh -c ": $r $i"
		/bin/date "+%s round $r item $i" >/dev/null
	done
	# long arguments with spaces: EXECVE a1 becomes hex, a few over the record split size
	long=$(printf 'x y %.0s' $(seq 1 $((50 + r % 200))))
	for ((i = 0; i < $n100; i++)); do
		/bin/true "$long $i" "two words" 'quote"d'
	done
	for ((i = 0; i < $n20; i++)); do
		/bin/true "$(printf '%*s' 4000 "round $r arg $i")"
	done
	bash -c 'for i in 1 2 3; do /bin/true "$i"; done'
}

# One batch of about 3000 openat and 600 connect events (full scale), from this shell (no fork
# per syscall).
io_batch() {
	local r=$1 i nf=${#files[@]}
	{
		for ((i = 0; i < $n2400; i++)); do
			: <"${files[(i + r) % nf]}"
		done
		for ((i = 0; i < $n600; i++)); do
			: <"/nonexistent/kme-bench/$r/$i"
		done
		for ((i = 0; i < $n600; i++)); do
			: 3<>"/dev/tcp/127.0.0.1/$port"
		done
	} 2>/dev/null
}

# Real enumerations; their output and errors (a kernel without modules has no /proc/modules) do
# not matter, their exec events do.
enumerate() {
	{
	lsmod >/dev/null
	kmod list >/dev/null
	modinfo "$(lsmod | awk 'NR == 2 { print $1 }')" >/dev/null 2>&1 || modinfo ext4 >/dev/null 2>&1
	depmod -a -b "$work/depmod" "$(uname -r)" >/dev/null 2>&1
	sh -c 'lsmod >/dev/null; /sbin/modinfo -F license ext4 >/dev/null 2>&1' || true
	bash -c 'depmod --all -b "$1" "$2" >/dev/null 2>&1' depmod-bench "$work/depmod" "$(uname -r)" || true
	"$work/mkinitramfs" >/dev/null
	"$work/dracut" >/dev/null
	bash -c '( sleep 0.2; exec lsmod >/dev/null 2>&1 ) & exit 0'
	sleep 0.5
	} 2>/dev/null
}

log_lines() { wc -l <"$log" 2>/dev/null || echo 0; }

(
	# This subshell and its descendants get an audit session of their own.
	auditd_session || exit 1
	specs=("always,exit -F arch=b64 -S execve,execveat -F sessionid=$ses -k $KEY"
		"always,exit -F arch=b32 -S execve,execveat -F sessionid=$ses -k $KEY"
		"always,exit -F arch=b64 -S openat,connect -F sessionid=$ses -k $KEY-io")
	if [ "$with_fork" = 1 ]; then
		specs+=("always,exit -F arch=b64 -S clone,clone3,fork,vfork -F success=1 -F sessionid=$ses -k $KEY-fork"
			"always,exit -F arch=b32 -S clone,clone3,fork,vfork -F success=1 -F sessionid=$ses -k $KEY-fork")
	fi
	auditd_add_rules "$rules_file" "${specs[@]}" || exit 1
	cd "$work" || exit 1
	enumerate
	r=0
	mid=0
	while :; do
		n=$(log_lines)
		[ "$n" -lt "$lines" ] || break
		if [ "$mid" = 0 ] && [ "$n" -ge $((lines / 2)) ]; then
			enumerate
			mid=1
		fi
		exec_batch "$r"
		io_batch "$r"
		r=$((r + 1))
	done
	enumerate
	say "session $ses: $r rounds"
) || die "capture session failed"

# Let auditd write the last records, then delete the rules and stop auditd.
sleep 1
auditd_delete_rules "$rules_file" || die "cannot delete the capture's audit rules"
kill -TERM "$daemon_pid"
wait "$daemon_pid"
daemon_pid=
lost1=$(auditctl -s | awk '$1 == "lost" { print $2 }')
say "kernel lost counter: before $lost0, after $lost1"
[ "$lost1" = "$lost0" ] || die "the kernel lost $((lost1 - lost0)) audit records during the capture: corpus incomplete"

cp "$log" "$output.tmp" && mv "$output.tmp" "$output" || die "cannot write $output"
chmod 644 "$output"
say "wrote $output: $(wc -l <"$output") lines, $(stat -c %s "$output") bytes, $(grep -c '^type=SYSCALL' "$output") syscall records, $(grep -c '^type=EXECVE' "$output") EXECVE records, $(grep -c '^type=SYSCALL.*key="kmebench-fork"' "$output") fork records"
