#!/bin/sh
# tests/interp.sh - ausearch's output replays as the raw log (issue 20, item
# 3). One session captured under a real auditd (tests/capture.sh --set interp
# --with-fork: tests/data/interp/interp-raw.log) and the `ausearch -i` of it
# printed at capture time (TZ=America/New_York LC_ALL=C: interp.ausearch-i):
#   - the interpreted form with --tz gives the raw log's decisions, stamps
#     and all (--explain byte for byte), and the same alerts but for what the
#     text lost or added: user/group names (ENRICHED-like), and the ids of
#     users ausearch printed by name only (nobody: no number in the text);
#   - without --tz it is refused (exit 2) with a message saying why and how
#     to get raw logs; with another zone the stamps move, the decisions not;
#   - the installed ausearch's forms of the same log, made here: -i in
#     another zone, the default form (events reversed), --raw and --format
#     raw replay the same; --format text and csv are refused (exit 3).
. "$(dirname "$0")/lib.sh"

[ -x "$KME_BIN" ] || { echo "Bail out! $KME_BIN not built"; exit 99; }
I=$DATA/interp
RAW=$I/interp-raw.log
CONF=$KME_BUILDDIR/conf/audisp-kmod-enum.conf

r() { "$KME_BIN" --replay --host golden-host -c "$CONF" "$@"; }
created() { sed -e 's|"created":"[0-9T:.Z-]*"|"created":"2000-01-01T00:00:00.000Z"|'; }

r --explain "$RAW" >"$TMP/raw.explain" 2>/dev/null
r "$RAW" 2>/dev/null | created >"$TMP/raw.alerts"
check "the raw session agrees with its manifest" $PYTHON "$KME_SRCDIR/tests/check_scenarios.py" \
	--log "$RAW" "$DATA/interp-raw.scenarios.tsv" "$TMP/raw.explain" "$TMP/raw.alerts"

# --- the capture's own ausearch -i ----------------------------------------------------
r --explain --tz America/New_York "$I/interp.ausearch-i" >"$TMP/i.explain" 2>"$TMP/i.err"
st=$?
check "ausearch -i with --tz: exit 0 (status $st)" test "$st" -eq 0
check "ausearch -i with --tz: the raw log's decisions and stamps, byte for byte" \
	diff -u "$TMP/raw.explain" "$TMP/i.explain"
check "ausearch -i with --tz: its form and zone said on stderr" sh -c "
	grep -q 'interp.ausearch-i: ausearch -i output' '$TMP/i.err' &&
	grep -q 'ausearch -i stamps are read as local times in America/New_York (--tz)' '$TMP/i.err'"
check "ausearch -i with --tz: what was made raw is said" \
	grep -q "interp.ausearch-i: 79 event(s) handed on, [0-9]* put back in the kernel's order; 319 ausearch -i record(s) made raw, [0-9]* of types no decision reads left out" "$TMP/i.err"
# kmod 'x a1=list' (and its shell's argv): "a0=kmod a1=x a1=list" splits
# two ways; the text cannot tell which, the raw log says the first.
check "ausearch -i with --tz: the two records that split two ways are said" \
	grep -q "interp.ausearch-i: 2 record(s) whose fields split two ways (a value holding the text of a later field): the first split was taken" "$TMP/i.err"
check "ausearch -i with --tz: the names printed without a number are said" \
	grep -q "interp.ausearch-i: 8 user or group name(s) the text printed without their number: those ids are unset, the names kept" "$TMP/i.err"
r --tz America/New_York "$I/interp.ausearch-i" 2>/dev/null | created >"$TMP/i.alerts"
# Fields that may differ: user and group names (the text has them), the
# ids of users it printed by name only, and the start of a life (entity id,
# start, token) where ausearch printed the events in another order than the
# log: a vfork is written after its child's exec (the parent's syscall ends
# then) but stamped before it, and ausearch printed it first, so the fork
# record is seen first and starts the child's life there (README, Replay).
$PYTHON - "$TMP/raw.alerts" "$TMP/i.alerts" "$RAW" "$I/interp.ausearch-i" >"$TMP/cmp" 2>&1 <<'EOF'
import json, re, sys

def flat(d, p=""):
    out = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out.update(flat(v, p + k + "."))
        else:
            out[p + k] = v
    return out

def reason(d):
    # The names in parentheses are the text's; "as uid N" is said only
    # where the uid is known (the ids are compared on their own).
    return re.sub(r" as uid [0-9]+", "", re.sub(r" \((?:[^()]|\([^()]*\))*\)", "", d["event.reason"]))

def order(path):
    """Each event's place in a log: the order of the serials' first records."""
    at = {}
    for line in open(path, errors="replace"):
        m = re.search(r"msg=audit\([^)]*:([0-9]+)\)", line)
        if m:
            at.setdefault(int(m.group(1)), len(at))
    return at

def moved(a, b):
    """Roles (process, parent, entry_leader) whose start token in a (the raw
    log's) and b differ only as the two logs' orders of those events do."""
    out = set()
    for role, ta in a.items():
        tb = b.get(role)
        if not (role.startswith("audisp_kmod_enum.entity.") and ta != tb and tb):
            continue
        sa, sb = int(ta.rsplit(":", 1)[1]), int(tb.rsplit(":", 1)[1])
        if (raw_at[sa] < raw_at[sb]) != (txt_at[sa] < txt_at[sb]):
            out.add(role.rsplit(".", 1)[1])
    return out

PREFIX = {"process": "process.", "parent": "process.parent.",
          "entry_leader": "process.entry_leader."}
raw = [flat(json.loads(l)) for l in open(sys.argv[1])]
got = [flat(json.loads(l)) for l in open(sys.argv[2])]
raw_at, txt_at = order(sys.argv[3]), order(sys.argv[4])
assert len(raw) == len(got) == 12, (len(raw), len(got))
unnamed = starts = 0
for a, b in zip(raw, got):
    roles = moved(a, b)
    starts += len(roles)
    for k in sorted(set(a) | set(b)):
        if a.get(k) == b.get(k):
            continue
        if any(k == "audisp_kmod_enum.entity." + r or
               k in (PREFIX[r] + "entity_id", PREFIX[r] + "start") for r in roles):
            continue  # a start the printed order moved
        if k.endswith(".name") and k.split(".")[-2] in ("user", "effective", "audit", "group",
                                                       "real_user", "real_group"):
            continue  # names: the text's own
        if k == "event.reason" and reason(a) == reason(b):
            continue
        if k.endswith(".id") and b.get(k) is None and b.get("user.name") == "nobody":
            unnamed += 1
            continue  # printed as a name: no number in the text
        print("differs:", a["event.id"], k, repr(a.get(k)), repr(b.get(k)))
        sys.exit(1)
print("ok: %d alerts, %d ids the text printed by name only, %d start(s) the printed order moved"
      % (len(raw), unnamed, starts))
EOF
check "ausearch -i with --tz: the raw log's alerts but for names ($(tail -n 1 "$TMP/cmp"))" \
	grep -qx 'ok: 12 alerts, 9 ids the text printed by name only, 1 start(s) the printed order moved' "$TMP/cmp"
check "ausearch -i: the alerts name the users as the text did" sh -c "
	grep -q '\"user\":{\"id\":\"0\",\"name\":\"root\"' '$TMP/i.alerts' &&
	grep -q '\"user\":{\"name\":\"nobody\"' '$TMP/i.alerts'"

# Without --tz: refused, nothing replayed, and the way out said.
r "$I/interp.ausearch-i" >"$TMP/no-tz.out" 2>"$TMP/no-tz.err"
st=$?
check "ausearch -i without --tz: exit 2 (status $st), no alert" sh -c "[ $st -eq 2 ] && [ ! -s '$TMP/no-tz.out' ]"
check "ausearch -i without --tz: says why and how to get raw logs" \
	grep -q "interp.ausearch-i: ausearch -i output (interpreted): its times are the local times of the machine that printed it, with no zone. Give that zone with --tz ZONE (e.g. --tz Europe/Paris, --tz UTC), or replay the raw records instead: ausearch --raw" "$TMP/no-tz.err"
r --tz Mars/Olympus_Mons "$I/interp.ausearch-i" >/dev/null 2>"$TMP/bad-tz.err"
st=$?
check "an unknown zone: exit 2 (status $st), said" sh -c "[ $st -eq 2 ] &&
	grep -q -- '--tz Mars/Olympus_Mons: unknown time zone' '$TMP/bad-tz.err'"
# Another zone: every stamp moves by the zones' difference, no decision does.
r --explain --tz UTC "$I/interp.ausearch-i" >"$TMP/utc.explain" 2>/dev/null
sed 's/^[^ ]* [^ ]* //' "$TMP/raw.explain" >"$TMP/raw.decisions"
sed 's/^[^ ]* [^ ]* //' "$TMP/utc.explain" >"$TMP/utc.decisions"
check "--tz UTC for a New York log: the same decisions" cmp -s "$TMP/raw.decisions" "$TMP/utc.decisions"
check "--tz UTC for a New York log: stamps 5 hours early" sh -c "
	[ \"\$(head -n 1 '$TMP/raw.explain' | cut -d' ' -f2 | cut -d. -f1)\" -eq \
	  \$((\$(head -n 1 '$TMP/utc.explain' | cut -d' ' -f2 | cut -d. -f1) + 18000)) ]"

# --- the installed ausearch's forms, made now --------------------------------------------
command -v ausearch >/dev/null ||
	cant_run "ausearch not installed (auditd, tests/deps.sh): its forms not made here"
v=$(ausearch -v 2>&1 | head -n 1)
TZ=Europe/Paris LC_ALL=C ausearch -i -if "$RAW" >"$TMP/paris.i" 2>/dev/null
r --explain --tz Europe/Paris "$TMP/paris.i" >"$TMP/paris.explain" 2>/dev/null
check "$v -i in Europe/Paris, --tz Europe/Paris: the raw log's decisions and stamps" \
	diff -u "$TMP/raw.explain" "$TMP/paris.explain"
LC_ALL=C ausearch -if "$RAW" >"$TMP/default" 2>/dev/null
r --explain "$TMP/default" >"$TMP/default.explain" 2>"$TMP/default.err"
check "$v default form (events reversed, ---- lines): the raw log's decisions" \
	diff -u "$TMP/raw.explain" "$TMP/default.explain"
check "default form: no line counted as skipped" sh -c "! grep -q 'line(s) skipped\|no audit record' '$TMP/default.err'"
for f in "--raw" "--format raw"; do
	# shellcheck disable=SC2086
	ausearch $f -if "$RAW" >"$TMP/raw2" 2>/dev/null
	r --explain "$TMP/raw2" >"$TMP/raw2.explain" 2>/dev/null
	check "$v $f: the raw log's decisions" diff -u "$TMP/raw.explain" "$TMP/raw2.explain"
done
# The interpreted form compressed, on stdin: the same.
gzip -c "$TMP/paris.i" | r --explain --tz Europe/Paris >"$TMP/paris-gz.explain" 2>/dev/null
check "ausearch -i gzip-compressed on stdin: the same decisions" \
	diff -u "$TMP/raw.explain" "$TMP/paris-gz.explain"
for f in text csv; do
	LC_ALL=C ausearch --format "$f" -if "$RAW" >"$TMP/$f" 2>/dev/null
	r "$TMP/$f" >"$TMP/$f.out" 2>"$TMP/$f.err"
	st=$?
	check "$v --format $f: refused, exit 3 (status $st)" test "$st" -eq 3
	check "$v --format $f: says what it is and how to get raw logs" \
		grep -q "$TMP/$f: ausearch --format $f output: a summary without the fields a decision needs (parent, arguments, working directory); it cannot be replayed. Get the raw records: ausearch --raw" "$TMP/$f.err"
done
# The golden capture through ausearch -i: the golden decisions.
TZ=Asia/Tokyo LC_ALL=C ausearch -i -if "$DATA/kmod-raw.log" >"$TMP/kmod.i" 2>/dev/null
r --explain --tz Asia/Tokyo "$TMP/kmod.i" 2>/dev/null | sed "s|($CONF:|(<built-in>:|g" >"$TMP/kmod.explain"
check "kmod-raw.log through $v -i (Asia/Tokyo): the golden explanations" \
	diff -u "$GOLDEN/kmod-raw.explain.txt" "$TMP/kmod.explain"
finish
