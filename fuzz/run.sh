#!/bin/sh
# fuzz/run.sh [SECONDS] - build the harnesses, seed their corpora, fuzz each
# for SECONDS (default 60) one after the other, then replay every committed
# regression input once. Exits non-zero when a harness crashes (libFuzzer
# saves the input under BUILDDIR/artifacts/HARNESS/) or a regression fails.
#
# Environment:
#   KME_FUZZ_BUILD   build and work directory (default /tmp/kme-fuzz)
#   KME_FUZZ_ONLY    run only these harnesses (e.g. "fuzz_config")
#   KME_FUZZ_NO_REGRESSIONS=1  skip the regression pass
#   KME_FUZZ_ALLOW_KNOWN=1  fuzz past the bugs already found and kept as
#                    regressions: sets KME_FUZZ_ALLOW_LOST_ALERTS=1 (see
#                    fuzz_records.c) and the LeakSanitizer suppressions of
#                    fuzz/known-bugs.supp. Regressions always run strict.
# The working corpora (BUILDDIR/corpus/HARNESS) persist between runs, so
# repeated runs keep their coverage; delete them to start from the seeds.
set -u

SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
SECS=${1:-60}
OUT=${KME_FUZZ_BUILD:-/tmp/kme-fuzz}
HARNESSES=${KME_FUZZ_ONLY:-fuzz_records fuzz_statefile fuzz_config}

case $SECS in
''|*[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;;
esac

# clang and its fuzzer runtime are Debian packages.
need=""
command -v clang >/dev/null 2>&1 || need="clang"
if command -v dpkg-query >/dev/null 2>&1; then
	dpkg-query -W -f='${Status}\n' libclang-rt-14-dev 2>/dev/null |
		grep -q "install ok installed" || need="$need libclang-rt-14-dev"
fi
if [ -n "$need" ]; then
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "run.sh: installing$need" >&2
		# shellcheck disable=SC2086 # a list of package names
		apt-get install -y --no-install-recommends $need >&2 || exit 2
	else
		echo "run.sh: missing$need (as root: apt-get install$need)" >&2
		exit 2
	fi
fi

sh "$SRCDIR/fuzz/build.sh" "$OUT" || exit 2

# Working corpora: the committed seeds, plus, for records, every event of
# the committed real logs as its own input (first byte 0: ENG_ALERT) and
# runs of 8 consecutive events, so that parents are in the input too (first
# byte cycling through the variants; see fuzz_records.c).
for h in fuzz_records fuzz_statefile fuzz_config; do
	mkdir -p "$OUT/corpus/$h" "$OUT/artifacts/$h"
done
cp "$SRCDIR"/fuzz/corpus/records/* "$OUT/corpus/fuzz_records/"
cp "$SRCDIR"/fuzz/corpus/statefile/* "$OUT/corpus/fuzz_statefile/"
cp "$SRCDIR"/fuzz/corpus/config/* "$OUT/corpus/fuzz_config/"
python3 - "$OUT/corpus/fuzz_records" "$SRCDIR"/tests/data/*.log <<'EOF'
import os, re, sys
out, logs = sys.argv[1], sys.argv[2:]
serial = re.compile(rb"msg=audit\(\d+\.\d+:(\d+)\)")
for log in logs:
    name = os.path.basename(log)[:-4]
    events, last = [], None
    for line in open(log, "rb").read().splitlines():
        m = serial.search(line)
        s = m.group(1) if m else None
        if s != last or not events:
            events.append([])
        events[-1].append(line)
        last = s
    for i, ev in enumerate(events):
        with open(os.path.join(out, "%s-ev%04d" % (name, i)), "wb") as f:
            f.write(b"\0" + b"\n".join(ev) + b"\n")
    for i in range(0, len(events), 8):
        run = [ln for ev in events[i:i + 8] for ln in ev]
        with open(os.path.join(out, "%s-run%04d" % (name, i)), "wb") as f:
            f.write(bytes([(i // 8) % 32]) + b"\n".join(run) + b"\n")
EOF

maxlen() {
	case $1 in
	fuzz_records) echo 65536 ;;
	fuzz_statefile) echo 65536 ;;
	*) echo 8192 ;;
	esac
}

# libauparse's own leaks on malformed records are not ours to find (see
# fuzz/libauparse.supp); our leaks are still reported.
LSAN_OPTIONS="suppressions=$SRCDIR/fuzz/libauparse.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
if [ "${KME_FUZZ_ALLOW_KNOWN:-0}" = 1 ]; then
	KME_FUZZ_ALLOW_LOST_ALERTS=1
	LSAN_OPTIONS="suppressions=$SRCDIR/fuzz/known-bugs.supp:$LSAN_OPTIONS"
	export KME_FUZZ_ALLOW_LOST_ALERTS LSAN_OPTIONS
fi

rc=0
for h in $HARNESSES; do
	echo "== $h: fuzzing for ${SECS}s (log: $OUT/$h.log)"
	"$OUT/$h" "$OUT/corpus/$h" \
		-max_total_time="$SECS" -max_len="$(maxlen "$h")" -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$OUT/artifacts/$h/" >"$OUT/$h.log" 2>&1
	st=$?
	grep -E "^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED)" "$OUT/$h.log" | tail -1
	grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb" "$OUT/$h.log"
	if [ "$st" -ne 0 ]; then
		echo "!! $h: crash (exit $st); reproducer(s):"
		ls "$OUT/artifacts/$h/"
		grep -E "ERROR|invariant|SUMMARY" "$OUT/$h.log" | head -5
		rc=1
	fi
done

if [ "${KME_FUZZ_NO_REGRESSIONS:-0}" != 1 ]; then
	for f in "$SRCDIR"/fuzz/regressions-libauparse/fuzz_records/*; do
		[ -f "$f" ] || continue
		if LSAN_OPTIONS="suppressions=$SRCDIR/fuzz/libauparse.supp" \
			"$OUT/fuzz_records" -runs=1 "$f" >"$OUT/regression.log" 2>&1; then
			echo "ok - regression (libauparse leak suppressed) fuzz_records/$(basename "$f")"
		else
			echo "not ok - regression fuzz_records/$(basename "$f")"
			grep -E "ERROR|invariant|SUMMARY" "$OUT/regression.log" | head -3
			rc=1
		fi
	done
	for h in fuzz_records fuzz_statefile fuzz_config; do
		dir=$SRCDIR/fuzz/regressions/$h
		for f in "$dir"/*; do
			[ -f "$f" ] || continue
			if env -u KME_FUZZ_ALLOW_LOST_ALERTS -u LSAN_OPTIONS \
				"$OUT/$h" -runs=1 "$f" \
				>"$OUT/regression.log" 2>&1; then
				echo "ok - regression $h/$(basename "$f")"
			else
				echo "not ok - regression $h/$(basename "$f")"
				grep -E "ERROR|invariant|SUMMARY" "$OUT/regression.log" | head -3
				rc=1
			fi
		done
	done
fi
exit $rc
