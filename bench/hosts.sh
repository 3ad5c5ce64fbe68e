#!/bin/bash
# Multi-host benchmarks of issue 8 (an audit aggregator's stream: every record prefixed node=NAME).
#
#   bench/hosts.sh [--rounds N] [--lines-per-host N] [--plugin PATH] [--from LOG] [--instructions]
#                  [--keep DIR] [--rss-only | --churn-only]
#
# 1. Throughput. Three corpora captured under a real auditd with bench/capture-corpus.sh --lines N
#    (default 340000 each; cached in $KME_BENCH_CACHE/hosts, default /var/tmp/kme-bench/hosts), one
#    per "host". From them, two logs of the same records:
#      single.log  the three captures one after the other, as captured: one machine's log;
#      merged.log  each capture's record times shifted so that the three start together (an
#                  aggregator receives its hosts' events at the same time), every record prefixed
#                  node=hostX, merged by event time (tests/merge-hosts.sh). Nothing else changes.
#    --from LOG: no capture (the audit subsystem may be busy); the hosts' logs are generated from LOG,
#    a real capture, instead: LOG repeated until a host holds N lines, each repetition with its
#    serials and times moved past the previous one's (records otherwise unchanged, pids included:
#    the three hosts' pids all collide); single.log is one host running 3x as long, merged.log the
#    three hosts at the same time, prefixed and merged as above. Both hold the same records.
#    Both are measured the same way as bench/run.sh does (the replay, and the bare libauparse feed
#    loop bench/feedloop.c), in ROUNDS rounds (default 5) interleaving the two logs; this prints
#    the medians, both replay/feedloop ratios and their quotient (multi-host over single-host;
#    target <= 1.0), by wall time and by CPU time. --instructions: also the exact instruction counts
#    of one run of each (valgrind --tool=callgrind; the same under any load, unlike times on a
#    shared machine) and the same quotient by instructions. --keep DIR: single.log and merged.log
#    are left in DIR (to profile them further).
# 2. Memory (--rss-only: this part alone, no capture needed). A log of 100,000 exec events, 100
#    distinct pids on each of 1,000 hosts (each event a copy of the first successful exec event of
#    tests/data/hosts/hostc.log, a real capture, with its node, pid, ppid, serial and time rewritten;
#    its argv kept), fed to the plugin in plugin mode (stdin) with process_table_size =
#    131072 (the default 65536 would evict), process_table_memory at its default 48M; prints the peak
#    RSS (/usr/bin/time -v) against process_table_memory. A replay of the same log with the same
#    configuration shows in its summary that the table held every (host, pid): processes=100000
#    hosts=1000 process_evictions=0.
# 3. Host churn (--churn-only: this part alone). The same 100,000 events spread over 1 host, 1,000
#    hosts, 2,000 hosts in turn (more than the assembler's 1,024 per-host parsers: every event takes
#    the least recently fed host's parser) and 100,000 hosts (a new node name per event, as a sender
#    forging names would send them), each replayed 3 times: median wall and CPU time, and the
#    summary's hosts, host_evictions and parser_evictions.
# Measures only: nothing is asserted about time. Needs root and auditd to capture the corpora once.
set -uo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd) || exit 1
TOP=$(cd "$HERE/.." && pwd) || exit 1
readonly HERE TOP
CACHE=${KME_BENCH_CACHE:-/var/tmp/kme-bench}/hosts

# shellcheck source=bench/lib.sh
. "$HERE/lib.sh"   # die, say, median, find_plugin

rounds=5
rss_only=0
churn_only=0
instructions=0
keep=
from=
per_host=340000
plugin=${KME_PLUGIN:-}
while [ $# -gt 0 ]; do
	case "$1" in
	--rounds) [ $# -ge 2 ] || die "--rounds needs a value"; rounds=$2; shift 2 ;;
	--lines-per-host) [ $# -ge 2 ] || die "--lines-per-host needs a value"; per_host=$2; shift 2 ;;
	--plugin) [ $# -ge 2 ] || die "--plugin needs a value"; plugin=$2; shift 2 ;;
	--rss-only) rss_only=1; shift ;;
	--churn-only) churn_only=1; shift ;;
	--instructions) instructions=1; shift ;;
	--keep) [ $# -ge 2 ] || die "--keep needs a directory"; keep=$2; shift 2 ;;
	--from) [ $# -ge 2 ] || die "--from needs a log"; from=$2; shift 2 ;;
	*) die "usage: $0 [--rounds N] [--lines-per-host N] [--plugin PATH] [--from LOG] [--instructions] [--keep DIR] [--rss-only | --churn-only]" ;;
	esac
done
[ -n "$plugin" ] || plugin=$TOP/plugin/audisp-kmod-enum
[ -x "$plugin" ] || die "audisp-kmod-enum not found: build it, then pass --plugin PATH"
[ -x /usr/bin/time ] || die "/usr/bin/time not found: apt-get install time"
[ "$instructions" = 0 ] || command -v valgrind >/dev/null || die "valgrind not found: apt-get install valgrind"
[ -z "$keep" ] || [ -d "$keep" ] || die "--keep: $keep is not a directory"
command -v python3 >/dev/null || die "python3 not found"

tmp=$(mktemp -d /tmp/kme-bench-hosts.XXXXXX) || die "mktemp failed"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# generate SRC REPS OUT: SRC repeated REPS times, serials and times of each repetition moved past the
# previous one's.
generate() {
	python3 - "$@" <<'EOF'
import re, sys
src, reps, dst = sys.argv[1], int(sys.argv[2]), sys.argv[3]
stamp = re.compile(r"msg=audit\((\d+)\.(\d+):(\d+)\)")
with open(src, errors="surrogateescape") as f:
    recs = [l for l in f if stamp.search(l)]
ser = [int(stamp.search(l).group(3)) for l in recs]
sec = [int(stamp.search(l).group(1)) for l in recs]
sstep, tstep = max(ser) - min(ser) + 1, max(sec) - min(sec) + 1
with open(dst, "w", errors="surrogateescape") as out:
    for k in range(reps):
        for l in recs:
            m = stamp.search(l)
            out.write(l[:m.start()] + "msg=audit(%d.%s:%d)" % (
                int(m.group(1)) + k * tstep, m.group(2), int(m.group(3)) + k * sstep) + l[m.end():])
EOF
}

# timed "LOG PROGRAM" COMMAND...: appends "LOG PROGRAM wall_s user_s sys_s": wall from the monotonic
# clock, CPU from getrusage(RUSAGE_CHILDREN) in microseconds (/usr/bin/time prints hundredths of a
# second: too coarse for the differences of about 1 % this benchmark is about).
run_py='import resource, subprocess, sys, time
t0 = time.monotonic_ns()
rc = subprocess.call(sys.argv[2:])
t1 = time.monotonic_ns()
r = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as f:
    f.write("%.6f %.6f %.6f\n" % ((t1 - t0) / 1e9, r.ru_utime, r.ru_stime))
sys.exit(rc if rc >= 0 else 128 - rc)'
timed() {
	local what=$1 rc
	shift
	python3 -c "$run_py" "$tmp/t1" "$@"
	rc=$?
	printf '%s %s\n' "$what" "$(cat "$tmp/t1")" >>"$tmp/times"
	return "$rc"
}

throughput() {
if [ -n "$from" ]; then
	[ -r "$from" ] || die "cannot read $from"
	n=$(grep -c 'msg=audit(' "$from")
	reps=$(((per_host + n - 1) / n))
	generate "$from" "$((3 * reps))" "$tmp/single.log" || die "cannot generate single.log"
	generate "$from" "$reps" "$tmp/host.log" || die "cannot generate host.log"
	for h in a b c; do ln -sf "$tmp/host.log" "$tmp/corpus-host$h.log"; done
	src=$tmp
	printf 'hosts.sh: generated from %s (%d records) x %d per host\n' "$from" "$n" "$reps"
else
	src=$CACHE
	mkdir -p "$CACHE" || die "cannot create $CACHE"
	for h in a b c; do
		c=$CACHE/corpus-host$h.log
		if [ ! -s "$c" ]; then
			"$HERE/capture-corpus.sh" --lines "$per_host" --wait 900 "$c" || die "capture of $c failed"
		fi
	done
	cat "$CACHE"/corpus-host{a,b,c}.log >"$tmp/single.log" || die "cannot write single.log"
fi
first_sec() { grep -m1 -o 'msg=audit([0-9]*' "$1" | sed 's/.*(//'; }
base=$(first_sec "$src/corpus-hosta.log")
for h in a b c; do
	off=$(($(first_sec "$src/corpus-host$h.log") - base))
	awk -v off="$off" '{
		if (match($0, /msg=audit\([0-9]+\./)) {
			s = substr($0, RSTART + 10, RLENGTH - 11) - off
			$0 = substr($0, 1, RSTART + 9) s substr($0, RSTART + RLENGTH - 1)
		}
		print }' "$src/corpus-host$h.log" >"$tmp/shifted-$h.log" || die "cannot shift host$h"
done
"$TOP/tests/merge-hosts.sh" hosta="$tmp/shifted-a.log" hostb="$tmp/shifted-b.log" \
	hostc="$tmp/shifted-c.log" >"$tmp/merged.log" || die "merge failed"
rm -f "$tmp"/shifted-*.log "$tmp/host.log" "$tmp"/corpus-host?.log
[ "$(wc -l <"$tmp/single.log")" = "$(wc -l <"$tmp/merged.log")" ] || die "merged log lost records"
printf 'hosts.sh: single.log %d lines, %d bytes; merged.log (3 hosts) %d lines, %d bytes\n' \
	"$(wc -l <"$tmp/single.log")" "$(stat -c %s "$tmp/single.log")" \
	"$(wc -l <"$tmp/merged.log")" "$(stat -c %s "$tmp/merged.log")"
for l in single merged; do
	"$plugin" --replay "$tmp/$l.log" 2>&1 >/dev/null | sed -n "s/^.*summary: /hosts.sh: $l summary: /p"
done

# --- throughput ---------------------------------------------------------------------------------------
# ROUNDS rounds, each running in turn replay and feedloop on single.log, then on merged.log
# (interleaved, so that other load on the machine hits both logs alike), every run under
# timed (below); medians of wall time and of CPU time (user + system) per program and log. The
# replay's summary must count every line as a record; feedloop must count events.
gcc -std=gnu11 -O2 -Wall -Wextra -Werror "$HERE/feedloop.c" -o "$tmp/feedloop" \
	$(pkg-config --cflags --libs auparse 2>/dev/null || echo -lauparse) ||
	die "cannot build bench/feedloop.c (libauparse-dev installed?)"
: >"$tmp/times"
for ((r = 1; r <= rounds; r++)); do
	for l in single merged; do
		cat "$tmp/$l.log" >/dev/null
		timed "$l replay" "$plugin" --replay "$tmp/$l.log" >/dev/null 2>"$tmp/replay.err" ||
			die "replay failed on $l.log"
		grep -q "summary: records=$(wc -l <"$tmp/$l.log") " "$tmp/replay.err" ||
			die "replay of $l.log did not count every line"
		timed "$l feedloop" "$tmp/feedloop" "$tmp/$l.log" >"$tmp/feedloop.out" ||
			die "feedloop failed on $l.log"
		grep -q '^events=[1-9]' "$tmp/feedloop.out" || die "feedloop counted no event in $l.log"
	done
done
python3 - "$tmp/times" <<'EOF'
import statistics, sys
t = {}
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) == 5:
        t.setdefault((f[0], f[1]), []).append((float(f[2]), float(f[3]) + float(f[4])))
med = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v))
       for k, v in t.items()}
print("log      program   runs  wall_median_s  cpu_median_s")
for (l, p), v in sorted(med.items(), key=lambda kv: (kv[0][0] != "single", kv[0][1])):
    print("%-8s %-9s %4d  %13.3f  %12.3f" % (l, p, len(t[(l, p)]), v[0], v[1]))
for i, what in ((0, "wall"), (1, "cpu")):
    s = med[("single", "replay")][i] / med[("single", "feedloop")][i]
    m = med[("merged", "replay")][i] / med[("merged", "feedloop")][i]
    print("hosts.sh: %s: replay/feedloop single-host %.3f, merged 3-host %.3f: multi/single %.3f"
          " (target <= 1.0)" % (what, s, m, m / s))
EOF
if [ "$instructions" = 1 ]; then
	# One run of each under callgrind: instructions executed (Ir), exact.
	for l in single merged; do
		valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.$l.replay" \
			"$plugin" --replay "$tmp/$l.log" >/dev/null 2>"$tmp/cg.err" ||
			{ cat "$tmp/cg.err" >&2; die "callgrind of the replay of $l.log failed"; }
		valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.$l.feedloop" \
			"$tmp/feedloop" "$tmp/$l.log" >/dev/null 2>"$tmp/cg.err" ||
			{ cat "$tmp/cg.err" >&2; die "callgrind of feedloop on $l.log failed"; }
	done
	python3 - "$tmp" <<'EOF'
import sys
def ir(path):
    for line in open(path):
        if line.startswith("summary:") or line.startswith("totals:"):
            return int(line.split()[1])
    sys.exit("no instruction total in " + path)
d = sys.argv[1]
n = {(l, p): ir("%s/cg.%s.%s" % (d, l, p)) for l in ("single", "merged") for p in ("replay", "feedloop")}
for (l, p), v in n.items():
    print("hosts.sh: instructions: %-6s %-8s %15d" % (l, p, v))
s = n[("single", "replay")] / n[("single", "feedloop")]
m = n[("merged", "replay")] / n[("merged", "feedloop")]
print("hosts.sh: instructions: replay/feedloop single-host %.4f, merged 3-host %.4f: multi/single %.4f"
      " (target <= 1.0)" % (s, m, m / s))
EOF
fi
[ -z "$keep" ] || cp "$tmp/single.log" "$tmp/merged.log" "$keep/" || die "cannot copy the logs to $keep"
}
[ "$rss_only" = 1 ] || [ "$churn_only" = 1 ] || throughput

# --- memory ---------------------------------------------------------------------------------------------
# gen_hosts N OUT: 100,000 exec events, the first successful exec event of
# tests/data/hosts/hostc.log (a real capture; all its records, argv kept) with
# node, pid, ppid, serial and time rewritten: event k on host k mod N, pid
# 1000 + (k div N) mod 30000 on its host.
gen_hosts() {
	python3 - "$TOP/tests/data/hosts/hostc.log" "$2" "$1" <<'EOF'
import re, sys
src, dst, nhosts = sys.argv[1], sys.argv[2], int(sys.argv[3])
# The first successful exec event of the capture with an EXECVE record: all its records.
events, order = {}, []
with open(src, errors="surrogateescape") as f:
    for line in f:
        m = re.search(r"msg=audit\((\d+)\.(\d+):(\d+)\)", line)
        if not m:
            continue
        ser = m.group(3)
        if ser not in events:
            events[ser] = []
            order.append(ser)
        events[ser].append(line)
        if len(order) > 5000:
            break
tmpl = None
for ser in order:
    recs = events[ser]
    if any("type=EXECVE" in r for r in recs) and \
       any("syscall=59 success=yes" in r for r in recs if "type=SYSCALL" in r):
        tmpl = recs
        break
if tmpl is None:
    sys.exit("no exec event in " + src)
stamp = re.compile(r"msg=audit\(\d+\.\d+:\d+\)")
with open(dst, "w", errors="surrogateescape") as out:
    for k in range(100000):
        serial = k + 1
        h, pid, ppid = k % nhosts, 1000 + (k // nhosts) % 30000, 500
        t = 1800000000 + serial // 1000
        ms = serial % 1000
        for r in tmpl:
            r = stamp.sub("msg=audit(%d.%03d:%d)" % (t, ms, serial), r, count=1)
            if "type=SYSCALL" in r:
                r = re.sub(r" ppid=\d+ pid=\d+ ", " ppid=%d pid=%d " % (ppid, pid), r, count=1)
            out.write("node=h%06d %s" % (h, r))
EOF
}
memory() {
gen_hosts 1000 "$tmp/rss.log" || die "cannot generate rss.log"
printf 'hosts.sh: rss.log: %d lines, 100000 exec events, 1000 hosts x 100 pids\n' "$(wc -l <"$tmp/rss.log")"
sed -e 's/^process_table_size = .*/process_table_size = 131072/' \
	-e "s|^state_file = .*|state_file = $tmp/state.json|" \
	"$TOP/conf/audisp-kmod-enum.conf.in" | sed "s|@statedir@|$tmp|" >"$tmp/rss.conf"
grep -q '^process_table_size = 131072$' "$tmp/rss.conf" || die "cannot set process_table_size"
mem=$(sed -n 's/^process_table_memory = //p' "$tmp/rss.conf")
"$plugin" --replay -c "$tmp/rss.conf" "$tmp/rss.log" 2>&1 >/dev/null |
	sed -n 's/^.*summary: /hosts.sh: rss.log replay summary: /p'
/usr/bin/time -v -o "$tmp/rss.time" "$plugin" -c "$tmp/rss.conf" <"$tmp/rss.log" >/dev/null 2>"$tmp/rss.err" ||
	{ cat "$tmp/rss.err" >&2; die "plugin mode failed on rss.log"; }
rss=$(awk '/Maximum resident set size/ { print $NF }' "$tmp/rss.time")
printf 'hosts.sh: plugin mode, 100000 (host, pid) entries of 1000 hosts: peak RSS %d KiB (%.1f MiB); process_table_memory = %s\n' \
	"$rss" "$(awk -v r="$rss" 'BEGIN { print r / 1024 }')" "$mem"
}
[ "$churn_only" = 1 ] || memory

# --- host churn -------------------------------------------------------------------------------------------
# The same 100,000 events over 1 host, 1,000 hosts (every host keeps its libauparse parser), 2,000
# hosts in turn (more than the 1,024 parsers: every event takes the least recently fed host's) and
# 100,000 hosts (a new node name per event, as a sender forging names would send; beyond the host
# table's 16,384 too). Replayed 3 times each with the built-in configuration: median wall and CPU time,
# and the summary's host and parser counters.
[ "$rss_only" = 1 ] && exit 0
for n in 1 1000 2000 100000; do
	gen_hosts "$n" "$tmp/churn.log" || die "cannot generate churn.log ($n hosts)"
	: >"$tmp/times"
	for r in 1 2 3; do
		timed "churn $n" "$plugin" --replay "$tmp/churn.log" >/dev/null 2>"$tmp/churn.err" ||
			die "replay of churn.log ($n hosts) failed"
	done
	python3 - "$tmp/times" "$n" "$(sed -n 's/.*summary: .*\( hosts=[0-9]* host_evictions=[0-9]* parser_evictions=[0-9]*\).*/\1/p' "$tmp/churn.err")" <<'EOF'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
wall = statistics.median(float(r[2]) for r in rows)
cpu = statistics.median(float(r[3]) + float(r[4]) for r in rows)
print("hosts.sh: churn: %6s host(s), 100000 events: wall %.3f s, cpu %.3f s;%s" % (sys.argv[2], wall, cpu, sys.argv[3]))
EOF
done
