#!/bin/sh
# tests/flood.sh - floods stay within the configured bounds, and say so.
# Exec events in the exact shape of real records (bench/flood.py) stream
# through a pipe into --replay with small bounds: memory stays bounded, the
# process table and the term store evict (counted), alerts stay within the
# rate limit and the overflow is reported; an exec storm of one term alerts
# once.
. "$(dirname "$0")/lib.sh"

[ -x /usr/bin/time ] || { [ "${CI:-}" = true ] && { echo "not ok - /usr/bin/time missing (tests/deps.sh)"; exit 1; }; echo "SKIP: /usr/bin/time missing"; exit 77; }
FLOOD="$PYTHON $KME_SRCDIR/bench/flood.py"
CONF=$TMP/small.conf
sed -e 's/^process_table_size = .*/process_table_size = 16384/' \
    -e 's/^max_terms = .*/max_terms = 50000/' \
    "$KME_BUILDDIR/conf/audisp-kmod-enum.conf" >"$CONF"
if nm "$KME_BIN" 2>/dev/null | grep -q __asan_init; then LIMIT=400000; else LIMIT=65536; fi
val() { tr ' ' '\n' <"$TMP/err" | sed -n "s/^$1=//p" | tail -n 1; }

# --- 300k execs over 100k pids, 100k distinct new terms ------------------------
$FLOOD --events 300000 --pids 100000 --terms 100000 |
	/usr/bin/time -f "%M" -o "$TMP/rss" "$KME_BIN" --replay -c "$CONF" - >"$TMP/out" 2>"$TMP/err"
check "the flood replays to the end" test "$(val execs)" = 300000
check "peak memory stays bounded ($(cat "$TMP/rss") KiB <= $LIMIT)" test "$(cat "$TMP/rss")" -le $LIMIT
check "the process table holds its bound of 16384" test "$(val processes)" -le 16384
check "and counts its evictions ($(val process_evictions))" test "$(val process_evictions)" -gt 0
check "the term store holds its bound of 50000" test "$(val terms)" -le 50000
check "and counts its evictions ($(val term_evictions))" test "$(val term_evictions)" -gt 0
n=$(wc -l <"$TMP/out")
check "alerts stay within 100 per 5-minute interval ($n over 300 s of events)" test "$n" -le 200
check "the overflow is counted ($(val rate_limited))" test "$(val rate_limited)" -gt 0
check "and reported" grep -q "rate limit: [0-9]* alert(s) not sent" "$TMP/err"
check "alerts + rate-limited = matches" test $((n + $(val rate_limited))) -eq "$(val matches)"

# --- an exec storm of one term ----------------------------------------------------
$PYTHON "$KME_SRCDIR/tests/derive.py" "$DATA/kmod-raw.log" "$TMP/storm.log" --repeat 100000@1700000000
/usr/bin/time -f "%M" -o "$TMP/rss" "$KME_BIN" --replay -c "$CONF" "$TMP/storm.log" >"$TMP/out" 2>"$TMP/err"
check "a storm of 100000 execs of one term alerts once" test "$(wc -l <"$TMP/out")" -eq 1
check "with every one a match" test "$(val matches)" = 100000
check "and suppresses the rest ($(val suppressed))" test $(($(val suppressed) + 1)) -eq "$(val matches)"
check "in bounded memory ($(cat "$TMP/rss") KiB)" test "$(cat "$TMP/rss")" -le $LIMIT
finish
