#!/bin/sh
# tests/replay-input.sh - replay of inputs as they are found (issue 20, items 1
# and 4): compressed copies of the golden logs decide byte for byte as the
# logs themselves, by content and on stdin; inputs that give nothing, or are
# cut short, say so and exit 3; a few damaged lines only warn.
#
# The compressed copies are made here, from tests/data, with the formats' own
# tools (gzip, xz, zstd, bzip2): nothing binary is committed for this test.
. "$(dirname "$0")/lib.sh"

[ -x "$KME_BIN" ] || { echo "Bail out! $KME_BIN not built"; exit 99; }
need_tools gzip xz zstd bzip2


# --- 1. compressed copies decide as the logs -----------------------------------
xz -dc "$DATA/fidelity-args-raw.log.xz" >"$TMP/fidelity-args-raw.log"
for log in "$DATA"/*.log "$TMP/fidelity-args-raw.log"; do
	name=$(basename "$log" .log)
	for z in gzip xz zstd bzip2; do
		# Named .log whatever it holds: the content says what it is.
		"$z" -c "$log" >"$TMP/$name.$z.log"
		golden_replay "$TMP/$name.$z.log" >"$TMP/got"
		check "$name as $z: exit 0 and the golden alerts byte for byte" \
			sh -c "[ $rc -eq 0 ] && cmp -s '$GOLDEN/$name.alerts.jsonl' '$TMP/got'"
		check "$name as $z: stderr names the format" \
			grep -q "$name.$z.log: $z, audit log" "$TMP/err"
	done
	golden_replay --explain <"$TMP/$name.zstd.log" >"$TMP/got"
	check "$name as zstd on stdin: the golden explanations" \
		cmp -s "$GOLDEN/$name.explain.txt" "$TMP/got"
done
# Streams back to back (`cat a.gz b.gz`) are one input.
head -n 400 "$DATA/kmod-raw.log" | gzip >"$TMP/two.gz"
tail -n +401 "$DATA/kmod-raw.log" | gzip >>"$TMP/two.gz"
golden_replay "$TMP/two.gz" >"$TMP/got"
check "two gzip members back to back: the golden alerts" \
	cmp -s "$GOLDEN/kmod-raw.alerts.jsonl" "$TMP/got"

# --- 4. never silently empty ----------------------------------------------------
# A compressed copy cut short: what came before replays, the cut is said,
# exit 3. Cut in the middle of the largest capture, each format.
for z in gzip xz zstd bzip2; do
	f=$TMP/kmod-fork-raw.$z.log
	size=$(wc -c <"$f")
	head -c $((size / 2)) "$f" >"$TMP/cut.$z"
	"$KME_BIN" --replay "$TMP/cut.$z" >"$TMP/cut.out" 2>"$TMP/cut.err"
	st=$?
	check "$z cut in half: exit 3 (status $st)" test "$st" -eq 3
	check "$z cut in half: 'truncated $z data', with the records replayed before" \
		grep -q "cut.$z: truncated $z data: the input ends inside a compressed stream (after [0-9]* compressed bytes, [0-9]* bytes decompressed); the [0-9]* record(s) before it were replayed" "$TMP/cut.err"
	check "$z cut in half: the summary still printed" grep -q "summary: records=" "$TMP/cut.err"
done

# All garbage: no record, the first line's number and look, exit 3.
head -c 65536 /dev/urandom >"$TMP/garbage.bin"
"$KME_BIN" --replay "$TMP/garbage.bin" >/dev/null 2>"$TMP/g.err"
st=$?
check "random bytes: exit 3 (status $st)" test "$st" -eq 3
check "random bytes: 'no audit record', line 1 shown as bytes" \
	grep -q "garbage.bin: no audit record in [0-9]* line(s); line 1, the first, is binary data, not text (.*a compression other than gzip, xz, zstd and bzip2?): '[0-9a-f][0-9a-f] " "$TMP/g.err"
printf 'Dear analyst,\nhere are the logs you asked for.\n' >"$TMP/letter.txt"
"$KME_BIN" --replay --explain "$TMP/letter.txt" >"$TMP/l.out" 2>"$TMP/l.err"
st=$?
check "a letter: exit 3 (status $st)" test "$st" -eq 3
check "a letter: line 1 quoted" \
	grep -q "letter.txt: no audit record in 2 line(s); line 1, the first, is not an audit record: 'Dear analyst,'" "$TMP/l.err"
check "a letter: --explain lists the skipped lines as one run" \
	same "$(cat "$TMP/l.out")" "# skipped $TMP/letter.txt:1-2: not an audit record: 'Dear analyst,'"
# Empty: nothing to replay is said, exit 3.
: >"$TMP/empty.log"
"$KME_BIN" --replay "$TMP/empty.log" >/dev/null 2>"$TMP/e.err"
st=$?
check "an empty file: exit 3 (status $st)" test "$st" -eq 3
check "an empty file: 'no audit record: the input is empty'" \
	grep -q "no audit record: the input is empty" "$TMP/e.err"
# Mostly garbage: the records replay, the input is still unusable.
{ head -n 10 "$DATA/kmod-raw.log"; head -c 4000 /dev/urandom | base64; } >"$TMP/mostly.log"
"$KME_BIN" --replay "$TMP/mostly.log" >/dev/null 2>"$TMP/m.err"
st=$?
check "mostly garbage: exit 3 (status $st)" test "$st" -eq 3
check "mostly garbage: 'mostly not audit records', the first skipped line 11" \
	grep -q "mostly.log: mostly not audit records: [0-9]* of [0-9]* line(s) skipped, 10 record(s) replayed; line 11, the first skipped, is not an audit record: '" "$TMP/m.err"
# A few damaged lines: replayed, counted, warned, exit 0, the same alerts.
awk 'NR == 100 { print "garbage in the middle" } NR == 500 { print substr($0, 1, 20) } { print }' \
	"$DATA/kmod-raw.log" >"$TMP/damaged.log"
golden_replay "$TMP/damaged.log" >"$TMP/got"
check "two damaged lines: exit 0 and the golden alerts" \
	sh -c "[ $rc -eq 0 ] && cmp -s '$GOLDEN/kmod-raw.alerts.jsonl' '$TMP/got'"
check "two damaged lines: warned with the first one's number" \
	grep -q "damaged.log: 2 line(s) skipped (line 100, the first, is not an audit record: 'garbage in the middle'); 869 record(s) replayed" "$TMP/err"
"$KME_BIN" --replay --explain "$TMP/damaged.log" 2>/dev/null | grep '^# skipped' >"$TMP/skips"
check "two damaged lines: --explain says which and why" same "$(cat "$TMP/skips")" \
"# skipped $TMP/damaged.log:100: not an audit record: 'garbage in the middle'
# skipped $TMP/damaged.log:501: not an audit record: '$(sed -n 500p "$DATA/kmod-raw.log" | cut -c1-20)'"
# A line over the limit and a NUL byte: named with their line numbers.
{ head -n 5 "$DATA/kmod-raw.log"; head -c 70000 /dev/zero | tr '\0' x; echo; printf 'a\000b\n';
  tail -n +6 "$DATA/kmod-raw.log"; } >"$TMP/long.log"
"$KME_BIN" --replay --explain "$TMP/long.log" 2>"$TMP/long.err" | grep '^# skipped' >"$TMP/skips"
check "a line over 64 KiB and a NUL byte: said with their numbers" same "$(cut -c1-80 "$TMP/skips")" \
"$(printf '# skipped %s:6: longer than the line limit (65536 bytes): %s\n# skipped %s:7: binary data, not text (a NUL byte: %s' \
	"$TMP/long.log" "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" "$TMP/long.log" "a compression other than gzip, xz, zstd and bzip2?): '61 00 62'" | cut -c1-80)"
# The exit status is documented where a user looks.
"$KME_BIN" --help >"$TMP/help"
check "--help documents exit status 3" grep -q "^3 (--replay, --learn) an input could not be used" "$TMP/help"
check "the man page documents exit status 3" \
	grep -q "^an input could not be used: it holds no audit record" "$KME_SRCDIR/man/audisp-kmod-enum.8.in"
finish
