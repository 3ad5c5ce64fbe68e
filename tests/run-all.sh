#!/bin/sh
# tests/run-all.sh - the whole test suite (README's command 2; CI runs it
# through .ci/run). As root, from any directory:
#   1. a warnings-as-errors build and `make check` (unit suites, golden
#      replays, the shell tests, the end-to-end tests under a real auditd),
#   2. the same `make check` in an AddressSanitizer + UBSan build,
#   3. the root-level steps of STEPS below: `make install` modes, the
#      libFuzzer harnesses, the benchmark smoke, `make distcheck`, ...
# Build trees and logs go to _build/ (NAME.out per step), so the source tree
# stays clean; a source tree configured in place (an in-tree ./configure) is
# cleaned first with `make distclean`, which out-of-tree builds need.
#
# Every test and step ends as passed, failed or skipped (exit 77: not
# applicable or impossible here, with the reason in its output). The closing
# line counts all three: "tests: N passed, N failed, N skipped". Under
# CI=true a skip is a failure too: CI must not pass on tests that never ran.
# The exit status is 0 only when nothing failed.
#
# Environment: KME_FUZZ_SECONDS (default 60) per fuzz harness;
# KME_FUZZ_BUILD (default _build/fuzz) the fuzzers' build and corpora;
# KME_ROOTS (default /var/cache/kme-roots) the Debian roots of the distro
# and i386 steps (tests/roots.sh).
#
# Run by a user other than root, it runs itself again through sudo (the
# end-to-end tests start auditd; the roots are chroots), passing on the
# variables above and CI; at its end the files it made in the tree are
# given back to that user.
set -u
cd "$(dirname "$0")/.." || exit 1
top=$(pwd)
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then
	set -- "KME_ELEVATED_FROM=$(id -u):$(id -g)"
	for v in CI KME_FUZZ_SECONDS KME_FUZZ_BUILD KME_ROOTS KME_DEBIAN_MIRROR; do
		eval "[ -z \"\${$v+set}\" ] || set -- \"\$@\" \"$v=\$$v\""
	done
	echo "tests/run-all.sh: running as root through sudo" >&2
	exec sudo env "$@" sh "$top/tests/run-all.sh"
fi
if [ -n "${KME_ELEVATED_FROM:-}" ]; then
	trap 'chown -R "$KME_ELEVATED_FROM" "$top"' EXIT
fi
jobs=$(nproc 2>/dev/null || echo 2)
: "${KME_FUZZ_SECONDS:=60}"
KME_FUZZ_BUILD=${KME_FUZZ_BUILD:-$top/_build/fuzz}
export KME_FUZZ_BUILD

# --- root-level steps --------------------------------------------------------
# One line each, "NAME: COMMAND" (a line starting with # is ignored):
# COMMAND runs with sh from the top of the source tree after both builds
# (the werror build is in _build/werror); its output goes to
# _build/NAME.out. Exit 0 passes, 77 skips, anything else fails. To add a
# test that needs no build of its own (a package test, an end-to-end test
# of a deployment), add its line here; a test that should run against both
# builds belongs in TESTS in Makefile.am instead. Steps that change the
# machine take the locks the README names (tests/e2e-lib.sh e2e_lock).
STEPS="
install: sh tests/install.sh _build/werror
fuzz: sh fuzz/run.sh $KME_FUZZ_SECONDS
bench-smoke: bash bench/run.sh --smoke --plugin _build/werror/plugin/audisp-kmod-enum
distcheck: cd _build/werror && make -j$jobs distcheck
package: sh tests/package.sh
e2e-aggregator: sh tests/e2e-aggregator.sh _build/werror
e2e-gap: sh tests/e2e-gap.sh _build/werror
debian13: sh tests/distro.sh trixie
sid: sh tests/distro.sh sid
i386: sh tests/i386.sh
rpm: sh tests/rpm.sh
"

mkdir -p _build
passed=0
failed=0
skipped=0
report=""   # one line per build or step for the closing table

step() { printf '\n=== %s ===\n' "$*"; }
now() { date +%s; }
note() { report="$report$(printf '  %-12s %-5s %5ss  %s' "$1" "$2" "$3" "$4")
"; }

# --- a source tree configured in place -----------------------------------------
if [ -f config.status ]; then
	step "the source tree is configured in place: make distclean (out-of-tree builds refuse it)"
	if [ -f Makefile ]; then
		make distclean >_build/distclean.out 2>&1 || { tail -n 20 _build/distclean.out; exit 1; }
	else
		rm -f config.status
	fi
	echo "cleaned; build out of tree (README's command 1 uses _build/quick)"
fi
autoreconf -fi >_build/autoreconf.out 2>&1 || { cat _build/autoreconf.out; exit 1; }

# --- builds and their make check ---------------------------------------------------
# A build's automake totals (the "# PASS: N" lines of make check), into
# bp/bf/bs and our totals.
count() {
	num() { v=$(sed -n "s/^# $1: *//p" "$2" | tail -n 1); echo "${v:-0}"; }
	bp=$(($(num PASS "$1") + $(num XFAIL "$1")))
	bf=$(($(num FAIL "$1") + $(num XPASS "$1") + $(num ERROR "$1")))
	bs=$(num SKIP "$1")
	passed=$((passed + bp))
	failed=$((failed + bf))
	skipped=$((skipped + bs))
}

build_and_check() {
	name=$1; shift
	dir=_build/$name
	t0=$(now)
	rm -rf "$dir"; mkdir -p "$dir"
	(cd "$dir" && "$top/configure" --prefix=/usr --sysconfdir=/etc --localstatedir=/var "$@" &&
	    make -j"$jobs") >"$dir.build.out" 2>&1
	built=$?
	if [ $built -ne 0 ]; then
		tail -n 40 "$dir.build.out"
		failed=$((failed + 1))
		note "$name" FAIL $(($(now) - t0)) "configure or make failed: $dir.build.out"
		return
	fi
	(cd "$dir" && make -j"$jobs" check) >"$dir.out" 2>&1
	rc=$?
	grep '^\(PASS\|FAIL\|SKIP\|XFAIL\|XPASS\|ERROR\):\|^# [A-Z]*: ' "$dir.out"
	count "$dir.out"
	if [ $rc -ne 0 ] && [ "$bf" -eq 0 ]; then
		bf=1; failed=$((failed + 1))   # make check failed outside the tests
	fi
	for f in "$dir"/tests/*.log; do
		[ -f "$f" ] || continue
		case $(sed -n 's/^:test-result: //p' "${f%.log}.trs" 2>/dev/null) in
		PASS|XFAIL) ;;
		SKIP) echo "--- $f (skipped)"; grep -i 'skip' "$f" | tail -n 3 ;;
		*) echo "--- $f"; tail -n 60 "$f" ;;
		esac
	done
	note "$name" "$([ "$bf" -eq 0 ] && echo ok || echo FAIL)" $(($(now) - t0)) \
		"make check: $bp passed, $bf failed, $bs skipped"
}

run_step() {
	name=$1; shift
	t0=$(now)
	sh -c "$*" >"_build/$name.out" 2>&1
	rc=$?
	case $rc in
	0)  tail -n 12 "_build/$name.out"; passed=$((passed + 1)); st=ok ;;
	77) tail -n 12 "_build/$name.out"; skipped=$((skipped + 1)); st=SKIP ;;
	*)  tail -n 60 "_build/$name.out"; failed=$((failed + 1)); st=FAIL ;;
	esac
	note "$name" $st $(($(now) - t0)) "$* (exit $rc)"
}

t_start=$(now)
step "build with -Werror, make check"
build_and_check werror CFLAGS="-O2 -g -Werror"

step "ASan + UBSan build, make check"
build_and_check asan \
	CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all -Werror" \
	LDFLAGS="-fsanitize=address,undefined"

# (blank lines and lines starting with # are ignored)
echo "$STEPS" | grep -v '^[[:space:]]*\(#\|$\)' >_build/steps.list
while IFS= read -r line; do
	name=${line%%:*}
	step "$name: ${line#*: }"
	run_step "$name" "${line#*: }"
done <_build/steps.list

echo
echo "=== summary ($(($(now) - t_start)) s) ==="
printf '%s' "$report"
if [ "${CI:-}" = true ] && [ "$skipped" -gt 0 ]; then
	echo "CI=true: the $skipped skipped count as failed"
	failed=$((failed + skipped))
fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
