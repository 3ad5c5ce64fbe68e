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
# Every case must also end as it does without a checker: exit status 0.
. "$(dirname "$0")/lib.sh"

# checked RC: the checker found nothing (its own status 99 is a finding) and
# the plugin exited 0; otherwise what it said.
checked() {
	[ "$1" -eq 0 ] && return 0
	[ "$1" -eq 99 ] || echo "# the plugin exited $1"
	cat "$TMP/vg.err"
	return 1
}

if nm -D "$KME_BIN" 2>/dev/null | grep -q __asan_init || nm "$KME_BIN" 2>/dev/null | grep -q __asan_init; then
	CHECKER="ASan+LSan+UBSan"
	vg() {
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1:exitcode=99" \
		UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}halt_on_error=1:exitcode=99" \
			"$KME_BIN" "$@" >/dev/null 2>"$TMP/vg.err"
		rc=$?
		# "not supported": a platform without LeakSanitizer would check nothing.
		grep -q "Sanitizer\|runtime error:\|detect_leaks is not supported" "$TMP/vg.err" && rc=99
		checked $rc
	}
else
	command -v valgrind >/dev/null || cant_run "valgrind is not installed (tests/deps.sh)"
	CHECKER=memcheck
	vg() {
		valgrind --quiet --error-exitcode=99 --leak-check=full \
			--errors-for-leak-kinds=definite,indirect --track-fds=no "$KME_BIN" "$@" \
			>/dev/null 2>"$TMP/vg.err"
		checked $?
	}
fi
for log in "$DATA"/*.log; do
	name=$(basename "$log" .log)
	check "$name: replay exits 0 and is clean under $CHECKER" vg --replay "$log"
	check "$name: --explain exits 0 and is clean under $CHECKER" vg --replay --explain "$log"
	check "$name: --all exits 0 and is clean under $CHECKER" vg --replay --all "$log"
done
check "saving a state file exits 0 and is clean under $CHECKER" vg --replay --state "$TMP/st/state.json" "$DATA/kmod-raw.log"
learn_and_dump() {
	vg --learn --state "$TMP/st/state.json" "$DATA/kmod-enriched.log" &&
		vg --dump-state --state "$TMP/st/state.json"
}
corrupt_state() {
	printf '{"terms":[' >"$TMP/st/state.json"
	vg --replay --state "$TMP/st/state.json" "$DATA/kmod-raw.log"
}
check "loading it, --learn and --dump-state exit 0 and are clean under $CHECKER" learn_and_dump
check "a corrupt state file exits 0 and is clean under $CHECKER" corrupt_state
finish
