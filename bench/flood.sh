#!/bin/bash
# Bounded at scale (issue 4, item 3).
#
#   bench/flood.sh [--events N] [--pids P] [--terms T] [--arg-bytes B] [--plugin PATH]
#
# 1. Flood: bench/flood.py streams N (default 1000000) synthetic exec events, P (100000) distinct
#    pids, T (100000) distinct new-terms, in the record shape of tests/data/kmod-raw.log, through a
#    pipe into `audisp-kmod-enum --replay --state TMP/state.json -` (built-in configuration:
#    process_table_size 65536, process_table_memory 48M, max_terms 1000000) under /usr/bin/time -v.
#    Prints the peak RSS (target: <= 64 MiB) and the summary's processes, process_evictions, terms,
#    term_evictions; the run saves the state file at its end (T terms).
# 2. State file: replays an empty input with --state on that file under strace -ttt (openat, read,
#    close, fsync, rename), three times, and prints the median time from opening the state file to
#    closing it (load; target < 200 ms) and from creating the temporary file to the fsync of the
#    directory after the rename (save),
#    plus the run's whole wall time. strace stops the process only at the traced system calls
#    (--seccomp-bpf), so its own cost is small; still an upper bound.
#
#   bench/flood.sh --state-only FILE   (only step 2, on an existing state FILE, e.g. one kept with
#                                       --keep-state FILE by an earlier run)
set -uo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd) || exit 1
TOP=$(cd "$HERE/.." && pwd) || exit 1
readonly HERE TOP

# shellcheck source=bench/lib.sh
. "$HERE/lib.sh"   # die, say, median, find_plugin

events=1000000
pids=100000
terms=100000
arg_bytes=0
plugin=${KME_PLUGIN:-}
state_only=
keep_state=
while [ $# -gt 0 ]; do
	case "$1" in
	--state-only) state_only=$2; shift 2 ;;
	--keep-state) keep_state=$2; shift 2 ;;
	--events) events=$2; shift 2 ;;
	--pids) pids=$2; shift 2 ;;
	--terms) terms=$2; shift 2 ;;
	--arg-bytes) arg_bytes=$2; shift 2 ;;
	--plugin) plugin=$2; shift 2 ;;
	*) printf 'usage: %s [--events N] [--pids P] [--terms T] [--plugin PATH]\n' "$0" >&2; exit 2 ;;
	esac
done
[ -n "$plugin" ] || plugin=$TOP/plugin/audisp-kmod-enum
[ -x "$plugin" ] || die "audisp-kmod-enum not found at $plugin: build it, or pass --plugin PATH"
[ -x /usr/bin/time ] || die "/usr/bin/time not found: install the package 'time'"
command -v python3 >/dev/null || die "python3 not found"
command -v strace >/dev/null || die "strace not found (apt-get install strace)"

tmp=$(mktemp -d /tmp/kme-bench-flood.XXXXXX) || die "mktemp failed"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
state=$tmp/state.json

# --- 1. the flood --------------------------------------------------------------------------------------
if [ -n "$state_only" ]; then
	[ -s "$state_only" ] || die "no state file $state_only"
	cp "$state_only" "$state" || die "cannot copy $state_only"
	# the count of terms the reloaded store must report, from the plugin itself
	sum=$("$plugin" --replay --state "$state" /dev/null 2>&1 >/dev/null | grep 'summary:') || die "cannot load $state"
	field() { printf '%s\n' "$sum" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
	status=0
else
printf 'flood: %d exec events, %d pids, %d terms (%d lines), through a pipe\n' "$events" "$pids" "$terms" \
	$((events * 7))
t0=$(date +%s%N)
python3 "$HERE/flood.py" --events "$events" --pids "$pids" --terms "$terms" --arg-bytes "$arg_bytes" |
	/usr/bin/time -v -o "$tmp/flood.time" "$plugin" --replay --state "$state" - >"$tmp/alerts" 2>"$tmp/flood.err"
rcs=("${PIPESTATUS[@]}")
t1=$(date +%s%N)
[ "${rcs[0]}" = 0 ] || die "the generator failed (exit ${rcs[0]})"
[ "${rcs[1]}" = 0 ] || { cat "$tmp/flood.err" >&2; die "the replay failed (exit ${rcs[1]})"; }
sum=$(grep 'summary: records=' "$tmp/flood.err") || die "the replay printed no summary"
field() { printf '%s\n' "$sum" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
rss=$(awk '/Maximum resident set size/ { print $NF }' "$tmp/flood.time")
cpu=$(awk '/User time/ { u = $NF } /System time/ { s = $NF } END { print u + s }' "$tmp/flood.time")
printf 'flood: %s\n' "${sum#*summary: }"
printf 'flood: wall %.2f s (generator and plugin in parallel), plugin cpu %.2f s, peak RSS %.1f MiB (target <= 64)\n' \
	"$(awk -v a="$t0" -v b="$t1" 'BEGIN { print (b - a) / 1e9 }')" "$cpu" "$(awk -v r="$rss" 'BEGIN { print r / 1024 }')"
printf 'flood: execs=%s processes=%s process_evictions=%s pid_reuse=%s terms=%s term_evictions=%s alerts=%s rate_limited=%s\n' \
	"$(field execs)" "$(field processes)" "$(field process_evictions)" "$(field pid_reuse)" "$(field terms)" \
	"$(field term_evictions)" "$(field alerts)" "$(field rate_limited)"
status=0
[ "$(field execs)" = "$events" ] || { echo "flood: FAIL: $(field execs) execs counted, $events sent"; status=1; }
[ "$rss" -le $((64 * 1024)) ] || { echo "flood: over target: peak RSS $((rss / 1024)) MiB > 64 MiB"; }
[ -s "$state" ] || die "no state file written"
[ -z "$keep_state" ] || cp "$state" "$keep_state" || die "cannot copy the state to $keep_state"
fi
printf 'state: %s: %d bytes\n' "$state" "$(stat -c %s "$state")"

# --- 2. state file load and save ----------------------------------------------------------------------
for r in 1 2 3; do
	t0=$(date +%s%N)
	strace -f --seccomp-bpf -ttt -o "$tmp/strace.$r" -e trace=openat,read,close,fsync,rename,renameat,renameat2 \
		"$plugin" --replay --state "$state" /dev/null >/dev/null 2>"$tmp/load.err" ||
		{ cat "$tmp/load.err" >&2; die "the replay with --state failed"; }
	t1=$(date +%s%N)
	grep -q "terms=$(field terms) " "$tmp/load.err" || { cat "$tmp/load.err" >&2; die "the reloaded store does not hold $(field terms) terms"; }
	# load: openat(...state.json) = FD ... close(FD); save: openat(...tmp...) ... rename*(...)
	awk -v name="$(basename "$state")" -v wall="$(((t1 - t0) / 1000))" '
		$1 ~ /^[0-9]+$/ && $2 ~ /^[0-9]+\.[0-9]+$/ { $1 = ""; $0 = $0 }   # strace -f: a pid first
		$2 ~ /^openat/ && index($0, "\"" name "\"") && load0 == "" { load0 = $1; fd = $NF; next }
		load0 != "" && load1 == "" && $2 ~ "^close\\(" fd "\\)" { load1 = $1; next }
		load1 != "" && $2 ~ /^openat/ && $0 ~ /O_CREAT/ && save0 == "" { save0 = $1; next }
		save0 != "" && $2 ~ /^rename/ { save1 = $1; renamed = 1; next }
		renamed && $2 ~ /^fsync/ { save1 = $1; renamed = 0 }
		END {
			if (load1 == "" || save1 == "") exit 1
			printf "%.1f %.1f %.1f\n", (load1 - load0) * 1000, (save1 - save0) * 1000, wall / 1000
		}' "$tmp/strace.$r" >>"$tmp/state.times" || die "could not find the load and the save in strace output"
done
printf 'state: %s terms: load %.1f ms (target < 200), save %.1f ms, whole run %.1f ms (medians of 3, under strace)\n' \
	"$(field terms)" "$(cut -d' ' -f1 "$tmp/state.times" | median)" "$(cut -d' ' -f2 "$tmp/state.times" | median)" \
	"$(cut -d' ' -f3 "$tmp/state.times" | median)"
for r in 1 2 3; do
	t0=$(date +%s%N)
	"$plugin" --replay --state "$state" /dev/null >/dev/null 2>&1 || die "the replay with --state failed"
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000))
done | median | awk '{ printf "state: whole run without strace (start, load, save, exit): %.1f ms (median of 3)\n", $1 / 1000 }'
exit "$status"
