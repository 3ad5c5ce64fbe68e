#!/bin/bash
# What reading logs as they are found costs (issue 20): the replay of the benchmark corpus plain, and
# of its gzip, zstd, xz and bzip2 copies; the progress line on and off; the corpus cut in rotated
# files (a set: ordered by first event, overlaps looked for) against the one file.
#
#   bench/compressed.sh [--rounds N] [--lines N] [--plugin PATH] [--base PATH] [LOG]
#
# LOG defaults to the corpus cached by bench/run.sh ($KME_BENCH_CACHE/corpus-N.log, default
# /var/tmp/kme-bench/corpus-1000000.log), captured first with bench/capture-corpus.sh when missing
# (root, a real auditd). The copies are made once per run with the tools' default levels (gzip -6,
# zstd -3, xz -6, bzip2 -9) into a temporary directory; the rotated set is the corpus cut in 8 files
# of equal line counts (cuts inside events), 4 of them gzip-compressed, given as a directory.
#
# After one untimed read of every input (page cache), ROUNDS rounds (default 5) run, in turn, each
# variant under /usr/bin/time -v:
#   plain      audisp-kmod-enum --replay --no-progress LOG
#   gzip ...   the same on each compressed copy
#   progress   --progress on the bzip2 copy (the longest run), its lines to a file (one a
#              second): against bzip2
#   bzip2-tty, progress-tty   the bzip2 copy on a pseudo-terminal (script -q -e -f -c, stderr the
#              terminal), with --no-progress and without (the line drawn four times a second)
#   set        --no-progress DIR (the rotated set)
#   base       with --base PATH: that build's --replay LOG (e.g. the build before issue 20: what the
#              input layer costs the plain replay)
# and prints per variant the median, min and max wall time, the median user and system time, the
# largest peak RSS, the input's size and the median's ratio to plain. Every run is checked: exit 0
# and the same summary line (records, alerts...) as the plain replay's. No time is asserted.
set -uo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd) || exit 1
TOP=$(cd "$HERE/.." && pwd) || exit 1
readonly HERE TOP
CACHE=${KME_BENCH_CACHE:-/var/tmp/kme-bench}

# shellcheck source=bench/lib.sh
. "$HERE/lib.sh"   # die, say, median, find_plugin
usage() {
	printf 'usage: %s [--rounds N] [--lines N] [--plugin PATH] [--base PATH] [LOG]\n' "$0" >&2
	exit 2
}

rounds=5
lines=1000000
plugin=${KME_PLUGIN:-}
base=
while [ $# -gt 0 ]; do
	case "$1" in
	--rounds) [ $# -ge 2 ] || usage; rounds=$2; shift 2 ;;
	--lines) [ $# -ge 2 ] || usage; lines=$2; shift 2 ;;
	--plugin) [ $# -ge 2 ] || usage; plugin=$2; shift 2 ;;
	--base) [ $# -ge 2 ] || usage; base=$2; shift 2 ;;
	-h|--help) usage ;;
	-*) usage ;;
	*) break ;;
	esac
done
[ $# -le 1 ] || usage
case "$rounds" in ''|*[!0-9]*|0) die "--rounds needs a positive number" ;; esac
find_plugin "$plugin"
[ -x /usr/bin/time ] || die "/usr/bin/time not found: install the package 'time' (apt-get install time)"
for t in gzip zstd xz bzip2; do
	command -v "$t" >/dev/null || die "$t not found (tests/deps.sh installs it)"
done

log=${1:-$CACHE/corpus-$lines.log}
if [ $# -eq 0 ] && [ ! -s "$log" ]; then
	mkdir -p "$CACHE" || die "cannot create $CACHE"
	say "no cached corpus $log: capturing one under auditd"
	"$HERE/capture-corpus.sh" --lines "$lines" --wait 600 "$log" ||
		die "capture failed (as root, with auditd installed; or give a LOG)"
fi
[ -r "$log" ] && [ -f "$log" ] || die "cannot read $log"

tmp=$(mktemp -d /var/tmp/kme-bench-compressed.XXXXXX) || die "mktemp failed"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# --- the inputs -----------------------------------------------------------------------------------
declare -A input
input[plain]=$log
gzip -c "$log" >"$tmp/c.gz" && input[gzip]=$tmp/c.gz
zstd -q -c "$log" >"$tmp/c.zst" && input[zstd]=$tmp/c.zst
xz -T1 -c "$log" >"$tmp/c.xz" && input[xz]=$tmp/c.xz
bzip2 -c "$log" >"$tmp/c.bz2" && input[bzip2]=$tmp/c.bz2
mkdir "$tmp/set"
n=$(wc -l <"$log")
split -d -a 1 -n "l/8" "$log" "$tmp/set/part" || die "cannot cut $log"
i=7
for f in "$tmp/set"/part?; do
	# auditd's names: the oldest has the highest number; the four oldest compressed.
	if [ "$i" -ge 4 ]; then gzip -c "$f" >"$tmp/set/audit.log.$i.gz"; elif [ "$i" -ge 1 ]; then
		cp "$f" "$tmp/set/audit.log.$i"; else cp "$f" "$tmp/set/audit.log"; fi
	rm -f "$f"
	i=$((i - 1))
done
input[progress]=$tmp/c.bz2
input[bzip2-tty]=$tmp/c.bz2
input[progress-tty]=$tmp/c.bz2
input[set]=$tmp/set
variants=(plain gzip zstd xz bzip2 progress bzip2-tty progress-tty set)
command -v script >/dev/null || die "script not found (util-linux)"
if [ -n "$base" ]; then
	[ -x "$base" ] || die "--base $base: not an executable"
	input[base]=$log
	variants+=(base)
fi
for v in "${variants[@]}"; do
	[ -n "${input[$v]:-}" ] || die "could not make the $v input"
	cat "${input[$v]}"/* "${input[$v]}" >/dev/null 2>&1
done

# --- the rounds -------------------------------------------------------------------------------------
run() { # VARIANT: one timed replay; appends "wall user sys rss_kib" to $tmp/VARIANT.times
	local v=$1 t0 t1 cmd=("$plugin" --replay --no-progress)
	[ "$v" = progress ] && cmd=("$plugin" --replay --progress)
	[ "$v" = base ] && cmd=("$base" --replay)
	t0=$(date +%s%N)
	case $v in
	*-tty)
		# On a terminal: script's pty is stderr; stdout to a file.
		[ "$v" = bzip2-tty ] && cmd=("$plugin" --replay --no-progress) || cmd=("$plugin" --replay)
		/usr/bin/time -v -o "$tmp/$v.time" script -q -e -f -c \
			"${cmd[*]} ${input[$v]} >$tmp/$v.out" "$tmp/$v.ts" </dev/null >/dev/null 2>&1 ||
			{ say "$v: replay failed:"; cat "$tmp/$v.ts" >&2; return 1; }
		tr -d '\r' <"$tmp/$v.ts" | sed 's/^.*\x1b\[K//' | grep '^audisp-kmod-enum' >"$tmp/$v.err"
		;;
	*)
		/usr/bin/time -v -o "$tmp/$v.time" "${cmd[@]}" "${input[$v]}" \
			>"$tmp/$v.out" 2>"$tmp/$v.err" || { say "$v: replay failed:"; cat "$tmp/$v.err" >&2; return 1; }
		;;
	esac
	t1=$(date +%s%N)
	awk -v wall="$(((t1 - t0) / 1000))" '
		/User time \(seconds\)/ { u = $NF }
		/System time \(seconds\)/ { s = $NF }
		/Maximum resident set size/ { m = $NF }
		END { printf "%.6f %.3f %.3f %d\n", wall / 1e6, u, s, m }' "$tmp/$v.time" >>"$tmp/$v.times"
	# The same decisions as the plain replay's, record for record.
	grep '^audisp-kmod-enum: summary:' "$tmp/$v.err" >"$tmp/$v.summary"
	if [ "$v" != plain ] && ! cmp -s "$tmp/plain.summary" "$tmp/$v.summary"; then
		say "$v: its summary differs from the plain replay's:"
		cat "$tmp/plain.summary" "$tmp/$v.summary" >&2
		return 1
	fi
}
for ((r = 1; r <= rounds; r++)); do
	for v in "${variants[@]}"; do
		run "$v" || exit 1
	done
done
grep -q "summary: records=$n " "$tmp/plain.summary" || die "the plain replay did not count all $n lines"
say "progress lines drawn in the last rounds: $(grep -c '^replay .* records' "$tmp/progress.err") on a pipe, $(grep -o 'Kreplay ' "$tmp/progress-tty.ts" | wc -l) on the terminal"

size() { if [ -d "$1" ]; then du -sb "$1" | cut -f1; else stat -c %s "$1"; fi; }
m0=$(cut -d' ' -f1 "$tmp/plain.times" | median)
printf '\nreplay of %s (%d lines), %d rounds, medians\n' "$log" "$n" "$rounds"
printf '%-12s %12s %9s %9s %9s %8s %8s %10s %9s\n' variant bytes median_s min_s max_s user_s sys_s maxrss_MiB vs_plain
for v in "${variants[@]}"; do
	f=$tmp/$v.times
	med=$(cut -d' ' -f1 "$f" | median)
	printf '%-12s %12d %9.3f %9.3f %9.3f %8.3f %8.3f %10.1f %9.2f\n' "$v" "$(size "${input[$v]}")" "$med" \
		"$(cut -d' ' -f1 "$f" | sort -n | head -n 1)" "$(cut -d' ' -f1 "$f" | sort -n | tail -n 1)" \
		"$(cut -d' ' -f2 "$f" | median)" "$(cut -d' ' -f3 "$f" | median)" \
		"$(cut -d' ' -f4 "$f" | sort -n | tail -n 1 | awk '{ print $1 / 1024 }')" \
		"$(awk -v a="$med" -v b="$m0" 'BEGIN { print a / b }')"
done
sed -n 's/^audisp-kmod-enum: summary: /every run: /p' "$tmp/plain.summary" | cut -c1-160
printf 'machine: %s, %s CPU(s), %s, load %s; plugin %s\n' "$(. /etc/os-release && echo "$PRETTY_NAME")" \
	"$(nproc)" "$(uname -r)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$plugin"
