#!/bin/sh
# tests/state-safety.sh - the state file against a hostile or failing world:
# planted symlinks are never followed, an unsafe directory is refused, a full
# disk leaves the previous state intact, garbage and oversized files are set
# aside, and a SIGKILL at any moment leaves the old or the new state, never a
# torn file. Logs are derived from the real captured log (tests/derive.py).
. "$(dirname "$0")/lib.sh"

derive() { $PYTHON "$KME_SRCDIR/tests/derive.py" "$DATA/kmod-raw.log" "$@"; }
T=1700000000
# terms LOG N: a log with N distinct new terms.
terms() { derive "$1" --terms "$2@$T"; }
nterms() { "$KME_BIN" --dump-state --state "$1" 2>/dev/null | sed -n 's/^# .*: \([0-9]*\) term(s).*/\1/p'; }

terms "$TMP/few.log" 3
terms "$TMP/many.log" 3000

# --- symlinks planted in the way ------------------------------------------------
D=$TMP/s1; mkdir -m 0700 "$D"
printf 'secret\n' >"$TMP/secret"
ln -s "$TMP/secret" "$D/state.json"
"$KME_BIN" --replay --state "$D/state.json" "$TMP/few.log" >/dev/null 2>"$TMP/err"
check "a symlink at the state path is not followed (its target is untouched)" \
	test "$(cat "$TMP/secret")" = secret
check "the symlink is set aside as bad and a real file takes its place" sh -c \
	"[ -L \"\$(ls '$D'/state.json.bad-* | head -n 1)\" ] && [ -f '$D/state.json' ] && [ ! -L '$D/state.json' ]"
ln -s "$TMP/secret" "$D/state.json.tmp"
"$KME_BIN" --replay --state "$D/state.json" "$TMP/few.log" >/dev/null 2>&1
check "a symlink at the temp path is not followed on save" test "$(cat "$TMP/secret")" = secret
check "and the save still succeeds" test "$(nterms "$D/state.json")" = 3

# --- an unsafe state directory ----------------------------------------------------
D=$TMP/s2; mkdir -m 0770 "$D"
"$KME_BIN" --replay --state "$D/state.json" "$TMP/few.log" >/dev/null 2>"$TMP/err"
check "a group-writable state directory is refused" grep -q "refusing state directory: group-writable" "$TMP/err"
chmod 0703 "$D"
"$KME_BIN" --replay --state "$D/state.json" "$TMP/few.log" >/dev/null 2>"$TMP/err"
check "a world-writable state directory is refused" grep -q "refusing state directory: world-writable" "$TMP/err"

# --- garbage and oversized files ----------------------------------------------------
D=$TMP/s3; mkdir -m 0700 "$D"
head -c 4096 /dev/urandom >"$D/state.json"
cp "$D/state.json" "$TMP/garbage"
n=$("$KME_BIN" --replay --state "$D/state.json" "$TMP/few.log" 2>"$TMP/err" | wc -l)
check "a garbage state file: the plugin starts empty (3 alerts)" test "$n" -eq 3
check "says so" grep -q "bad" "$TMP/err"
check "and keeps the bad file aside, byte for byte" cmp -s "$TMP/garbage" "$(ls "$D"/state.json.bad-* | head -n 1)"
rm -f "$D"/state.json*
truncate -s 300M "$D/state.json"
n=$("$KME_BIN" --replay --state "$D/state.json" "$TMP/few.log" 2>"$TMP/err" | wc -l)
check "an oversized (300 MiB) state file is rejected, the plugin starts empty" test "$n" -eq 3
check "and it is kept aside" sh -c "ls '$D'/state.json.bad-* >/dev/null 2>&1"
rm -f "$D"/state.json*

# --- a full disk -------------------------------------------------------------------------
if [ "$(id -u)" -eq 0 ] && mkdir -p "$TMP/full" &&
   mount -t tmpfs -o size=64k,mode=0700 tmpfs "$TMP/full" 2>/dev/null; then
	"$KME_BIN" --replay --state "$TMP/full/state.json" "$TMP/few.log" >/dev/null 2>&1
	cp "$TMP/full/state.json" "$TMP/before.json"
	"$KME_BIN" --replay --state "$TMP/full/state.json" "$TMP/many.log" >/dev/null 2>"$TMP/err"
	rc=$?
	check "a save that fills the disk fails and says so" sh -c "[ $rc -ne 0 ] && grep -qi 'no space' '$TMP/err'"
	check "the previous state is intact" cmp -s "$TMP/before.json" "$TMP/full/state.json"
	check "no temp file is left behind" test ! -e "$TMP/full/state.json.tmp"
	umount "$TMP/full"
else
	skip_case "a full disk: cannot mount a small tmpfs (needs root)"
fi

# --- SIGKILL at any moment, and inside a save ---------------------------------
# The old state OLD holds 50000 terms (4 MB of JSON, written in many chunks,
# so a save takes tens of milliseconds); each run loads it, replays 3 new
# terms and saves NEW. A watcher (the Python below) kills
# each run with SIGKILL: most when the save's temporary file has reached a
# given size (0 to 100% of NEW, so every stage of a save is hit, up to the
# fsync and rename), others at a given time after the start (any moment),
# and a few just after the temporary file was renamed (before the exit).
# A kill "landed inside a save" when the process died of that SIGKILL with
# the temporary file still there: only an unfinished save leaves one (a
# completed save renames it away). After every kill the state file must
# parse and hold exactly OLD's or NEW's terms and header (saved_at aside),
# never anything else; and no file may have been set aside as bad.
# What this relies on (not the file names): a save writes a temporary file
# in the state directory, visible from its creation, growing as it is
# written, and renamed over the state when complete; the state is one JSON
# document whose members other than "saved_at" are the same for two saves
# of the same terms.
D=$TMP/s4; mkdir -m 0700 "$D"
terms "$TMP/big.log" 50000
# Three terms OLD does not hold (derive.py --terms names /opt/termI/lsmod).
derive "$TMP/new3.log" --at "$((T + 200000))@/opt/new0/lsmod" \
	--at "$((T + 200001))@/opt/new1/lsmod" --at "$((T + 200002))@/opt/new2/lsmod"
"$KME_BIN" --replay --state "$D/state.json" "$TMP/big.log" >/dev/null 2>&1
cp "$D/state.json" "$TMP/old.json"
mkdir -m 0700 "$TMP/ref"
cp "$TMP/old.json" "$TMP/ref/state.json"
"$KME_BIN" --replay --state "$TMP/ref/state.json" "$TMP/new3.log" >/dev/null 2>&1
cp "$TMP/ref/state.json" "$TMP/new.json"
check "the old state holds 50000 terms" test "$(nterms "$TMP/old.json")" = 50000
check "the new state (an uninterrupted run) holds 50003" test "$(nterms "$TMP/new.json")" = 50003
KILLS_SAVE=${KILLS_SAVE:-30}
KILLS_ANY=${KILLS_ANY:-10}
KILLS_RENAMED=${KILLS_RENAMED:-5}
$PYTHON - "$KME_BIN" "$D" "$TMP/old.json" "$TMP/new.json" "$TMP/new3.log" \
	"$KILLS_SAVE" "$KILLS_ANY" "$KILLS_RENAMED" >"$TMP/kills" 2>&1 <<'EOP'
import json, os, shutil, signal, subprocess, sys, time

kme, d, oldf, newf, log = sys.argv[1:6]
nsave, nany, nren = int(sys.argv[6]), int(sys.argv[7]), int(sys.argv[8])
state = os.path.join(d, "state.json")


def body(path):
    """The state minus its save time; None when it does not parse."""
    try:
        with open(path, "rb") as f:
            doc = json.loads(f.read().decode("utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(doc, dict):
        doc.pop("saved_at", None)
    return doc


OLD, NEW = body(oldf), body(newf)
size_new = os.path.getsize(newf)
# How long an uninterrupted run takes (the quickest of 3), for the kills at
# "any moment": those are spread over it (a run quicker than that one exits
# first: counted as missed).
run_s = None
for _ in range(3):
    shutil.copyfile(oldf, state)
    t0 = time.monotonic()
    subprocess.run([kme, "--replay", "--state", state, log],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t = time.monotonic() - t0
    run_s = t if run_s is None else min(run_s, t)
# What a completed run leaves in the directory (the state, a lock file):
# anything else there during a run is a save in progress. Files set aside
# as bad are counted as a failure below.
resident = set(os.listdir(d))


def temps():
    return [n for n in os.listdir(d)
            if n not in resident and not n.startswith("state.json.bad-")]



in_save = torn = missed = bad = 0
outcome = {"old": 0, "new": 0}
plan = [("size", k / (nsave - 1)) for k in range(nsave)] + \
       [("time", (k + 0.5) / nany * run_s) for k in range(nany)] + \
       [("renamed", 0)] * nren + [("size", 0.5)]   # the last: its temp stays
for i, (kind, at) in enumerate(plan):
    for n in temps():
        os.unlink(os.path.join(d, n))
    shutil.copyfile(oldf, state)
    os.chmod(state, 0o600)
    p = subprocess.Popen([kme, "--replay", "--state", state, log],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    start = time.monotonic()
    seen = -1
    appeared = False
    while p.poll() is None:
        if kind == "time":
            if time.monotonic() - start >= at:
                break
            continue
        t = temps()
        if kind == "renamed":
            # After the rename, before the exit (directory fsync, summary).
            if t:
                appeared = True
            elif appeared:
                break
            continue
        if t:
            try:
                seen = os.path.getsize(os.path.join(d, t[0]))
            except OSError:
                continue
            if seen >= at * size_new:
                break
    if p.poll() is None:
        p.send_signal(signal.SIGKILL)
    rc = p.wait()
    left = temps()
    killed = rc == -signal.SIGKILL
    if not killed:
        missed += 1
    if killed and left:
        in_save += 1
    got = body(state)
    what = "old" if got == OLD else "new" if got == NEW else None
    if what is None or (left and what != "old"):
        torn += 1   # a save in progress must not have touched the state
    else:
        outcome[what] += 1
    if any(n.startswith("state.json.bad-") for n in os.listdir(d)):
        bad += 1
    print("# kill %2d (%s %.3f): %s, temp file %s%s, state %s" % (
        i, kind, at, "killed" if killed else "exited (status %d)" % rc,
        "left (%d bytes)" % os.path.getsize(os.path.join(d, left[0])) if left else "absent",
        "" if seen < 0 else ", %d bytes when killed" % seen,
        what or "TORN"))
left = temps()
print("LEFT=%s" % (left[0] if left else ""))
print("RESULT in_save=%d torn=%d missed=%d bad=%d old=%d new=%d run_ms=%d"
      % (in_save, torn, missed, bad, outcome["old"], outcome["new"], run_s * 1000))
EOP
cat "$TMP/kills"
res() { sed -n "s/^RESULT.* $1=\([0-9]*\).*/\1/p" "$TMP/kills"; }
total=$((KILLS_SAVE + KILLS_ANY + KILLS_RENAMED + 1))
check "$total SIGKILLs: the state file always parses as the complete old or new state ($(res old) old, $(res new) new)" \
	test "$(res torn)" = 0
check "no state file was ever set aside as bad" test "$(res bad)" = 0
# A kill aimed at the end of a save can still miss if the save completes
# between the watcher's look and the kill (and one at "any moment" if the
# run was quicker than usual); most must land.
check "at least $((KILLS_SAVE * 4 / 5)) of the $((KILLS_SAVE + 1)) kills aimed at a save landed inside one ($(res in_save) of $total kills did; $(res missed) came after the exit)" \
	test "$(res in_save)" -ge $((KILLS_SAVE * 4 / 5))
# The last kill (at half the save) left its temporary file: an uninterrupted
# run must save over it.
tmpf=$(sed -n 's/^LEFT=//p' "$TMP/kills")
cp "$TMP/old.json" "$D/state.json"
"$KME_BIN" --replay --state "$D/state.json" "$TMP/new3.log" >/dev/null 2>&1
check "a temp file left by a killed save (${tmpf:-none}) does not stop the next save" \
	sh -c "[ -n '$tmpf' ] && [ ! -e '$D/$tmpf' ] && [ \"\$('$KME_BIN' --dump-state --state '$D/state.json' 2>/dev/null | sed -n 's/^# .*: \([0-9]*\) term(s).*/\1/p')\" = 50003 ]"
finish
