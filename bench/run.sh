#!/bin/bash
# Replay benchmark of issue 4: audisp-kmod-enum --replay vs a bare libauparse feed loop vs laurel.
#
#   bench/run.sh [--rounds N] [--lines N] [--plugin PATH] [--install-laurel] [--no-laurel] [LOG...]
#   bench/run.sh --smoke [--plugin PATH]
#   bench/run.sh --fork [--rounds N] [--lines N] [--plugin PATH] [LOG]
#
# With no LOG it uses the corpus cached in $KME_BENCH_CACHE (default /var/tmp/kme-bench) as
# corpus-N.log, capturing it first with bench/capture-corpus.sh --lines N (root, a real auditd;
# default N = 1000000). Each LOG is benchmarked on its own.
#
# For each log, after one untimed read that puts it in the page cache, runs ROUNDS rounds (default
# 5), each running in turn
#   (a) replay:   audisp-kmod-enum --replay LOG >/dev/null      (built-in configuration)
#   (b) feedloop: bench/feedloop LOG                            (built here with gcc -O2 -lauparse)
#   (c) laurel:   laurel -c CONF <LOG >/dev/null                (when installed; CONF: output "-")
# each under /usr/bin/time -v (package `time`), and prints per program the median, min and max of
# the wall time, the median user and system time and the largest peak RSS, then the ratios
# replay/feedloop and laurel/replay (of the medians). Every run's exit status and output are checked
# (the replay summary must count every line of the log as a record; feedloop must count events);
# a failed run makes the script fail. Benchmarks are not timed tests: no time is asserted.
#
# --fork: what the optional fork/clone audit rules cost and what they fix (issue 9). LOG (default:
# $KME_BENCH_CACHE/corpus-fork-N.log, captured with capture-corpus.sh --with-fork) holds the corpus
# workload with fork records; the same log without them is derived by dropping exactly the events of
# the fork rules (key "kmebench-fork"): the same workload as a capture without those rules, record
# for record. Prints both logs' lines, events and bytes; ROUNDS interleaved replays of each under
# /usr/bin/time (medians of user+system CPU and wall time) and the difference in percent; each
# replay's summary (alerts, excluded, unknown_parents, reparented); and, from --explain, the
# verdicts on the enumerations that fork records decide: lsmod run by a subshell of the corpus's
# mkinitramfs and dracut scripts, and the orphaned lsmod (ppid 1).
#
# --smoke: CI mode. A small corpus (capture-corpus.sh --lines 20000, cached; about 10 s) and one
# round; additionally checks that the replay alerted on the corpus's enumerations and that laurel
# (when installed) wrote one JSON object per event.
set -uo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd) || exit 1
TOP=$(cd "$HERE/.." && pwd) || exit 1
readonly HERE TOP
CACHE=${KME_BENCH_CACHE:-/var/tmp/kme-bench}

# shellcheck source=bench/lib.sh
. "$HERE/lib.sh"   # die, say, median, find_plugin

usage() {
	printf 'usage: %s [--smoke | --fork] [--rounds N] [--lines N] [--plugin PATH] [--install-laurel] [--no-laurel] [LOG...]\n' "$0" >&2
	exit 2
}

rounds=5
lines=1000000
smoke=0
fork=0
plugin=${KME_PLUGIN:-}
install_laurel=0
use_laurel=1
while [ $# -gt 0 ]; do
	case "$1" in
	--smoke) smoke=1; shift ;;
	--fork) fork=1; shift ;;
	--rounds) [ $# -ge 2 ] || usage; rounds=$2; shift 2 ;;
	--lines) [ $# -ge 2 ] || usage; lines=$2; shift 2 ;;
	--plugin) [ $# -ge 2 ] || usage; plugin=$2; shift 2 ;;
	--install-laurel) install_laurel=1; shift ;;
	--no-laurel) use_laurel=0; shift ;;
	-h|--help) usage ;;
	--) shift; break ;;
	-*) usage ;;
	*) break ;;
	esac
done
case "$rounds" in ''|*[!0-9]*|0) die "--rounds needs a positive number" ;; esac
if [ "$smoke" = 1 ]; then
	rounds=1
	lines=20000
fi

# --- the programs -------------------------------------------------------------------------------------
find_plugin "$plugin"
[ -x /usr/bin/time ] || die "/usr/bin/time not found: install the package 'time' (apt-get install time)"
command -v gcc >/dev/null || die "gcc not found"

if [ "$install_laurel" = 1 ] && ! command -v laurel >/dev/null; then
	apt-get install -y laurel >&2 || die "apt-get install laurel failed"
fi
laurel=
if [ "$use_laurel" = 1 ]; then
	laurel=$(command -v laurel || true)
	[ -n "$laurel" ] || say "laurel is not installed: (c) skipped (--install-laurel installs it)"
fi

tmp=$(mktemp -d /tmp/kme-bench-run.XXXXXX) || die "mktemp failed"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

feedloop=$tmp/feedloop
# shellcheck disable=SC2046 # pkg-config prints a list of flags
gcc -std=gnu11 -O2 -Wall -Wextra -Werror "$HERE/feedloop.c" -o "$feedloop" \
	$(pkg-config --cflags --libs auparse 2>/dev/null || echo -lauparse) ||
	die "cannot build bench/feedloop.c (libauparse-dev installed?)"

if [ -n "$laurel" ]; then
	# laurel's defaults (pid/script/container enrichment, argv as array), its JSON to stdout.
	mkdir "$tmp/laurel"
	cat >"$tmp/laurel.toml" <<EOF
directory = "$tmp/laurel"
statusreport-period = 0
[auditlog]
file = "-"
EOF
fi

# --- --fork: the fork/clone rules, with and without ----------------------------------------------------
if [ "$fork" = 1 ]; then
	[ $# -le 1 ] || usage
	log=${1:-$CACHE/corpus-fork-$lines.log}
	if [ $# -eq 0 ] && [ ! -s "$log" ]; then
		mkdir -p "$CACHE" || die "cannot create $CACHE"
		say "no cached corpus $log: capturing one under auditd, with the fork rules"
		"$HERE/capture-corpus.sh" --lines "$lines" --with-fork --wait 600 "$log" ||
			die "capture failed (as root, with auditd installed; or give a LOG)"
	fi
	[ -r "$log" ] && [ -f "$log" ] || die "cannot read $log"
	grep -q 'key="kmebench-fork"' "$log" || die "$log holds no fork records (capture-corpus.sh --with-fork)"
	nofork=$tmp/corpus-nofork.log
	# Drop every record of the events the fork rules logged (by serial): what the same workload
	# logs without those rules.
	awk 'function ser(l) { if (!match(l, /msg=audit\([0-9.]+:[0-9]+\)/)) return ""
		l = substr(l, RSTART + 10, RLENGTH - 11); sub(/^[^:]*:/, "", l); return l }
	     NR == FNR { if ($0 ~ /^type=SYSCALL/ && $0 ~ /key="kmebench-fork"/) drop[ser($0)] = 1; next }
	     !(ser($0) in drop)' "$log" "$log" >"$nofork" || die "cannot derive $nofork"
	events() { grep -o 'msg=audit([0-9.]*:[0-9]*)' "$1" | sort -u | wc -l; }
	l0=$(wc -l <"$nofork"); l1=$(wc -l <"$log")
	e0=$(events "$nofork"); e1=$(events "$log")
	b0=$(stat -c %s "$nofork"); b1=$(stat -c %s "$log")
	cat "$log" "$nofork" >/dev/null
	: >"$tmp/nofork.times"; : >"$tmp/fork.times"
	# frun TAG LOG: one timed replay; appends "wall user+sys" to $tmp/TAG.times.
	frun() {
		local t0 t1
		t0=$(date +%s%N)
		/usr/bin/time -v -o "$tmp/$1.time" "$plugin" --replay "$2" >/dev/null 2>"$tmp/$1.err" ||
			{ say "replay failed on $2:"; cat "$tmp/$1.err" >&2; return 1; }
		t1=$(date +%s%N)
		awk -v wall="$(((t1 - t0) / 1000))" '
			/User time \(seconds\)/ { u = $NF }
			/System time \(seconds\)/ { s = $NF }
			END { printf "%.6f %.3f\n", wall / 1e6, u + s }' "$tmp/$1.time" >>"$tmp/$1.times"
	}
	for ((r = 1; r <= rounds; r++)); do
		frun nofork "$nofork" && frun fork "$log" || exit 1
	done
	c0=$(cut -d' ' -f2 "$tmp/nofork.times" | median); c1=$(cut -d' ' -f2 "$tmp/fork.times" | median)
	w0=$(cut -d' ' -f1 "$tmp/nofork.times" | median); w1=$(cut -d' ' -f1 "$tmp/fork.times" | median)
	pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.1f%%", (b - a) * 100 / a }'; }
	printf '\nfork rules: %s (with) and the same without its fork events, %d rounds\n' "$log" "$rounds"
	printf '%-14s %10s %10s %12s %12s %12s\n' log lines events bytes cpu_s wall_s
	printf '%-14s %10d %10d %12d %12.3f %12.3f\n' without "$l0" "$e0" "$b0" "$c0" "$w0"
	printf '%-14s %10d %10d %12d %12.3f %12.3f\n' with "$l1" "$e1" "$b1" "$c1" "$w1"
	printf '%-14s %10s %10s %12s %12s %12s\n' difference "$(pct "$l0" "$l1")" "$(pct "$e0" "$e1")" \
		"$(pct "$b0" "$b1")" "$(pct "$c0" "$c1")" "$(pct "$w0" "$w1")"
	sed -n 's/^audisp-kmod-enum: summary: /without: /p' "$tmp/nofork.err"
	sed -n 's/^audisp-kmod-enum: summary: /with:    /p' "$tmp/fork.err"
	# What they decide differently: every verdict on an enumeration, by parent name (a subshell of
	# the corpus's mkinitramfs and dracut scripts, the orphan's bash, ...); "?" is an unknown parent.
	for tag in nofork fork; do
		f=$log
		[ "$tag" = nofork ] && f=$nofork
		"$plugin" --replay --explain "$f" 2>/dev/null |
			sed -n 's/.* parent_name=\([^ ]*\) .* => \([a-z -]*\):.*/\2 (parent \1)/p' |
			sort | uniq -c >"$tmp/$tag.verdicts"
	done
	printf '\nverdicts on the enumerations, without fork records:\n'
	cat "$tmp/nofork.verdicts"
	printf 'with fork records:\n'
	cat "$tmp/fork.verdicts"
	printf '\nmachine: %s, %s CPU(s), %s; plugin %s\n' "$(. /etc/os-release && echo "$PRETTY_NAME")" \
		"$(nproc)" "$(uname -r)" "$plugin"
	exit 0
fi

# --- the corpus ---------------------------------------------------------------------------------------
logs=("$@")
if [ ${#logs[@]} -eq 0 ]; then
	corpus=$CACHE/corpus-$lines.log
	if [ ! -s "$corpus" ]; then
		mkdir -p "$CACHE" || die "cannot create $CACHE"
		say "no cached corpus $corpus: capturing one under auditd"
		"$HERE/capture-corpus.sh" --lines "$lines" --wait 600 "$corpus" ||
			die "capture failed (as root, with auditd installed; or give a LOG)"
	fi
	logs=("$corpus")
fi
for log in "${logs[@]}"; do
	[ -r "$log" ] && [ -f "$log" ] || die "cannot read $log"
done

# --- measuring ----------------------------------------------------------------------------------------
# run NAME LOG OUTFILE: one timed run; appends "wall user sys rss_kib" to $tmp/NAME.times.
run() {
	local name=$1 log=$2 out=$3 t0 t1 rc
	local tv=$tmp/$name.time
	t0=$(date +%s%N)
	case "$name" in
	replay) /usr/bin/time -v -o "$tv" "$plugin" --replay "$log" >"$out" 2>"$tmp/replay.err" ;;
	feedloop) /usr/bin/time -v -o "$tv" "$feedloop" "$log" >"$out" 2>"$tmp/feedloop.err" ;;
	laurel) (cd "$tmp/laurel" && /usr/bin/time -v -o "$tv" "$laurel" -c "$tmp/laurel.toml" <"$log" \
		>"$out" 2>"$tmp/laurel.err") ;;
	esac
	rc=$?
	t1=$(date +%s%N)
	if [ "$rc" != 0 ]; then
		say "$name failed on $log (exit $rc):"
		cat "$tmp/$name.err" >&2
		return 1
	fi
	awk -v wall="$(((t1 - t0) / 1000))" '
		/User time \(seconds\)/ { u = $NF }
		/System time \(seconds\)/ { s = $NF }
		/Maximum resident set size/ { r = $NF }
		END { printf "%.6f %s %s %s\n", wall / 1e6, u, s, r }' "$tv" >>"$tmp/$name.times"
}

# check NAME LOG OUTFILE: the run printed what it must.
check() {
	local name=$1 log=$2 out=$3 nlines sum rec ev
	case "$name" in
	replay)
		nlines=$(awk 'END { print NR }' "$log")
		sum=$(grep 'summary: records=' "$tmp/replay.err") || { say "replay printed no summary"; return 1; }
		rec=$(printf '%s\n' "$sum" | sed -n 's/.*summary: records=\([0-9]*\) .*/\1/p')
		[ "$rec" = "$nlines" ] || { say "replay counted $rec records, the log has $nlines lines"; return 1; }
		;;
	feedloop)
		ev=$(sed -n 's/^events=\([0-9]*\) .*/\1/p' "$out")
		[ -n "$ev" ] && [ "$ev" -gt 0 ] || { say "feedloop printed no event count"; return 1; }
		;;
	laurel)
		grep -q 'Stopped .*laurel processed [0-9]* lines' "$tmp/laurel.err" ||
			{ say "laurel did not report a clean stop:"; cat "$tmp/laurel.err" >&2; return 1; }
		;;
	esac
}

declare -A medians
progs=(replay feedloop)
[ -n "$laurel" ] && progs+=(laurel)

status=0
for log in "${logs[@]}"; do
	rm -f "$tmp"/*.times
	cat "$log" >/dev/null
	nlines=$(awk 'END { print NR }' "$log")
	printf '\ncorpus: %s: %d lines, %d bytes\n' "$log" "$nlines" "$(stat -c %s "$log")"
	for ((r = 1; r <= rounds; r++)); do
		for name in "${progs[@]}"; do
			out=/dev/null
			[ "$name" = feedloop ] && out=$tmp/feedloop.out
			[ "$smoke" = 1 ] && [ "$name" != feedloop ] && out=$tmp/$name.out
			run "$name" "$log" "$out" && check "$name" "$log" "$out" || { status=1; continue 3; }
		done
	done
	printf '%s\n' "$(cat "$tmp/feedloop.out")" | sed 's/^/feedloop: /'
	sed -n 's/^audisp-kmod-enum: \(summary: .*\)/replay: \1/p' "$tmp/replay.err"
	printf '%-9s %5s %9s %9s %9s %9s %9s %10s\n' program runs median_s min_s max_s user_s sys_s maxrss_MiB
	for name in "${progs[@]}"; do
		f=$tmp/$name.times
		med=$(cut -d' ' -f1 "$f" | median)
		printf '%-9s %5d %9.3f %9.3f %9.3f %9.3f %9.3f %10.1f\n' "$name" "$(wc -l <"$f")" "$med" \
			"$(cut -d' ' -f1 "$f" | sort -n | head -1)" "$(cut -d' ' -f1 "$f" | sort -n | tail -1)" \
			"$(cut -d' ' -f2 "$f" | median)" "$(cut -d' ' -f3 "$f" | median)" \
			"$(cut -d' ' -f4 "$f" | sort -n | tail -1 | awk '{ print $1 / 1024 }')"
		medians[$name]=$med
	done
	awk -v r="${medians[replay]}" -v f="${medians[feedloop]}" 'BEGIN { printf "replay/feedloop = %.2f\n", r / f }'
	if [ -n "$laurel" ]; then
		awk -v r="${medians[replay]}" -v l="${medians[laurel]}" 'BEGIN { printf "laurel/replay   = %.2f\n", l / r }'
	fi
	if [ "$smoke" = 1 ]; then
		# Sane output, not speed: the corpus holds real enumerations, so the replay alerts; laurel
		# writes JSON lines.
		n=$(grep -c '"rule"' "$tmp/replay.out" || true)
		[ "$n" -ge 1 ] || { say "smoke: replay printed no alert on $log"; status=1; }
		if [ -n "$laurel" ]; then
			head -1 "$tmp/laurel.out" | grep -q '^{"ID":' || { say "smoke: laurel wrote no JSON"; status=1; }
		fi
		[ "$status" = 0 ] && printf 'smoke: ok (replay alerts: %d, laurel lines: %s)\n' "$n" \
			"$([ -n "$laurel" ] && wc -l <"$tmp/laurel.out" || echo -)"
	fi
done
printf '\nmachine: %s, %s CPU(s), %s; plugin %s; laurel %s\n' "$(. /etc/os-release && echo "$PRETTY_NAME")" \
	"$(nproc)" "$(uname -r)" "$plugin" "$([ -n "$laurel" ] && "$laurel" --version 2>&1 | head -1 || echo none)"
exit "$status"
