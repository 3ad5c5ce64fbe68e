#!/bin/sh
# tests/window-ms.sh - the 14-day window to the millisecond (issue 9), on a
# real lsmod exec event: the first lsmod of tests/data/kmod-raw.log (captured
# under a real auditd), replayed with the records before it (its parent bash
# included), unedited. Its term's last sighting is put in a state file:
#   - 14 days + 83 ms before the event: outside [t - 14d, t), it alerts;
#   - 14 days - 1 ms before: inside, it is suppressed;
#   - in a state file of format_version 1 (whole seconds, as written before
#     times were milliseconds): it loads; 14 days to the second before the
#     event's second is 14 days + the event's milliseconds before the
#     event: outside, it alerts; 1 s later it is inside.
. "$(dirname "$0")/lib.sh"

LOG=$DATA/kmod-raw.log
# The event: the first SYSCALL record of comm "lsmod", its serial and time.
stamp=$(grep -m 1 'type=SYSCALL.*comm="lsmod"' "$LOG" | sed -n 's/.*msg=audit(\([0-9]*\.[0-9]*:[0-9]*\)).*/\1/p')
serial=${stamp#*:}
sec=${stamp%%.*}
msec=${stamp#*.}; msec=${msec%%:*}
ms=$(echo "$msec" | sed 's/^0*//'); ms=${ms:-0}   # no octal
E=$((sec * 1000 + ms))
check "the capture has an lsmod exec with a millisecond stamp ($stamp)" test -n "$serial" -a "$msec" != 000
# Every record up to and including the event.
awk -v s="$serial" 'match($0, /msg=audit\([0-9.]+:[0-9]+\)/) {
	split(substr($0, RSTART + 10, RLENGTH - 11), a, ":"); if (a[2] + 0 > s + 0) exit } { print }' \
	"$LOG" >"$TMP/prefix.log"
check "the prefix ends with the event" sh -c "tail -n 1 '$TMP/prefix.log' | grep -q ':$serial)'"

# The term as the plugin learns it from the real event (last = E).
mkdir -m 0700 "$TMP/learn"
"$KME_BIN" --learn --state "$TMP/learn/state.json" "$TMP/prefix.log" 2>/dev/null
check "--learn records the event's term at its millisecond" \
	grep -q "\"last\":$E," "$TMP/learn/state.json"

# state DIR VERSION LAST: the learned file with the term last (and first)
# seen at LAST, written as format_version VERSION (1: seconds).
state() {
	mkdir -p -m 0700 "$1"
	$PYTHON - "$TMP/learn/state.json" "$1/state.json" "$2" "$3" <<'EOP'
import json, sys
src, dst, version, last = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
d = json.load(open(src))
assert len(d["terms"]) == 1, d["terms"]
d["format_version"] = version
if version == 1:
    d["window"] //= 1000
    d["saved_at"] //= 1000
d["terms"][0]["first"] = d["terms"][0]["last"] = last
json.dump(d, open(dst, "w"))
EOP
}
# verdict DIR: the --explain line of the event against DIR's state.
verdict() {
	"$KME_BIN" --replay --explain --state "$1/state.json" "$TMP/prefix.log" 2>"$1/err" |
		grep ":$serial pid=" | sed 's/.*=> //'
}
W=1209600000

state "$TMP/out" 2 $((E - W - 83))
v=$(verdict "$TMP/out")
check "last seen 14 days + 83 ms before: alert" sh -c "echo '$v' | grep -q '^alert: '"
check "and --explain says how long before, in ms" sh -c \
	"echo '$v' | grep -q 'ms before, outside the 1209600000 ms window' && echo '$v' | grep -q '1209600083 ms before'"
check "the state file loaded (no warning)" test -z "$(grep -v 'summary:' "$TMP/out/err")"

state "$TMP/in" 2 $((E - W + 1))
v=$(verdict "$TMP/in")
check "last seen 14 days - 1 ms before: suppressed" sh -c "echo '$v' | grep -q '^suppressed: '"
check "and --explain says 1209599999 ms before, within the window" sh -c \
	"echo '$v' | grep -q '1209599999 ms before, within the 1209600000 ms window'"
check "the state file loaded (no warning)" test -z "$(grep -v 'summary:' "$TMP/in/err")"

# format_version 1: seconds. The event is at sec.msec.
state "$TMP/v1out" 1 $((sec - W / 1000))
v=$(verdict "$TMP/v1out")
check "a second-resolution state file loads (no warning)" test -z "$(grep -v 'summary:' "$TMP/v1out/err")"
check "last seen 14 days to the second before the event's second (14 d + $ms ms): alert" \
	sh -c "echo '$v' | grep -q '^alert: new term (last seen .*, $((W + ms)) ms before'"
state "$TMP/v1in" 1 $((sec - W / 1000 + 1))
v=$(verdict "$TMP/v1in")
check "one second later in the old format: suppressed" sh -c "echo '$v' | grep -q '^suppressed: '"
# That replay saved the state again: format_version 3 (the current one), the event's ms.
check "the old-format file is saved again as format_version 3" \
	grep -q '"format_version":3,' "$TMP/v1in/state.json"
check "--dump-state prints the last sighting to the millisecond (.$msec)" sh -c \
	"'$KME_BIN' --dump-state --state '$TMP/v1in/state.json' | grep -q '^[0-9-]*T[0-9:]*\\.${msec}Z	'"
finish
