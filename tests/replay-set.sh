#!/bin/sh
# tests/replay-set.sh - rotated sets (issue 20, item 2): a host's logs cut the
# way auditd rotates them (an event may straddle two files), named as auditd
# and logrotate name them (audit.log newest, audit.log.N oldest, some
# compressed), given as a directory or as files in any order, replay exactly
# as the whole log: the golden alerts and explanations. Copies and
# overlapping excerpts in the set are found and never counted twice; logs of
# another source overlapping in time are warned about. Also the README's
# analyst session: an aggregator's rotated directory holding two hosts.
. "$(dirname "$0")/lib.sh"

[ -x "$KME_BIN" ] || { echo "Bail out! $KME_BIN not built"; exit 99; }
need_tools gzip xz zstd bzip2

# piece FIRST LAST: lines FIRST..LAST of the log (LAST $: to the end).
LOG=$DATA/kmod-fork-raw.log
piece() { sed -n "$1,$2p" "$LOG"; }

# --- a host's rotation ------------------------------------------------------------
# Five files; every cut falls inside an event (checked below). The oldest is
# audit.log.4, the newest audit.log; logrotate compressed three.
R=$TMP/rot
mkdir "$R"
piece 1 220 | zstd -q >"$R/audit.log.4.zst"
piece 221 450 | xz >"$R/audit.log.3.xz"
piece 451 700 | gzip >"$R/audit.log.2.gz"
piece 701 900 >"$R/audit.log.1"
piece 901 '$' >"$R/audit.log"
serial() { sed -n "$1p" "$LOG" | grep -o 'msg=audit([0-9.]*:[0-9]*)'; }
check "the cuts fall inside events (each cut's two lines share a serial)" sh -c "
	[ '$(serial 220)' = '$(serial 221)' ] && [ '$(serial 450)' = '$(serial 451)' ] &&
	[ '$(serial 700)' = '$(serial 701)' ] && [ '$(serial 900)' = '$(serial 901)' ]" ||
	echo "# cut serials: $(serial 220) $(serial 221) / $(serial 450) $(serial 451) / $(serial 700) $(serial 701) / $(serial 900) $(serial 901)"

golden_replay "$R" >"$TMP/got"
check "the directory: exit 0 and the golden alerts" \
	sh -c "[ $rc -eq 0 ] && cmp -s '$GOLDEN/kmod-fork-raw.alerts.jsonl' '$TMP/got'"
check "the directory: stderr says the order is by first event, not by name" \
	grep -q "replaying 5 inputs in time order (by each input's first event, not by name):" "$TMP/err"
grep '^audisp-kmod-enum:   [0-9]\.' "$TMP/err" | sed 's/.*\. \([^ ]*\) (.*/\1/' >"$TMP/order"
check "the directory: oldest first, whatever the names" same "$(cat "$TMP/order")" \
"$R/audit.log.4.zst
$R/audit.log.3.xz
$R/audit.log.2.gz
$R/audit.log.1
$R/audit.log"
check "the directory: each input's format and form said" \
	grep -q "1. $R/audit.log.4.zst (zstd, audit log), first event 20[0-9-]*T[0-9:.]*Z" "$TMP/err"
check "the directory: no duplicate in a clean rotation" sh -c "! grep -q 'already replayed\|another source' '$TMP/err'"
golden_replay --explain "$R" >"$TMP/got"
check "the directory: the golden explanations" cmp -s "$GOLDEN/kmod-fork-raw.explain.txt" "$TMP/got"

# The same files named on the command line, shuffled (and in name order).
for order in "audit.log audit.log.2.gz audit.log.4.zst audit.log.1 audit.log.3.xz" \
	     "audit.log.1 audit.log.3.xz audit.log audit.log.4.zst audit.log.2.gz" \
	     "audit.log audit.log.1 audit.log.2.gz audit.log.3.xz audit.log.4.zst"; do
	set --
	for f in $order; do set -- "$@" "$R/$f"; done
	golden_replay "$@" >"$TMP/got"
	check "files given as '$order': the golden alerts" \
		cmp -s "$GOLDEN/kmod-fork-raw.alerts.jsonl" "$TMP/got"
done
# A stdin among them is placed by its first event too.
golden_replay "$R/audit.log" - "$R/audit.log.4.zst" "$R/audit.log.3.xz" "$R/audit.log.2.gz" \
	<"$R/audit.log.1" >"$TMP/got"
check "audit.log.1 on stdin among the files: the golden alerts" \
	cmp -s "$GOLDEN/kmod-fork-raw.alerts.jsonl" "$TMP/got"

# --- the same records twice ----------------------------------------------------------
# An uncompressed copy of audit.log.2.gz, and an excerpt overlapping two files.
gzip -dc "$R/audit.log.2.gz" >"$R/audit.log.2"
piece 400 520 | bzip2 >"$R/excerpt.bz2"
golden_replay "$R" >"$TMP/got"
check "with a copy and an excerpt: the golden alerts, nothing twice" \
	sh -c "[ $rc -eq 0 ] && cmp -s '$GOLDEN/kmod-fork-raw.alerts.jsonl' '$TMP/got'"
# By first event: .3.xz, excerpt (line 400), .2 and .2.gz (line 451, the
# same time: in name order), ...
check "the excerpt is reported: its lines 400-450 already replayed" \
	grep -q "$R/excerpt.bz2: 51 record(s) already replayed from $R/audit.log.3.xz (the same records twice): not replayed again" "$TMP/err"
check "audit.log.2 is reported: its lines 451-520 already replayed" \
	grep -q "$R/audit.log.2: 70 record(s) already replayed from $R/excerpt.bz2 (the same records twice): not replayed again" "$TMP/err"
check "the copy is reported: all its 250 records already replayed" \
	grep -q "$R/audit.log.2.gz: 250 record(s) already replayed from $R/excerpt.bz2 and others (the same records twice): not replayed again" "$TMP/err"
check "the summary counts each record once" \
	grep -q "summary: records=$(wc -l <"$LOG") " "$TMP/err"
golden_replay --explain "$R" >"$TMP/got"
grep '^# duplicate' "$TMP/got" >"$TMP/dups"
grep -v '^#' "$TMP/got" >"$TMP/decisions"
check "--explain: the golden decisions, and the duplicates listed" sh -c "
	cmp -s '$GOLDEN/kmod-fork-raw.explain.txt' '$TMP/decisions' && [ \$(wc -l <'$TMP/dups') -eq 3 ]"

# --- inputs that interleave in time ------------------------------------------------------
# The events of the log split by the parity of their serial: two files that
# each span the whole log, neither a copy of the other.
awk 'match($0, /:[0-9]+\)/) { s = substr($0, RSTART + 1, RLENGTH - 2) + 0
	print > (s % 2 ? "'"$TMP"'/odd.log" : "'"$TMP"'/even.log") }' "$LOG"
"$KME_BIN" --replay "$TMP/odd.log" "$TMP/even.log" >/dev/null 2>"$TMP/err"
n=$(grep -o "log: [0-9]* record(s) dated before the latest time already replayed are in no input before it: the inputs interleave in time" "$TMP/err" | grep -o '[0-9]*' | head -n 1)
check "two inputs interleaving in time: warned, with the count (${n:-none})" \
	test "${n:-0}" -gt 64

# --- README, "Replay": an aggregator's rotated logs of two hosts ---------------------------
# The aggregator wrote both hosts' records, node= first, into one stream;
# auditd rotated it, logrotate compressed the older files, and the analyst
# received one file twice and a note. Host B's pid 30123 is dkms, host C's
# the user's tool: B's dkms must not exclude C's lsmod.
"$KME_SRCDIR/tests/merge-hosts.sh" hostb="$DATA/hosts/hostb.log" hostc="$DATA/hosts/hostc.log" \
	>"$TMP/merged.log"
E=$TMP/evidence
mkdir "$E"
sed -n '1,20p' "$TMP/merged.log" | xz >"$E/audit.log.2.xz"
sed -n '21,40p' "$TMP/merged.log" | gzip >"$E/audit.log.1.gz"
sed -n '41,$p' "$TMP/merged.log" >"$E/audit.log"
cp "$E/audit.log" "$E/audit.log.saved"
printf 'Logs from web-1 and web-2, as requested.\n' >"$E/NOTES.txt"
golden_replay "$TMP/merged.log" >"$TMP/merged.alerts"
golden_replay "$E" >"$TMP/got"
check "two hosts, rotated, compressed, a copy and a note: exit 3 (status $rc), for the note" \
	test "$rc" -eq 3
check "two hosts: the alerts of the one merged log" cmp -s "$TMP/merged.alerts" "$TMP/got"
check "two hosts: host C's lsmod alerts, host B's (under dkms, the same pid) is excluded" sh -c "
	grep -q '\"host\":{\"name\":\"hostc\".*\"pid\":30125,' '$TMP/got' &&
	! grep -q '\"host\":{\"name\":\"hostb\".*\"pid\":30125,' '$TMP/got'"
check "two hosts: the copy's records replayed once" \
	grep -q "audit.log.saved: 18 record(s) already replayed from $E/audit.log " "$TMP/err"
check "two hosts: the note is said, with its line" \
	grep -q "NOTES.txt: no audit record in 1 line(s); line 1, the first, is not an audit record: 'Logs from web-1 and web-2, as requested.'" "$TMP/err"
rm "$E/NOTES.txt"
golden_replay "$E" >"$TMP/got"
check "two hosts without the note: exit 0 (status $rc), the same alerts" \
	sh -c "[ $rc -eq 0 ] && cmp -s '$TMP/merged.alerts' '$TMP/got'"
# Three hosts, cut the same way: the golden file of the merged log.
"$KME_SRCDIR/tests/merge-hosts.sh" hosta="$DATA/hosts/hosta.log" hostb="$DATA/hosts/hostb.log" \
	hostc="$DATA/hosts/hostc.log" >"$TMP/merged3.log"
mkdir "$TMP/three"
sed -n '1,30p' "$TMP/merged3.log" | zstd -q >"$TMP/three/audit.log.1.zst"
sed -n '31,$p' "$TMP/merged3.log" >"$TMP/three/audit.log"
golden_replay "$TMP/three" >"$TMP/got"
check "three hosts, rotated: the merged log's golden alerts" \
	cmp -s "$GOLDEN/hosts-merged.alerts.jsonl" "$TMP/got"
finish
