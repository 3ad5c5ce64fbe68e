#!/bin/sh
# tests/valgrind.sh - replays of the captured logs (plain, --explain, --all,
# and with a state file saved and loaded) under a memory checker: no invalid
# access, no definitely or indirectly lost bytes.
#
# The checker is valgrind memcheck, except for a sanitizer build: valgrind
# cannot run an AddressSanitizer binary (both claim the same address space),
# so there the same cases run under the sanitizers' own checks -- ASan for
# invalid accesses, its LeakSanitizer (detect_leaks=1) for leaks, UBSan for
# undefined behaviour. That checks the same properties, except memcheck's
# uninitialised-value tracking, which has no ASan equivalent and is covered
# by this test in the plain build (tests/run-all.sh runs both builds). The
# test names say which checker ran; nothing is skipped and called a pass.
. "$(dirname "$0")/lib.sh"

if nm -D "$KME_BIN" 2>/dev/null | grep -q __asan_init || nm "$KME_BIN" 2>/dev/null | grep -q __asan_init; then
	CHECKER="ASan+LSan+UBSan"
	vg() {
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1:exitcode=99" \
		UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}halt_on_error=1:exitcode=99" \
			"$KME_BIN" "$@" >/dev/null 2>"$TMP/vg.err"
		rc=$?
		# "not supported": a platform without LeakSanitizer would check nothing.
		if [ $rc -eq 99 ] || grep -q "Sanitizer\|runtime error:\|detect_leaks is not supported" "$TMP/vg.err"; then
			cat "$TMP/vg.err"; return 1
		fi
	}
else
	command -v valgrind >/dev/null || {
		[ "${CI:-}" = true ] && { echo "not ok - valgrind is not installed"; exit 1; }
		echo "SKIP: valgrind is not installed"; exit 77; }
	CHECKER=memcheck
	vg() {
		valgrind --quiet --error-exitcode=99 --leak-check=full \
			--errors-for-leak-kinds=definite,indirect --track-fds=no "$KME_BIN" "$@" \
			>/dev/null 2>"$TMP/vg.err"
		rc=$?
		[ $rc -ne 99 ] || { cat "$TMP/vg.err"; return 1; }
	}
fi
for log in "$DATA"/*.log; do
	name=$(basename "$log" .log)
	check "$name: replay is clean under $CHECKER" vg --replay "$log"
	check "$name: --explain is clean under $CHECKER" vg --replay --explain "$log"
	check "$name: --all is clean under $CHECKER" vg --replay --all "$log"
done
check "saving a state file is clean under $CHECKER" vg --replay --state "$TMP/st/state.json" "$DATA/kmod-raw.log"
learn_and_dump() {
	vg --learn --state "$TMP/st/state.json" "$DATA/kmod-enriched.log" &&
		vg --dump-state --state "$TMP/st/state.json"
}
corrupt_state() {
	printf '{"terms":[' >"$TMP/st/state.json"
	vg --replay --state "$TMP/st/state.json" "$DATA/kmod-raw.log"
}
check "loading it, --learn and --dump-state are clean under $CHECKER" learn_and_dump
check "a corrupt state file is clean under $CHECKER" corrupt_state
finish
