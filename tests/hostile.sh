#!/bin/sh
# tests/hostile.sh - replays of hostile audit logs: broken, absurd, reordered
# and log-injecting records. tests/hostile/gen.py writes the logs (record
# shapes copied from the real tests/data/kmod-raw.log, values changed, strings
# encoded as the kernel encodes them); tests/hostile/check.py asserts.
#
# Every case asserts:
#   - the replay exits 0 and prints its summary (no crash, no abort);
#   - peak RSS stays under KME_HOSTILE_MAX_RSS_KB (default 64 MiB; 512 MiB
#     for a sanitizer build, whose shadow memory counts too);
#   - every stdout line is one JSON object with no raw control byte;
# and, where the input calls for it, that parse errors are counted and that
# the alert that is due is there, with the hostile bytes escaped.
. "$(dirname "$0")/lib.sh"

[ -x "$KME_BIN" ] || { echo "Bail out! $KME_BIN not built"; exit 99; }
HOSTILE=$KME_SRCDIR/tests/hostile
chk() { "$PYTHON" "$HOSTILE/check.py" "$@"; }
if grep -q __asan_init "$KME_BIN" 2>/dev/null; then
	: "${KME_HOSTILE_MAX_RSS_KB:=524288}"
else
	: "${KME_HOSTILE_MAX_RSS_KB:=65536}"
fi

$PYTHON "$HOSTILE/gen.py" "$TMP/in" || { echo "Bail out! gen.py failed"; exit 99; }

# run NAME [REPLAY-OPTION...]: replay $TMP/in/NAME.log into $TMP/NAME.out
# and .err, then the checks every case shares.
run() {
	name=$1; shift
	chk run "$TMP/$name.rss" "$TMP/$name.out" "$TMP/$name.err" -- \
		"$KME_BIN" --replay --host hostile-host "$@" "$TMP/in/$name.log"
	st=$?
	check "$name: exits 0 (status $st)" test "$st" -eq 0
	check "$name: summary printed" grep -q "summary: records=" "$TMP/$name.err"
	rss=$(cat "$TMP/$name.rss")
	check "$name: peak RSS ${rss} KiB <= $KME_HOSTILE_MAX_RSS_KB KiB" \
		test "$rss" -le "$KME_HOSTILE_MAX_RSS_KB"
	check "$name: every alert is one JSON line without raw control bytes" \
		chk lines "$TMP/$name.out" --json
}

alerts() { check "$1: $2 alert(s)" chk lines "$TMP/$1.out" --count "$2"; }
parse_errors() {
	check "$1: parse errors counted ($2 $3)" \
		chk summary "$TMP/$1.err" parse_errors "$2" "$3"
}
# lsmod_alert NAME [KEY=JSON...]: the lsmod exec of the case alerted.
lsmod_alert() {
	n=$1; shift
	check "$n: the lsmod alert is there" chk alert "$TMP/$n.out" \
		process.name='"lsmod"' "$@"
}

# --- truncation, random bytes, NUL -------------------------------------
run truncated-records
parse_errors truncated-records gt 0
run truncated-file
run truncated-family
alerts truncated-family 1
lsmod_alert truncated-family process.executable='"/usr/sbin/lsmod"'
run random-bytes
alerts random-bytes 0
parse_errors random-bytes gt 0
run random-records
alerts random-records 0
run nul-bytes
parse_errors nul-bytes ge 10
lsmod_alert nul-bytes

# --- long lines ---------------------------------------------------------
run line-1mib
parse_errors line-1mib ge 1
alerts line-1mib 1
lsmod_alert line-1mib
run execve-1mib
parse_errors execve-1mib ge 1
lsmod_alert execve-1mib process.executable='"/usr/sbin/lsmod"'
run no-newline-1mib
parse_errors no-newline-1mib ge 1
alerts no-newline-1mib 0

# --- absurd counts and lengths, broken pieces, bad hex --------------------
# Each is the lsmod exec (PATH names /usr/sbin/lsmod) with a broken EXECVE
# record: the exec must still alert, and the inconsistency be counted.
for c in argc-huge argc-overflow argc-negative argc-zero-with-args \
	argc-garbage alen-huge alen-overflow alen-negative alen-odd alen-short \
	piece-index-huge arg-index-huge piece-missing piece-duplicate \
	piece-out-of-order piece-without-len arg-duplicate arg-missing hex-odd \
	hex-bad-digits quote-unterminated execve-split-many; do
	run "$c"
	alerts "$c" 1
	lsmod_alert "$c" process.executable='"/usr/sbin/lsmod"'
	parse_errors "$c" ge 1
done
run argc-200000
lsmod_alert argc-200000
parse_errors argc-200000 eq 0
run arg-2mib
lsmod_alert arg-2mib audisp_kmod_enum.args_truncated=true
parse_errors arg-2mib eq 0

# --- incomplete events --------------------------------------------------
run execve-without-syscall
alerts execve-without-syscall 0
run syscall-without-execve
lsmod_alert syscall-without-execve
parse_errors syscall-without-execve ge 1
run execve-alone
alerts execve-alone 0

# --- ordering -------------------------------------------------------------
run shuffled-records
run interleaved-events
sort "$TMP/interleaved-events.out" >"$TMP/inter.sorted"
sort "$GOLDEN/kmod-raw.alerts.jsonl" | sed 's/"host":{"name":"[^"]*"}/"host":{"name":"hostile-host"}/' >"$TMP/golden.sorted"
check "interleaved-events: the same alerts as the log in order" \
	diff -u "$TMP/golden.sorted" "$TMP/inter.sorted"
parse_errors interleaved-events eq 0
run interleaved-late-record
lsmod_alert interleaved-late-record process.executable='"/usr/sbin/lsmod"'
run duplicate-serial-different
run duplicate-serial-same
alerts duplicate-serial-same 1
run time-backwards
alerts time-backwards 2
lsmod_alert time-backwards process.executable='"/sbin/lsmod"'
chk run "$TMP/tb.rss" "$TMP/tb.explain" "$TMP/tb.err" -- \
	"$KME_BIN" --replay --explain --host hostile-host "$TMP/in/time-backwards.log"
check "time-backwards: the term seen later in the stream is suppressed" \
	grep -q ":2073 .*=> suppressed:" "$TMP/tb.explain"
run time-extremes

# --- hostile strings ----------------------------------------------------
run non-utf8-args
alerts non-utf8-args 1
# Invalid UTF-8 bytes become the text \xNN; valid UTF-8 stays itself.
lsmod_alert non-utf8-args \
	process.args='["lsmod","\\xff\\xfe","\\xc0\\xaf","\\xed\\xa0\\x80","caf\u00e9","\\xf4\\x90\\x80\\x80","ok\\x80"]'

run log-injection
alerts log-injection 1
lsmod_alert log-injection \
	process.args='["lsmod","\n{\"event\":{\"kind\":\"forged\"}}\n","x\u001d UID=\"root\" AUID=\"root\"","\u001b]0;owned\u0007\u001b[2J\u001b[31mred","\r\b\u007f\u0085\u2028end"]' \
	process.working_directory='"/tmp/\n\u001b[1mcwd\u001d"' \
	process.executable='"/tmp/\u001b[31m\n/lsmod"' \
	--raw-contains '\\u001b]0;owned\\u0007' --raw-contains '\\u001d' \
	--raw-contains '\\u000a{\\"event' --raw-contains '\\u0085' \
	--raw-contains '\\u2028'
run log-injection-parent
alerts log-injection-parent 1
lsmod_alert log-injection-parent \
	process.parent.executable='"/tmp/\u001b]2;p\u0007/b\na\u001dsh"' \
	process.parent.args='["bash\n","\u001b[K"]'
# The same through --explain and alert_format = text: one line, escaped.
for mode in explain text; do
	if [ "$mode" = text ]; then
		sed -e 's/^alert_format = .*/alert_format = text/' \
			-e "s|@statedir[@]|$TMP|" \
			"$KME_SRCDIR/conf/audisp-kmod-enum.conf.in" >"$TMP/text.conf"
		set -- -c "$TMP/text.conf"
	else
		set -- --explain
	fi
	for c in log-injection log-injection-parent; do
		chk run "$TMP/$c.$mode.rss" "$TMP/$c.$mode" "$TMP/$c.$mode.err" -- \
			"$KME_BIN" --replay --host hostile-host "$@" "$TMP/in/$c.log"
		check "$c --$mode: one line, no raw control bytes" \
			chk lines "$TMP/$c.$mode" --count 1
	done
done

# Escaping multiplies a string up to 6 times, and the executable is printed
# three times (process, kibana new_terms, our new_terms): the alert of a
# 4000-byte path of control bytes (a legal path) exceeds the line bound even
# without args. It must still be sent.
run escape-bloat-path
lsmod_alert escape-bloat-path
run escape-bloat-parent
lsmod_alert escape-bloat-parent

# --- the needle -------------------------------------------------------------
run needle-in-garbage
alerts needle-in-garbage 1
lsmod_alert needle-in-garbage process.executable='"/usr/sbin/lsmod"' \
	process.parent.executable='"/usr/bin/bash"'
parse_errors needle-in-garbage ge 1

# --- memory must not grow with the number of broken lines -------------------
# libauparse 3.0.9 leaks an event per line without a type= field that
# looks like a record (fuzz/regressions/fuzz_records/leak-auparse-*).
$PYTHON -c '
import sys
w = sys.stdout.buffer.write
for i in range(50000):
    w(b"x msg=audit(%dabcdefghijk\n" % i)
    w(b"D msg=auit(1295_fvxa=\n")' >"$TMP/in/typeless-lines.log"
run typeless-lines
# Never-completed events (no EOE, no terminal record, one time) must not pile
# up without bound either: 200000 distinct serials at one timestamp.
$PYTHON -c '
import sys
w = sys.stdout.buffer.write
for i in range(200000):
    w(b"type=CWD msg=audit(1795729587.589:%d): cwd=\"/root\"\n" % (i + 1))' \
	>"$TMP/in/pending-events.log"
run pending-events

finish
