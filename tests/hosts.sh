#!/bin/sh
# tests/hosts.sh - golden replays of a merged multi-host log (an aggregator's stream), built from
# three single-host logs captured under a real auditd (tests/capture-hosts.sh; tests/data/hosts/).
# The three hosts' processes collide by pid: pid P is dkms on host B, a user's program on hosts A
# and C; their lsmod children share a pid too. tests/merge-hosts.sh prefixes every record with
# node=NAME and merges by event time. Checks:
#   - with host.name in new_terms_fields, the merged replay's alerts are exactly the union of the
#     per-host replays' alerts (byte for byte);
#   - with the default fields, exactly one alert per term, at its first sighting on any host (the
#     earliest of the per-host replays' alerts of that term);
#   - host B's dkms never excludes host A's lsmod (its parent, never described on host A, is
#     unknown: it alerts), while host B's own lsmod stays excluded;
#   - a host whose clock is an hour ahead, its records in bursts between another host's, changes
#     nothing in that host's alerts;
#   - every alert carries its host's name, and the golden file of the merged replay holds.
. "$(dirname "$0")/lib.sh"

[ -x "$KME_BIN" ] || { echo "Bail out! $KME_BIN not built"; exit 99; }
HOSTS=$DATA/hosts
MERGE=$KME_SRCDIR/tests/merge-hosts.sh
CONF=$KME_BUILDDIR/conf/audisp-kmod-enum.conf
[ -f "$CONF" ] || { echo "Bail out! $CONF not built"; exit 99; }
for h in hosta hostb hostc; do
	[ -s "$HOSTS/$h.log" ] || { echo "Bail out! $HOSTS/$h.log missing"; exit 99; }
done

# The shipped configuration, and the same with host.name in the term.
sed 's/^new_terms_fields = .*/& host.name/' "$CONF" >"$TMP/per-host.conf"
check "per-host config adds host.name to new_terms_fields" \
	grep -q '^new_terms_fields = .* host.name$' "$TMP/per-host.conf"

run() { # CONFIG LOG [OPTIONS...] -> alerts on stdout
	conf=$1 log=$2
	shift 2
	# event.created is the wall clock of the replay: normalised, as golden.sh does.
	"$KME_BIN" --replay --host golden-host -c "$conf" "$@" "$log" 2>>"$TMP/stderr" |
		sed -e 's|"created":"[0-9T:.Z-]*"|"created":"2000-01-01T00:00:00.000Z"|'
}

"$MERGE" hosta="$HOSTS/hosta.log" hostb="$HOSTS/hostb.log" hostc="$HOSTS/hostc.log" >"$TMP/merged.log"
check "merged log holds every record of the three hosts" \
	test "$(wc -l <"$TMP/merged.log")" -eq "$(cat "$HOSTS"/host[abc].log | wc -l)"
check "every merged record carries its node= prefix" \
	test "$(grep -c '^node=host[abc] type=' "$TMP/merged.log")" -eq "$(wc -l <"$TMP/merged.log")"
for h in hosta hostb hostc; do
	"$MERGE" "$h=$HOSTS/$h.log" >"$TMP/$h.log"
	run "$TMP/per-host.conf" "$TMP/$h.log" >"$TMP/$h.perhost.alerts"
	run "$CONF" "$TMP/$h.log" >"$TMP/$h.default.alerts"
done
check "the captures collide: pid 30123 is dkms on hostb and the user's tool on hostc" \
	sh -c "grep -q 'pid=30123 .*comm=\"dkms\"' '$HOSTS/hostb.log' &&
	       grep -q 'pid=30123 .*comm=\"tool\"' '$HOSTS/hostc.log' &&
	       grep -q 'ppid=30123 pid=30125 .*comm=\"lsmod\"' '$HOSTS/hosta.log'"

# host.name in the term: exactly the union of the per-host replays.
run "$TMP/per-host.conf" "$TMP/merged.log" >"$TMP/merged.perhost.alerts"
sort "$TMP"/host?.perhost.alerts >"$TMP/union.alerts"
sort "$TMP/merged.perhost.alerts" >"$TMP/merged.perhost.sorted"
check "host.name in the term: merged alerts equal the union of the per-host replays" \
	diff -u "$TMP/union.alerts" "$TMP/merged.perhost.sorted"
# hosta: its lsmod (unknown parent) and bash's; hostb: bash's (dkms's is excluded); hostc: its tool's
# and bash's.
check "... and that union is the 5 alerts the hosts' scenarios give" \
	test "$(wc -l <"$TMP/union.alerts")" -eq 5

# Default fields: one alert per term, at its first sighting on any host.
run "$CONF" "$TMP/merged.log" >"$TMP/merged.default.alerts"
check "default fields: one alert per term at its first sighting on any host" \
	$PYTHON - "$TMP/merged.default.alerts" "$TMP"/host?.default.alerts <<'EOF'
import json, sys

def load(path):
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip()]

def term(a):
    p = a["process"]
    return (p.get("executable"), p.get("parent", {}).get("executable"))

merged = load(sys.argv[1])
first = {}
for path in sys.argv[2:]:
    for a in load(path):
        t = term(a)
        if t not in first or a["@timestamp"] < first[t]["@timestamp"]:
            first[t] = a
got = {term(a): a for a in merged}
if len(got) != len(merged):
    sys.exit("a term alerted twice in the merged replay")
if set(got) != set(first):
    sys.exit("terms differ: merged %r, per host %r" % (sorted(got, key=str), sorted(first, key=str)))
for t, a in first.items():
    g = got[t]
    if (g["@timestamp"], g["host"]["name"], g["process"]["pid"]) != \
       (a["@timestamp"], a["host"]["name"], a["process"]["pid"]):
        sys.exit("term %r: merged alert %s on %s, first sighting %s on %s" %
                 (t, g["@timestamp"], g["host"]["name"], a["@timestamp"], a["host"]["name"]))
print("# %d terms, each alerted once, at its first sighting" % len(first))
EOF

check "... 3 terms: lsmod from bash, from an unknown parent, from hostc's tool" \
	test "$(wc -l <"$TMP/merged.default.alerts")" -eq 3

# Host B's dkms never excludes host A's lsmod.
check "hosta's lsmod (parent pid 30123 never described on hosta) alerts with an unknown parent" \
	$PYTHON - "$TMP/merged.default.alerts" <<'EOF'
import json, sys
hits = [json.loads(l) for l in open(sys.argv[1])]
hits = [a for a in hits if a["host"]["name"] == "hosta" and a["process"]["name"] == "lsmod"
        and a["process"]["parent"]["pid"] == 30123]
if len(hits) != 1:
    sys.exit("expected one alert of hosta's lsmod under pid 30123, got %d" % len(hits))
parent = hits[0]["process"]["parent"]
if "name" in parent or "executable" in parent:
    sys.exit("hosta's lsmod got a parent identity: %r" % parent)
EOF
run "$CONF" "$TMP/merged.log" --explain >"$TMP/merged.explain"
check "hostb's own lsmod under its dkms stays excluded" \
	grep -q 'cwd=/tmp/kme-hosts/hostb => excluded: excluded by exclude_parent_name .dkms.' \
	"$TMP/merged.explain"
check "exactly one exclusion in the merged replay (hostb's)" \
	test "$(grep -c '=> excluded' "$TMP/merged.explain")" -eq 1
check "hostc's lsmod has its own tool as parent, not hostb's dkms" \
	grep -q 'pid=30125 name=lsmod .* parent_name=tool parent_exe=/tmp/kme-hosts/hostc/home/u/bin/tool source=audit cwd=/tmp/kme-hosts/hostc => alert' \
	"$TMP/merged.explain"
check "explain lines name their host" \
	test "$(grep -c ' host=host[abc] pid=' "$TMP/merged.explain")" -eq "$(wc -l <"$TMP/merged.explain")"
check "summary counts three hosts" grep -q ' hosts=3 host_evictions=0 ' "$TMP/stderr"
check "no parse errors in the merged log" sh -c "! grep -q 'parse_errors=[1-9]' '$TMP/stderr'"

# A host whose clock runs an hour ahead (or was set so by its root) and whose records arrive in
# bursts between another host's: hosta's records each followed by 20 of hostb's, hostb's stamps
# moved an hour on. Only hosta's own records may judge its events stuck: its alerts are those of
# its own replay.
$PYTHON - "$TMP/hosta.log" "$TMP/hostb.log" >"$TMP/skewed.log" <<'EOF'
import re, sys
stamp = re.compile(r"msg=audit\((\d+)\.")
a = open(sys.argv[1], errors="surrogateescape").readlines()
b = [stamp.sub(lambda m: "msg=audit(%d." % (int(m.group(1)) + 3600), l, count=1)
     for l in open(sys.argv[2], errors="surrogateescape")]
out = sys.stdout
for i, line in enumerate(a):
    out.write(line)
    out.writelines(b[20 * i:20 * i + 20])
out.writelines(b[20 * len(a):])
EOF
check "skewed log: hostb's records an hour ahead, in bursts of 20 between hosta's" \
	test "$(wc -l <"$TMP/skewed.log")" -eq "$(($(wc -l <"$TMP/hosta.log") + $(wc -l <"$TMP/hostb.log")))"
run "$TMP/per-host.conf" "$TMP/skewed.log" | grep '"host":{"name":"hosta"' >"$TMP/skewed.hosta.alerts"
check "a host whose clock is an hour ahead never cuts another host's events: hosta's alerts unchanged" \
	diff -u "$TMP/hosta.perhost.alerts" "$TMP/skewed.hosta.alerts"
check "... and hosta alerts at all there" test -s "$TMP/skewed.hosta.alerts"

# The golden file of the merged replay (KME_GOLDEN_UPDATE=1 rewrites it: review the diff).
if [ "${KME_GOLDEN_UPDATE:-0}" = 1 ]; then
	cp "$TMP/merged.default.alerts" "$GOLDEN/hosts-merged.alerts.jsonl"
	cp "$TMP/merged.perhost.alerts" "$GOLDEN/hosts-merged-per-host.alerts.jsonl"
fi
check "merged replay equals its golden file" \
	diff -u "$GOLDEN/hosts-merged.alerts.jsonl" "$TMP/merged.default.alerts"
check "merged replay with host.name equals its golden file" \
	diff -u "$GOLDEN/hosts-merged-per-host.alerts.jsonl" "$TMP/merged.perhost.alerts"
finish
