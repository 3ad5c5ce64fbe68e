#!/bin/sh
# tests/hostile.sh - replays of hostile audit logs: broken, absurd, reordered
# and log-injecting records. tests/hostile/gen.py writes the logs (record
# shapes copied from the real tests/data/kmod-raw.log, values changed, strings
# encoded as the kernel encodes them); tests/hostile/check.py holds the JSON
# assertions.
#
# Every case asserts:
#   - the replay exits 0 and prints its summary (no crash, no abort); an
#     input with no audit record at all exits 3 instead (replay.h) and says
#     where its first offending line is;
#   - peak RSS stays under KME_HOSTILE_MAX_RSS_KB (default 64 MiB; 512 MiB
#     for a sanitizer build, whose shadow memory counts too);
#   - every stdout line is one JSON object with no raw control byte;
# and, where the input calls for it, that parse errors are counted and that
# the alert that is due is there, with the hostile bytes escaped.
#
# Python starts twice in all (gen.py, then check.py once for every queued
# JSON check): a start per case used to cost most of this test's time.
. "$(dirname "$0")/lib.sh"

[ -x "$KME_BIN" ] || { echo "Bail out! $KME_BIN not built"; exit 99; }
[ -x /usr/bin/time ] || cant_run "/usr/bin/time missing (tests/deps.sh)"
HOSTILE=$KME_SRCDIR/tests/hostile
if grep -q __asan_init "$KME_BIN" 2>/dev/null; then
	: "${KME_HOSTILE_MAX_RSS_KB:=524288}"
else
	: "${KME_HOSTILE_MAX_RSS_KB:=65536}"
fi

$PYTHON "$HOSTILE/gen.py" "$TMP/in" || { echo "Bail out! gen.py failed"; exit 99; }

# jcheck DESCRIPTION CHECK ARG...: queue a check.py check (see there); all
# run at the end, in one Python process.
SPEC=$TMP/checks.spec
: >"$SPEC"
nj=0
jcheck() { printf '%s\0' "$#" "$@" >>"$SPEC"; nj=$((nj + 1)); }

# replay_to OUT ERR RSS ARG...: the plugin's replay, peak RSS in KiB to RSS.
replay_to() {
	o=$1 e=$2 r=$3; shift 3
	/usr/bin/time -f %M -o "$r" "$KME_BIN" --replay --host hostile-host "$@" >"$o" 2>"$e"
}

# run NAME [REPLAY-OPTION...]: replay $TMP/in/NAME.log into $TMP/NAME.out
# and .err, then the checks every case shares. want: the exit status due
# (0; run_unusable sets 3).
want=0
run() {
	name=$1; shift
	replay_to "$TMP/$name.out" "$TMP/$name.err" "$TMP/$name.rss" "$@" "$TMP/in/$name.log"
	st=$?
	check "$name: exits $want (status $st)" test "$st" -eq "$want"
	check "$name: summary printed" grep -q "summary: records=" "$TMP/$name.err"
	# GNU time adds a "Command exited..." line before the figure on failure.
	rss=$(tail -n 1 "$TMP/$name.rss")
	check "$name: peak RSS ${rss} KiB <= $KME_HOSTILE_MAX_RSS_KB KiB" \
		test "$rss" -le "$KME_HOSTILE_MAX_RSS_KB"
	jcheck "$name: every alert is one JSON line without raw control bytes" \
		lines "$TMP/$name.out" --json
}

# run_unusable NAME: an input with no audit record in it: exit 3, and
# stderr names the input and its first offending line.
run_unusable() {
	want=3
	run "$@"
	want=0
	check "$1: stderr says no audit record, and where" \
		grep -q "$1.log: no audit record in [0-9]* line(s); line [0-9]*, the first, is" "$TMP/$1.err"
}

nlines() { wc -l <"$1" | tr -d ' '; }
alerts() {
	n=$(nlines "$TMP/$1.out")
	check "$1: $2 alert(s) (got $n)" test "$n" -eq "$2"
}
# parse_errors NAME OP N: the summary's parse_errors counter, OP one of
# eq, ge, gt (test's -eq, -ge, -gt).
parse_errors() {
	v=$(sed -n 's/.*summary: .* parse_errors=\([0-9]*\).*/\1/p' "$TMP/$1.err" | tail -n 1)
	check "$1: parse errors counted (${v:-no summary} $2 $3)" test "${v:-x}" "-$2" "$3"
}
# lsmod_alert NAME [KEY=JSON...]: the lsmod exec of the case alerted.
lsmod_alert() {
	n=$1; shift
	jcheck "$n: the lsmod alert is there" alert "$TMP/$n.out" \
		process.name='"lsmod"' "$@"
}

# --- truncation, random bytes, NUL -------------------------------------
run truncated-records
parse_errors truncated-records gt 0
run truncated-file
run truncated-family
alerts truncated-family 1
lsmod_alert truncated-family process.executable='"/usr/sbin/lsmod"'
run_unusable random-bytes
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
run_unusable no-newline-1mib
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
# The host name (host.*, agent.name, event.reason, and so the entity ids
# derived from it: their start tokens, audisp_kmod_enum.entity, stay) and
# event.created (the wall clock; golden.sh fixes it) are the replaying
# run's own.
CREATED='s/"created":"[^"]*"/"created":"2000-01-01T00:00:00.000Z"/'
ENTITY='s/"entity_id":"[0-9a-f]*"/"entity_id":"-"/g'
sed -e "$CREATED" -e "$ENTITY" "$TMP/interleaved-events.out" | sort >"$TMP/inter.sorted"
sed -e 's/golden-host/hostile-host/g' -e "$CREATED" -e "$ENTITY" "$GOLDEN/kmod-raw.alerts.jsonl" |
	sort >"$TMP/golden.sorted"
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
replay_to "$TMP/tb.explain" "$TMP/tb.err" "$TMP/tb.rss" --explain "$TMP/in/time-backwards.log"
check "time-backwards: the term seen later in the stream is suppressed" \
	grep -q ":2073 .*=> suppressed:" "$TMP/tb.explain"
run time-extremes

# --- hostile strings ----------------------------------------------------
run non-utf8-args
alerts non-utf8-args 1
# Each invalid UTF-8 byte becomes U+FFFD, and the alert names the values and
# keeps their raw bytes (issue 21: the text \xNN could have been typed);
# valid UTF-8 stays itself.
lsmod_alert non-utf8-args \
	process.args='["lsmod","\ufffd\ufffd","\ufffd\ufffd","\ufffd\ufffd\ufffd","caf\u00e9","\ufffd\ufffd\ufffd\ufffd","ok\ufffd"]' \
	audisp_kmod_enum.invalid_utf8.fields='["process.args","process.command_line","process.title"]' \
	audisp_kmod_enum.invalid_utf8.values='[{"field":"process.args","index":1,"hex":"fffe"},{"field":"process.args","index":2,"hex":"c0af"},{"field":"process.args","index":3,"hex":"eda080"},{"field":"process.args","index":5,"hex":"f4908080"},{"field":"process.args","index":6,"hex":"6f6b80"},{"field":"process.title","hex":"6c736d6f6420fffe20c0af20eda08020636166c3a920f4908080206f6b80"}]'

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
		replay_to "$TMP/$c.$mode" "$TMP/$c.$mode.err" "$TMP/$c.$mode.rss" "$@" "$TMP/in/$c.log"
		st=$?
		check "$c --$mode: exits 0 (status $st)" test "$st" -eq 0
		jcheck "$c --$mode: one line, no raw control bytes" \
			lines "$TMP/$c.$mode" --count 1
	done
done

# Escaping multiplies a string up to 6 times, and the executable is printed
# in process, our new_terms and (cut) event.reason: the alert of a
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
# 100000 lines without a type= field (libauparse 3.0.9 leaks an event for
# each: fuzz/regressions/fuzz_records/leak-auparse-*), and 200000 events
# that never complete (no EOE, no terminal record, one time).
run_unusable typeless-lines
run pending-events

# --- the queued JSON checks, in one Python process --------------------------
$PYTHON "$HOSTILE/check.py" batch "$SPEC" >"$TMP/batch.out" 2>&1
cat "$TMP/batch.out"
pass=$((pass + $(grep -c '^ok - ' "$TMP/batch.out")))
fail=$((fail + $(grep -c '^not ok - ' "$TMP/batch.out")))
nb=$(grep -c '^\(not \)\{0,1\}ok - ' "$TMP/batch.out")
check "check.py reported on each of the $nj queued checks ($nb)" test "$nb" -eq "$nj"
finish
