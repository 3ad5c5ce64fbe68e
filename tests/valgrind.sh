#!/bin/sh
# tests/valgrind.sh - replays of the captured logs (plain, --explain, --all,
# and with a state file saved and loaded) under valgrind memcheck: no errors,
# no definitely or indirectly lost bytes. Not applicable to a sanitizer build
# (ASan and valgrind exclude each other): skipped there, with the reason.
. "$(dirname "$0")/lib.sh"

command -v valgrind >/dev/null || {
	[ "${CI:-}" = true ] && { echo "not ok - valgrind is not installed"; exit 1; }
	echo "SKIP: valgrind is not installed"; exit 77; }
if nm -D "$KME_BIN" 2>/dev/null | grep -q __asan_init || nm "$KME_BIN" 2>/dev/null | grep -q __asan_init; then
	echo "SKIP: $KME_BIN is an AddressSanitizer build"; exit 77
fi
vg() {
	valgrind --quiet --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite,indirect --track-fds=no "$KME_BIN" "$@" \
		>/dev/null 2>"$TMP/vg.err"
	rc=$?
	[ $rc -ne 99 ] || { cat "$TMP/vg.err"; return 1; }
}
for log in "$DATA"/*.log; do
	name=$(basename "$log" .log)
	check "$name: replay is clean under memcheck" vg --replay "$log"
	check "$name: --explain is clean" vg --replay --explain "$log"
	check "$name: --all is clean" vg --replay --all "$log"
done
check "saving a state file is clean" vg --replay --state "$TMP/st/state.json" "$DATA/kmod-raw.log"
learn_and_dump() {
	vg --learn --state "$TMP/st/state.json" "$DATA/kmod-enriched.log" &&
		vg --dump-state --state "$TMP/st/state.json"
}
corrupt_state() {
	printf '{"terms":[' >"$TMP/st/state.json"
	vg --replay --state "$TMP/st/state.json" "$DATA/kmod-raw.log"
}
check "loading it, --learn and --dump-state are clean" learn_and_dump
check "a corrupt state file is clean" corrupt_state
finish
