#!/bin/sh
# tests/window.sh - new terms over time, the state file and the rate limit,
# on logs derived from one real lsmod event of tests/data/kmod-raw.log (its
# records moved in time or given another executable by tests/derive.py).
. "$(dirname "$0")/lib.sh"

W=1209600   # 14 days
LOG=$DATA/kmod-raw.log
derive() { $PYTHON "$KME_SRCDIR/tests/derive.py" "$LOG" "$@"; }
alerts() { replay "$@" 2>"$TMP/stderr" | wc -l; }
T=1700000000

# --- the window's edges: [t - 14d, t) ----------------------------------
derive "$TMP/edges.log" --at $T --at $((T + W - 1)) --at $((T + 2 * W - 1)) \
	--at $((T + 3 * W))
replay --explain "$TMP/edges.log" >"$TMP/edges.explain" 2>/dev/null
v() { sed -n "${1}p" "$TMP/edges.explain" | sed 's/.*=> \([a-z -]*\):.*/\1/'; }
check "first sighting alerts" test "$(v 1)" = alert
check "one second inside 14 days is suppressed" test "$(v 2)" = suppressed
check "exactly 14 days after the last sighting is still inside [t-14d, t)" test "$(v 3)" = suppressed
check "one second outside 14 days alerts again" test "$(v 4)" = alert
check "a suppressed repeat says since when" \
	grep -q "suppressed: term last seen 2023-11-14T22:13:20.000Z" "$TMP/edges.explain"
check "plain replay gives the two alerts" test "$(alerts "$TMP/edges.log")" -eq 2
check "alert carries the previous last-seen time" sh -c \
	"'$KME_BIN' --replay '$TMP/edges.log' 2>/dev/null | tail -n 1 | grep -q '\"previous_last_seen\":\"2023-12-12T22:13:19.000Z\"'"

# --- state round trip ----------------------------------------------------
derive "$TMP/a.log" --at $T
derive "$TMP/b.log" --at $((T + W - 1))
derive "$TMP/c.log" --at $((T + 2 * W))
S=$TMP/state/state.json
check "replay with --state alerts on a new term" test "$(alerts --state "$S" "$TMP/a.log")" -eq 1
check "the state directory is created 0700" test "$(stat -c %a "$TMP/state")" = 700
check "the state file is written 0600" test "$(stat -c %a "$S")" = 600
check "the state file names the rule and its term fields" \
	grep -q '"rule_version":"211"' "$S"
check "the saved term is suppressed in a later replay" test "$(alerts --state "$S" "$TMP/b.log")" -eq 0
check "and alerts again once the window has passed" test "$(alerts --state "$S" "$TMP/c.log")" -eq 1
# The plugin's own state file (the config's state_file) must not change.
live=$("$KME_BIN" --dump-state 2>/dev/null | sed -n 's/^# \(.*\): [0-9]* term(s).*/\1/p')
before=$(stat -c '%Y %s' "$live" 2>/dev/null || echo absent)
"$KME_BIN" --replay "$TMP/a.log" >/dev/null 2>&1
check "replay without --state never touches the plugin's state file ($live)" \
	test "$(stat -c '%Y %s' "$live" 2>/dev/null || echo absent)" = "$before"

# --- day one: --learn fills the history without alerting ---------------------
L=$TMP/learn/state.json
n=$("$KME_BIN" --learn --state "$L" "$TMP/a.log" 2>/dev/null | wc -l)
check "--learn prints no alert" test "$n" -eq 0
check "--dump-state lists the learned term with its counts" sh -c \
	"'$KME_BIN' --dump-state --state '$L' | grep -q '^2023-11-14T22:13:20.000Z	2023-11-14T22:13:20.000Z	1	/usr/sbin/lsmod	'"
check "a learned term is suppressed afterwards" test "$(alerts --state "$L" "$TMP/b.log")" -eq 0
exec 8>"$L.lock"
flock 8
"$KME_BIN" --learn --state "$L" "$TMP/a.log" >/dev/null 2>"$TMP/stderr"
check "--learn refuses a state file in use by a running plugin" grep -q "in use by another audisp-kmod-enum" "$TMP/stderr"
exec 8>&-

# --- a corrupt state file ---------------------------------------------------
printf '{"format":"audisp-kmod-enum-state", garbage' >"$S"
check "a corrupt state file starts empty (the term alerts)" \
	test "$(alerts --state "$S" "$TMP/b.log")" -eq 1
check "and says so" grep -q "bad" "$TMP/stderr"
check "and keeps the bad file aside" sh -c "cat '$S'.bad-* | grep -q garbage"

# --- an unwritable state directory ---------------------------------------------
if [ "$(id -u)" -eq 0 ] && mkdir -p "$TMP/ro" && mount -t tmpfs -o ro,size=1m,mode=0700 tmpfs "$TMP/ro" 2>/dev/null; then
	n=$(replay --state "$TMP/ro/state.json" "$TMP/a.log" 2>"$TMP/stderr" | wc -l)
	umount "$TMP/ro"
	check "an unwritable state directory still alerts" test "$n" -eq 1
	check "and names the path in the error" grep -q "$TMP/ro" "$TMP/stderr"
else
	d=$TMP/ro2; mkdir -p "$d"; chmod 0500 "$d"
	if [ "$(id -u)" -ne 0 ]; then
		n=$(replay --state "$d/state.json" "$TMP/a.log" 2>"$TMP/stderr" | wc -l)
		check "an unwritable state directory still alerts" test "$n" -eq 1
		check "and names the path in the error" grep -q "$d" "$TMP/stderr"
	else
		not_ok "cannot make an unwritable directory (tmpfs mount failed as root)"
	fi
fi

# --- rate limit: 100 alerts per 5 minutes, overflow reported ------------------
derive "$TMP/flood.log" --terms "103@$((T + 100))"   # 103 new terms in one 5-minute interval
check "101st to 103rd new term in one 5-minute interval are held back" \
	test "$(alerts "$TMP/flood.log")" -eq 100
check "the overflow is reported" grep -q "rate limit: 3 alert(s) not sent" "$TMP/stderr"
check "and counted in the summary" grep -q " rate_limited=3 " "$TMP/stderr"
set --
i=0
while [ $i -lt 103 ]; do set -- "$@" --at "$((T + i * 3))@/opt/t$i/lsmod"; i=$((i + 1)); done
derive "$TMP/spread.log" "$@"
check "the limit restarts with the next interval" test "$(alerts "$TMP/spread.log")" -eq 103
check "--all ignores the limit" test "$(alerts --all "$TMP/flood.log")" -eq 103
finish
