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
	if [ "${CI:-}" = true ]; then not_ok "cannot mount a small tmpfs for the full-disk case"; else echo "# skipped: full disk (needs root to mount a tmpfs)"; fi
fi

# --- SIGKILL at any moment --------------------------------------------------------------
D=$TMP/s4; mkdir -m 0700 "$D"
"$KME_BIN" --replay --state "$D/state.json" "$TMP/few.log" >/dev/null 2>&1
terms "$TMP/more.log" 20000
i=0
torn=0
while [ $i -lt 25 ]; do
	"$KME_BIN" --replay --state "$D/state.json" "$TMP/more.log" >/dev/null 2>&1 &
	pid=$!
	sleep "0.$(( (i * 37) % 10 ))$(( (i * 13) % 10 ))"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	n=$(nterms "$D/state.json")
	case $n in 3|20003|20000) ;; *) torn=$((torn + 1)); echo "# after kill $i: $n terms" ;; esac
	ls "$D"/state.json.bad-* >/dev/null 2>&1 && torn=$((torn + 1))
	"$KME_BIN" --replay --state "$D/state.json" "$TMP/few.log" >/dev/null 2>&1 # repair nothing, just reopen
	i=$((i + 1))
done
check "25 SIGKILLs at varied moments: the state file is always the old or the new one" test $torn -eq 0
finish
