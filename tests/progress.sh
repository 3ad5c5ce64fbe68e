#!/bin/sh
# tests/progress.sh - the progress line of a long replay (issue 20, item 5):
# on a terminal (a pseudo-terminal made by script(1)) it is drawn on stderr,
# redrawn in place and erased at the end, and alerts still go to stdout; on a
# pipe it is not drawn unless asked (--progress: one line a second), and
# --no-progress keeps it off a terminal. Outside replay and --learn the
# options are refused.
#
# A replay reads a FIFO that this test feeds; the feed goes on, a few records
# at a time, until the positive fact (a progress line) is seen, within a
# deadline. The checks that no line is drawn come after runs fed as long as
# the runs where one was.
. "$(dirname "$0")/lib.sh"

[ -x "$KME_BIN" ] || { echo "Bail out! $KME_BIN not built"; exit 99; }
command -v script >/dev/null || cant_run "script(1) missing (util-linux)"

LOG=$DATA/kmod-raw.log
FIFO=$TMP/fifo
ESC=$(printf '\033')
CR=$(printf '\r')

# start_replay OUT ERR CMD...: a replay of the FIFO in the background, fed
# by fd 7; OUT/ERR its stdout and stderr (for script: the typescript).
start_replay() {
	rm -f "$FIFO"
	mkfifo "$FIFO" || exit 99
	"$@" &
	rpid=$!
	exec 7>"$FIFO"
	cat "$LOG" >&7
}

# feed_until FILE PATTERN: feed 20 records every 0.1 s until FILE holds
# PATTERN (0), or 30 s have passed (1). feed_for N: feed N rounds at the
# same pace.
feed_round() {
	sed -n "$((1 + (fed % 40) * 20)),$((20 + (fed % 40) * 20))p" "$LOG" >&7
	fed=$((fed + 1))
}
seen_or_feed() {
	grep -q "$2" "$1" 2>/dev/null && return 0
	feed_round
	return 1
}
feed_until() { wait_for 30 seen_or_feed "$@"; }
feed_for() {
	n=0
	while [ "$n" -lt "$1" ]; do feed_round; sleep 0.1; n=$((n + 1)); done
}
stop_replay() {
	exec 7>&-
	wait "$rpid"
}

# --- on a terminal --------------------------------------------------------------
fed=0
start_replay script -q -e -f -c "'$KME_BIN' --replay --host tty-host '$FIFO' >'$TMP/tty.alerts'" \
	"$TMP/tty.ts" </dev/null >/dev/null 2>&1
feed_until "$TMP/tty.ts" "${ESC}\[Kreplay .* records .*/s .* MB/s .* alert"
seen=$?
rounds_tty=$fed
stop_replay
check "on a terminal: the progress line appears (after $rounds_tty rounds of records)" test "$seen" -eq 0
check "on a terminal: drawn in place: carriage return, erase, text, carriage return" \
	grep -q "${CR}${ESC}\[Kreplay [0-9.]* MiB  [0-9.kM]* records [0-9.kM]*/s [0-9.]* MB/s  [0-9]* alerts\{0,1\}${CR}" "$TMP/tty.ts"
check "on a terminal: every drawing on one line (no newline between them)" \
	test "$(grep -c "${ESC}\[Kreplay" "$TMP/tty.ts")" -eq 1
# Erased at the end: after the last drawing comes an erase, then the summary.
check "on a terminal: erased before the summary" $PYTHON -c '
import sys
t = open(sys.argv[1], "rb").read()
last = t.rindex(b"\r\033[Kreplay ")
rest = t[last + 3:]
erase = rest.index(b"\r\033[K")
assert rest[erase + 4:].startswith(b"audisp-kmod-enum: summary: records="), rest[erase:erase + 60]
' "$TMP/tty.ts"
check "on a terminal: the alerts went to stdout, whole" \
	$PYTHON -c "import json,sys; [json.loads(l) for l in open(sys.argv[1])]; assert sum(1 for _ in open(sys.argv[1])) >= 31" \
	"$TMP/tty.alerts"

# --- on a pipe: only when asked ----------------------------------------------------
fed=0
start_replay sh -c "'$KME_BIN' --replay --progress '$FIFO' >/dev/null 2>'$TMP/forced.err'"
feed_until "$TMP/forced.err" "^replay .* records .*alert"
seen=$?
rounds_pipe=$fed
stop_replay
check "--progress on a pipe: a progress line (after $rounds_pipe rounds)" test "$seen" -eq 0
check "--progress on a pipe: whole lines, no carriage return or escape" \
	sh -c "! grep -q '$CR\\|$ESC' '$TMP/forced.err'"
# The same feed, longer than the run that drew a line, without --progress.
fed=0
start_replay sh -c "'$KME_BIN' --replay '$FIFO' >/dev/null 2>'$TMP/pipe.err'"
feed_for "$((rounds_pipe + 5))"
stop_replay
check "on a pipe by default: the whole feed was read ($((rounds_pipe + 5)) rounds)" \
	grep -q "summary: records=$(( $(wc -l <"$LOG") + fed * 20 ))" "$TMP/pipe.err"
check "on a pipe by default: no progress line" sh -c "! grep -q '^replay ' '$TMP/pipe.err'"
fed=0
start_replay script -q -e -f -c "'$KME_BIN' --replay --no-progress '$FIFO' >/dev/null" \
	"$TMP/off.ts" </dev/null >/dev/null 2>&1
feed_for "$((rounds_tty + 5))"
stop_replay
check "--no-progress on a terminal: the whole feed read, no progress line" sh -c "
	grep -q 'summary: records=$(( $(wc -l <"$LOG") + fed * 20 ))' '$TMP/off.ts' &&
	! grep -q 'replay [0-9]' '$TMP/off.ts'"

# --- refused outside replay and --learn -----------------------------------------------
"$KME_BIN" --progress --check-config >/dev/null 2>"$TMP/refuse.err"
st=$?
check "--progress outside replay: exit 2 (status $st), said" sh -c "[ $st -eq 2 ] &&
	grep -q -- '--tz, --progress and --no-progress need --replay or --learn' '$TMP/refuse.err'"
finish
