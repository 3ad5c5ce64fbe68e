#!/bin/sh
# tests/exit-codes.sh - exit codes tell the truth. Every command-line mode
# whose output could not be written fails (exit 1) and names the output on
# stderr ("stdout: write: REASON"); a replay's summary still appears; a run
# whose stderr fails (the summary, the migration report) fails too, with
# nothing left to say it on. Each mode runs with its output to a file (the
# positive control: exit 0, everything written), to /dev/full (ENOSPC),
# closed (EBADF) and into a pipe whose reader has gone (EPIPE: the program
# ignores SIGPIPE, the pipe is made here with its read end closed, so that
# no race decides the result). A mode with nothing to write to stdout is not
# failed by it. A closed stdout stays closed: alert lines never land in what
# the program opens later (the Redis connection of a private redis-server,
# started here on a unix socket, stopped by the cleanup trap). Lost output
# outranks an unusable input (exit 3): 1.
# Under CI=true a missing redis-server fails the Redis cases.
. "$(dirname "$0")/lib.sh"
[ -x "$KME_BIN" ] || { echo "Bail out! $KME_BIN not built"; exit 99; }

RPID=""
cleanup() {
	[ -n "$RPID" ] && kill -KILL "$RPID" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

LOG=$DATA/kmod-raw.log
ME=audisp-kmod-enum
mkdir -m 0700 "$TMP/st" "$TMP/learn"
"$KME_BIN" --learn --state "$TMP/st/state.json" "$LOG" 2>/dev/null
check "setup: --learn made a state file for --dump-state" test -s "$TMP/st/state.json"

# run STDOUT STDERR CMD...: CMD with each stream to a file ("file":
# $TMP/out, $TMP/err), /dev/full ("full"), closed ("closed"), or (stdout
# only) a pipe whose reader has gone ("gone"). Its status in $rc.
run() {
	o=$1 e=$2; shift 2
	case $o in
	file) set -- sh -c 'exec "$@" >"$0"' "$TMP/out" "$@" ;;
	full) set -- sh -c 'exec "$@" >/dev/full' sh "$@" ;;
	closed) set -- sh -c 'exec "$@" >&-' sh "$@" ;;
	gone) set -- "$PYTHON" -c '
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
sys.exit(subprocess.call(sys.argv[1:], stdout=w) & 0xff)' "$@" ;;
	esac
	case $e in
	file) "$@" 2>"$TMP/err" </dev/null 3<&- ;;
	full) "$@" 2>/dev/full </dev/null 3<&- ;;
	closed) "$@" 2>&- </dev/null 3<&- ;;
	esac
	rc=$?
}

reason() {
	case $1 in
	full) echo "No space left on device" ;;
	closed) echo "Bad file descriptor" ;;
	gone) echo "Broken pipe" ;;
	esac
}

counter() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" "$TMP/err"; }
said() { grep -qx "$ME: $1" "$TMP/err"; }
# failed_saying MESSAGE: the last run exited 1 and said MESSAGE.
failed_saying() { same "$rc" 1 && said "$1"; }
no_stdout_error() { ! grep -q "^$ME: stdout:" "$TMP/err"; }

# ---- the modes that write stdout ------------------------------------------------
# (the table below the loop: NAME|ARGS|the positive control's check, a
# function|whether the mode says a summary on stderr)
summary_ok() {  # the summary counts every line written, none lost
	same "$(counter output_errors)" 0 &&
	same "$(counter output_sent)" "$(wc -l <"$TMP/out")"
}
replay_ok() { summary_ok && same "$(counter alerts)" "$(wc -l <"$TMP/out")"; }
dump_ok() { grep -q "^# $TMP/st/state.json: [1-9][0-9]* term(s)" "$TMP/out"; }
check_ok() { grep -q ": OK (" "$TMP/out"; }
version_ok() { grep -qx "$ME [0-9][0-9.a-z-]*" "$TMP/out"; }
help_ok() { grep -q "^Exit status:" "$TMP/out"; }

while IFS='|' read -r name args ok summary <&3; do
	# shellcheck disable=SC2086 # ARGS are words
	run file file "$KME_BIN" $args
	check "$name, stdout to a file: exit 0" same "$rc" 0
	check "$name, stdout to a file: everything written" "$ok"
	check "$name, stdout to a file: no output error said" no_stdout_error
	lines=$(wc -l <"$TMP/out")
	for how in full closed gone; do
		# shellcheck disable=SC2086
		run $how file "$KME_BIN" $args
		check "$name, stdout $how: exit 1" same "$rc" 1
		check "$name, stdout $how: says 'stdout: write: $(reason $how)'" \
			said "stdout: write: $(reason $how)"
		[ "$summary" = summary ] || continue
		check "$name, stdout $how: the summary is still said" grep -q "^$ME: summary: " "$TMP/err"
		check "$name, stdout $how: the summary counts the lost lines" \
			test "$(counter output_errors)" -gt 0
	done
	if [ "$summary" = summary ]; then
		for how in full closed; do
			# shellcheck disable=SC2086
			run file $how "$KME_BIN" $args
			check "$name, stderr $how (the summary lost): exit 1" same "$rc" 1
			check "$name, stderr $how: stdout still complete" \
				same "$(wc -l <"$TMP/out")" "$lines"
		done
	else
		for how in full closed; do
			# shellcheck disable=SC2086
			run file $how "$KME_BIN" $args
			check "$name, stderr $how (nothing said there): exit 0" same "$rc" 0
		done
	fi
done 3<<EOF
replay|--replay $LOG|replay_ok|summary
all|--replay --all $LOG|replay_ok|summary
explain|--replay --explain $LOG|summary_ok|summary
dump-state|--dump-state --state $TMP/st/state.json|dump_ok|-
check-config|--check-config|check_ok|-
version|--version|version_ok|-
help|--help|help_ok|-
EOF

# ---- --learn: its output is the state file and the summary on stderr ------
for how in file full closed gone; do
	rm -rf "$TMP/learn"; mkdir -m 0700 "$TMP/learn"
	run $how file "$KME_BIN" --learn --state "$TMP/learn/state.json" "$LOG"
	check "learn, stdout $how (nothing written there): exit 0" same "$rc" 0
	check "learn, stdout $how: the state file written" test -s "$TMP/learn/state.json"
	check "learn, stdout $how: the summary said" grep -q "^$ME: summary: " "$TMP/err"
done
for how in full closed; do
	rm -rf "$TMP/learn"; mkdir -m 0700 "$TMP/learn"
	run file $how "$KME_BIN" --learn --state "$TMP/learn/state.json" "$LOG"
	check "learn, stderr $how (the summary lost): exit 1" same "$rc" 1
	check "learn, stderr $how: the state file still written" test -s "$TMP/learn/state.json"
done

# ---- lost output over an unusable input: 1, not 3 ----------------------------------
# 3 says that the unusable inputs were the only trouble (replay.h); output
# that could not be written is a runtime error over it, said as well.
printf 'These are the logs.\n' >"$TMP/notes.txt"
run file file "$KME_BIN" --replay "$LOG" "$TMP/notes.txt"
check "replay with an unusable input, stdout to a file: exit 3, the input said" sh -c "
	[ $rc -eq 3 ] && grep -q 'notes.txt: no audit record in 1 line(s)' '$TMP/err'"
for how in full closed gone; do
	run $how file "$KME_BIN" --replay "$LOG" "$TMP/notes.txt"
	check "replay with an unusable input, stdout $how: exit 1, both said" sh -c "
		[ $rc -eq 1 ] && grep -qx '$ME: stdout: write: $(reason $how)' '$TMP/err' &&
		grep -q 'notes.txt: no audit record in 1 line(s)' '$TMP/err'"
done
for how in full closed; do
	run file $how "$KME_BIN" --replay "$LOG" "$TMP/notes.txt"
	check "replay with an unusable input, stderr $how: exit 1" same "$rc" 1
done

# ---- a closed stdout stays closed -------------------------------------------------
mkdir -m 0700 "$TMP/rs"
run closed file "$KME_BIN" --replay --state "$TMP/rs/state.json" "$LOG"
check "replay --state, stdout closed: exit 1, says so" \
	failed_saying "stdout: write: Bad file descriptor"
check "replay --state, stdout closed: no alert line in the state directory" \
	sh -c '! grep -rq "@timestamp" "$0"' "$TMP/rs"

# ---- Redis: the migration report, and a connection stdout never takes ------------
redis_cases() {
	rm -f "$TMP/r.sock"
	redis-server --port 0 --unixsocket "$TMP/r.sock" --unixsocketperm 700 \
		--dir "$TMP" --save '' --appendonly no --daemonize no \
		--logfile "$TMP/redis.log" 3>&- 4>&- 5>&- &
	RPID=$!
	wait_for 10 sh -c "redis-cli -s '$TMP/r.sock' ping 2>&1 | grep -q PONG" || {
		not_ok "redis-server did not start: $(tail -n 3 "$TMP/redis.log")"
		return
	}
	URL=unix://$TMP/r.sock

	run closed file "$KME_BIN" --replay --store "$URL" "$LOG"
	check "replay --store, stdout closed: exit 1, says so" \
		failed_saying "stdout: write: Bad file descriptor"
	check "replay --store, stdout closed: no alert went into the Redis connection (no store error)" \
		same "$(counter store_errors)/$(counter store_fallbacks)" 0/0
	check "replay --store, stdout closed: the store was used (terms in Redis)" \
		test "$(redis-cli -s "$TMP/r.sock" --scan --pattern 'kme:*:t:*' | wc -l)" -gt 0

	run file file "$KME_BIN" --migrate-state "$TMP/st/state.json" --store "$URL"
	check "migrate-state: exit 0" same "$rc" 0
	check "migrate-state: the report said" grep -q "^$ME: migrated [1-9][0-9]* term(s) from " "$TMP/err"
	for how in full closed gone; do
		run $how file "$KME_BIN" --migrate-state "$TMP/st/state.json" --store "$URL"
		check "migrate-state, stdout $how (nothing written there): exit 0" same "$rc" 0
	done
	for how in full closed; do
		run file $how "$KME_BIN" --migrate-state "$TMP/st/state.json" --store "$URL"
		check "migrate-state, stderr $how (the report lost): exit 1" same "$rc" 1
	done
}
if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
	skip_case "Redis cases: redis-server/redis-cli not installed (tests/deps.sh)"
elif "$KME_BIN" --replay --store unix:///nonexistent/x.sock </dev/null 2>&1 |
	grep -q "no Redis support"; then
	skip_case "Redis cases: built without hiredis"
else
	redis_cases
fi

finish
