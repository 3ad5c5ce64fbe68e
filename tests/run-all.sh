#!/bin/sh
# tests/run-all.sh - the whole test suite, as CI runs it:
#   1. a warnings-as-errors build and `make check` (unit suites + golden replays),
#   2. the same suite under AddressSanitizer + UndefinedBehaviorSanitizer,
#   3. the libFuzzer harnesses for a bounded time each, and their regressions,
#   4. the benchmark scripts on a small corpus (so they cannot rot; not timed),
#   5. `make distcheck` (the release tarball builds, installs and tests itself).
# Build trees go to _build/ so the source tree stays clean.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
jobs=$(nproc 2>/dev/null || echo 2)
autoreconf -fi >/dev/null 2>&1 || autoreconf -fi

step() { printf '\n=== %s ===\n' "$*"; }

passed=0
failed=0
# Add a build's automake totals to the closing line.
count() {
	p=$(sed -n 's/^# PASS: *//p' "$1" | tail -n 1)
	f=$(sed -n 's/^# \(FAIL\|ERROR\|XPASS\): *//p' "$1" | awk '{ s += $1 } END { print s + 0 }')
	passed=$((passed + ${p:-0}))
	failed=$((failed + f))
}

build_and_check() {
	dir=$1; shift
	rm -rf "$dir"; mkdir -p "$dir"
	if (cd "$dir" && "$top/configure" --prefix=/usr --sysconfdir=/etc --localstatedir=/var "$@" >/dev/null &&
	    make -j"$jobs" >/dev/null && make -j"$jobs" check) >"$dir.out" 2>&1; then
		rc=0
	else
		rc=1
	fi
	cat "$dir.out"
	count "$dir.out"
	if [ $rc -ne 0 ]; then
		for f in "$dir"/tests/*.log; do
			[ -f "$f" ] && { echo "--- $f"; tail -n 60 "$f"; }
		done
		echo "tests: $passed passed, $((failed > 0 ? failed : 1)) failed"
		exit 1
	fi
}

step "build with -Werror, make check"
build_and_check _build/werror CFLAGS="-O2 -g -Werror"

step "make install DESTDIR=... (files and modes of a distro package)"
if sh tests/install.sh _build/werror >_build/install.out 2>&1; then
	cat _build/install.out
	passed=$((passed + 1))
else
	cat _build/install.out
	echo "tests: $passed passed, $((failed + 1)) failed"
	exit 1
fi

step "ASan + UBSan build, make check"
build_and_check _build/asan \
	CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all -Werror" \
	LDFLAGS="-fsanitize=address,undefined"

step "fuzzers: each harness for ${KME_FUZZ_SECONDS:-60} s, then every kept regression"
if sh fuzz/run.sh "${KME_FUZZ_SECONDS:-60}" >_build/fuzz.out 2>&1; then
	tail -n 12 _build/fuzz.out
	passed=$((passed + 1))
else
	tail -n 60 _build/fuzz.out
	echo "tests: $passed passed, $((failed + 1)) failed"
	exit 1
fi

step "benchmark smoke (bench/run.sh --smoke: a small real capture, one round)"
if bash bench/run.sh --smoke --plugin _build/werror/plugin/audisp-kmod-enum >_build/bench.out 2>&1; then
	tail -n 8 _build/bench.out
	passed=$((passed + 1))
else
	tail -n 40 _build/bench.out
	echo "tests: $passed passed, $((failed + 1)) failed"
	exit 1
fi

step "make distcheck"
(cd _build/werror && make -j"$jobs" distcheck >/dev/null 2>&1) || {
	(cd _build/werror && make distcheck 2>&1 | tail -n 40); exit 1; }
echo "distcheck: OK"
echo
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
