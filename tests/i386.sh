#!/bin/sh
# tests/i386.sh - the plugin built for 32-bit x86, where long and time_t
# have 32 bits (root; a step of tests/run-all.sh). In an i386 root of
# Debian 12 (audit 3.0.9) and one of Debian 13 (audit 4.0.x), each made
# once by debootstrap --arch=i386 and kept (tests/roots.sh; this kernel runs
# 32-bit programs), under `setarch i686`:
#   - dpkg-buildpackage -b from a clean copy of this tree, which runs the
#     unit suites, tests/golden.sh and tests/hosts.sh there;
#   - every golden comparison of tests/golden.sh (alerts and explanations
#     equal tests/golden/*, byte for byte) passed, none failed: the same
#     decisions as the 64-bit build, with auparse's end-of-event timeout
#     within a 32-bit long (plugin/assemble.c).
# Under CI=true, whatever keeps the test from running is a failure.
. "$(dirname "$0")/roots.sh"
roots_ns "$@"
. "$(dirname "$0")/lib.sh"

PKG=audisp-kmod-enum
trap 'roots_umount; [ -n "${KEEP_TMP:-}" ] && echo "kept $TMP" || rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM
[ "$(id -u)" -eq 0 ] || cant_run "needs root (debootstrap, chroot, mounts)"
for tool in debootstrap chroot unshare flock setarch; do
	command -v $tool >/dev/null || cant_run "$tool is not installed (tests/deps.sh)"
done
ROOT_SETARCH=i686

# i386_build NAME SUITE AUDIT: one root, one build, its golden comparisons.
i386_build() {
	root_make "$1" "$2" i386 "build-essential xz-utils" || cant_run "no $2 i386 root"
	root_enter "$1" || cant_run "cannot enter the $2 i386 root"
	ib_audit=$(in_root dpkg-query -W -f='${Version}' libauparse-dev)
	check "$2 i386: long has 32 bits (getconf LONG_BIT), libauparse $ib_audit is audit $3.x" \
		sh -c "[ '$(in_root getconf LONG_BIT)' = 32 ] && echo '$ib_audit' | grep -q '^\([0-9]*:\)\{0,1\}$3\.'"
	root_dpkg_build "$2 i386" "$TMP/$1.build.log"
	ib_log=$ROOT/build/$PKG/debian/build/tests/golden.sh.log
	ib_same=$(grep -c '^ok - .*equal the golden file' "$ib_log" 2>/dev/null)
	ib_diff=$(grep -c '^not ok' "$ib_log" 2>/dev/null)
	check "$2 i386: ${ib_same:-0} golden comparisons identical, ${ib_diff:-?} differ" \
		test "${ib_same:-0}" -gt 0 -a "${ib_diff:-1}" -eq 0
	ib_deb=$(ls "$ROOT/build/${PKG}_"*_i386.deb 2>/dev/null)
	check "$2 i386: the package is for i386, its program a 32-bit ELF" sh -c \
		"[ -n '$ib_deb' ] && [ \"\$(head -c 5 '$ROOT/build/$PKG/debian/build/plugin/$PKG' | od -An -tx1 | tr -d ' ')\" = 7f454c4601 ]"
}

i386_build bookworm-i386 bookworm 3.0
i386_build trixie-i386 trixie 4.0
finish
