# shellcheck shell=dash
# tests/roots.sh - Debian roots of other releases and architectures for the
# tests that build and run the plugin there (tests/distro.sh, tests/i386.sh;
# sourced after tests/lib.sh; root only). A root is made once with
# debootstrap from this machine's Debian mirror and kept; a test never
# changes it: it works in an overlay of its own on top, in a mount namespace
# of its own, so everything it mounts, installs or writes there is gone when
# it exits.
#
#   roots_ns "$@"          first line of a test: re-run the test in a private
#                          mount namespace (unshare -m); returns there.
#   root_make NAME SUITE ARCH PACKAGES
#                          the root NAME ($KME_ROOTS/NAME, default
#                          /var/cache/kme-roots): `debootstrap
#                          --variant=minbase` of SUITE for ARCH, then
#                          PACKAGES and the Build-Depends of debian/control
#                          installed with apt (no recommends). Kept and
#                          reused while its stamp (suite, architecture,
#                          mirror, packages, Build-Depends) matches; made
#                          again otherwise. Holds a shared lock on it until
#                          the test exits (root_make of another test waits
#                          for an exclusive one to remake it). Says "made in
#                          N s" or "reused"; 1 (said on stderr) on failure.
#   root_enter NAME        an overlay of root NAME at $ROOT (writable; the
#                          kept root stays as it is), /proc and a devpts of
#                          its own mounted in it.
#   roots_umount           unmount what root_enter mounted (before $TMP is
#                          removed).
#   in_root COMMAND...     COMMAND in $ROOT (chroot, the root's PATH, no
#                          daemon started by a package: policy-rc.d says no;
#                          under setarch $ROOT_SETARCH when set).
#   root_source DIR        the files git knows of this tree (committed or
#                          not), or the tree minus .git and _build*, copied
#                          to $ROOT/DIR.
#   root_dpkg_build LABEL LOG
#                          this tree copied to $ROOT/build/audisp-kmod-enum
#                          and `dpkg-buildpackage -b -us -uc` run there
#                          (output in LOG): checks (tests/lib.sh) that it
#                          built and that its build-time tests (the unit
#                          suites, the golden replays) all passed, LABEL
#                          naming where; 1 if it did not build.
#
# The mirror is the first Debian archive of /etc/apt/sources.list{,.d/}
# (KME_DEBIAN_MIRROR replaces it). Debian's development suite (sid) has an
# expired Release date on a mirror that is a snapshot: apt is told not to
# check it there (Acquire::Check-Valid-Until=false, sid roots only).

: "${KME_ROOTS:=/var/cache/kme-roots}"
ROOT=
ROOT_MOUNTS=
ROOT_SETARCH=

roots_ns() {
	[ -n "${KME_ROOTS_NS:-}" ] && return 0
	command -v unshare >/dev/null || cant_run "unshare is not installed (util-linux)"
	KME_ROOTS_NS=1
	export KME_ROOTS_NS
	exec unshare -m --propagation private sh "$0" "$@"
}

roots_mirror() {
	if [ -n "${KME_DEBIAN_MIRROR:-}" ]; then
		echo "$KME_DEBIAN_MIRROR"
		return
	fi
	{
		sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/*.sources 2>/dev/null |
			tr ' ' '\n'
		sed -n 's/^deb \(\[[^]]*\] \)\{0,1\}\([^ ]*\).*/\2/p' \
			/etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null
	} | grep -m 1 '^https\{0,1\}://.*/debian/\{0,1\}$'
}

# The Build-Depends of debian/control as package names (no versions, no
# build profiles, no :any).
roots_builddeps() {
	awk '/^Build-Depends:/ { f = 1; sub(/^Build-Depends:/, ""); print; next }
	     f && /^[ \t]/ { print; next }
	     { f = 0 }' "$KME_SRCDIR/debian/control" |
		tr ',' '\n' | sed -e 's/[[(<].*//' -e 's/:any//' -e 's/[[:space:]]//g' |
		grep . | sort -u | tr '\n' ' '
}

# root_make NAME SUITE ARCH PACKAGES
root_make() {
	local rm_dir rm_mirror rm_stamp rm_t0 rm_pkgs
	rm_dir=$KME_ROOTS/$1
	rm_mirror=$(roots_mirror) || { echo "root $1: no Debian mirror in /etc/apt/sources.list*" >&2; return 1; }
	rm_pkgs="$4 $(roots_builddeps)"
	rm_stamp="suite=$2 arch=$3 mirror=$rm_mirror variant=minbase packages=$rm_pkgs"
	mkdir -p "$KME_ROOTS" || return 1
	exec 8>"$rm_dir.lock"
	if flock -s -w 1800 8 && [ "$(cat "$rm_dir/.kme-root" 2>/dev/null)" = "$rm_stamp" ]; then
		echo "# root $1 ($2, $3): reused ($rm_dir)"
		return 0
	fi
	flock -u 8
	flock -x -w 1800 8 || { echo "root $1: $rm_dir.lock stayed taken" >&2; return 1; }
	# Made by another test while we waited?
	if [ "$(cat "$rm_dir/.kme-root" 2>/dev/null)" != "$rm_stamp" ]; then
		rm_t0=$(date +%s)
		root_build "$rm_dir.new" "$2" "$3" "$rm_mirror" "$rm_pkgs" >"$rm_dir.log" 2>&1 || {
			echo "root $1: could not be made ($rm_dir.log):" >&2
			tail -n 20 "$rm_dir.log" >&2
			rm -rf "$rm_dir.new"
			flock -u 8
			return 1
		}
		printf '%s\n' "$rm_stamp" >"$rm_dir.new/.kme-root"
		rm -rf "$rm_dir" && mv "$rm_dir.new" "$rm_dir" || return 1
		echo "# root $1 ($2, $3): made in $(($(date +%s) - rm_t0)) s ($rm_dir, $(du -sm "$rm_dir" | cut -f1) MiB; log $rm_dir.log)"
	else
		echo "# root $1 ($2, $3): reused ($rm_dir)"
	fi
	flock -s 8   # the exclusive lock becomes shared
}

# root_build DIR SUITE ARCH MIRROR PACKAGES (in our mount namespace)
root_build() {
	local rb_apt
	rm -rf "$1"
	echo "debootstrap --variant=minbase --arch=$3 $2 $1 $4"
	debootstrap --variant=minbase --arch="$3" "$2" "$1" "$4" || return 1
	# No package may start a daemon in the root (invoke-rc.d asks this).
	printf '#!/bin/sh\nexit 101\n' >"$1/usr/sbin/policy-rc.d"
	chmod 0755 "$1/usr/sbin/policy-rc.d"
	case $2 in
	sid|unstable)
		echo 'Acquire::Check-Valid-Until "false";' >"$1/etc/apt/apt.conf.d/99kme-valid-until" ;;
	esac
	mount -t proc proc "$1/proc" || return 1
	rb_apt="env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive apt-get -q -y -o APT::Install-Recommends=false"
	# shellcheck disable=SC2086
	chroot "$1" $rb_apt update &&
		chroot "$1" $rb_apt install $5 &&
		chroot "$1" $rb_apt clean
	set -- "$1" $?
	umount "$1/proc"
	return "$2"
}

# root_enter NAME: the overlay at $ROOT ($TMP/roots/NAME: removed with
# $TMP, after roots_umount).
root_enter() {
	local re_d
	re_d=$TMP/roots/$1
	mkdir -p "$re_d.upper" "$re_d.work" "$re_d" || return 1
	mount -t overlay overlay -o "lowerdir=$KME_ROOTS/$1,upperdir=$re_d.upper,workdir=$re_d.work" \
		"$re_d" || { echo "root $1: mount -t overlay failed" >&2; return 1; }
	ROOT=$re_d
	ROOT_MOUNTS="$re_d $ROOT_MOUNTS"
	mount -t proc proc "$ROOT/proc" || { echo "root $1: mount proc failed" >&2; return 1; }
	ROOT_MOUNTS="$ROOT/proc $ROOT_MOUNTS"
	# Terminals of its own (dpkg logs through one).
	mount -t devpts -o newinstance,ptmxmode=0666 devpts "$ROOT/dev/pts" &&
		ROOT_MOUNTS="$ROOT/dev/pts $ROOT_MOUNTS" &&
		mount --bind "$ROOT/dev/pts/ptmx" "$ROOT/dev/ptmx" &&
		ROOT_MOUNTS="$ROOT/dev/ptmx $ROOT_MOUNTS" ||
		{ echo "root $1: mount devpts failed" >&2; return 1; }
}

# roots_umount: undo every root_enter (newest mount first); 1 if one stays
# mounted (then KEEP_TMP=1: $TMP must not be removed through it).
roots_umount() {
	local ru_m ru_rc
	ru_rc=0
	for ru_m in $ROOT_MOUNTS; do
		umount "$ru_m" || { echo "# $ru_m stays mounted: $TMP kept"; KEEP_TMP=1; ru_rc=1; }
	done
	ROOT_MOUNTS=
	return $ru_rc
}

# ROOT_SETARCH (say i686): the personality the root's programs run with.
in_root() {
	${ROOT_SETARCH:+setarch "$ROOT_SETARCH"} chroot "$ROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}

root_source() {
	# Only this project's tree: never a copy of whatever KME_SRCDIR names.
	[ -f "$KME_SRCDIR/configure.ac" ] && [ -f "$KME_SRCDIR/tests/roots.sh" ] ||
		{ echo "root_source: $KME_SRCDIR is not the source tree" >&2; return 1; }
	mkdir -p "$ROOT/$1" || return 1
	if git -C "$KME_SRCDIR" rev-parse --git-dir >/dev/null 2>&1; then
		(cd "$KME_SRCDIR" && git ls-files -z -co --exclude-standard | tar --null -T - -cf -) |
			tar -xf - -C "$ROOT/$1"
	else
		(cd "$KME_SRCDIR" && tar --exclude=./.git --exclude='./_build*' -cf - .) | tar -xf - -C "$ROOT/$1"
	fi
}

root_dpkg_build() {
	local rdb_t0 rdb_rc
	root_source /build/audisp-kmod-enum || cant_run "cannot copy the source tree into the $1 root"
	rdb_t0=$(date +%s)
	in_root sh -c "cd /build/audisp-kmod-enum && dpkg-buildpackage -b -us -uc" >"$2" 2>&1
	rdb_rc=$?
	check "$1: dpkg-buildpackage -b -us -uc ($(($(date +%s) - rdb_t0)) s)" test $rdb_rc -eq 0
	[ $rdb_rc -eq 0 ] || tail -n 40 "$2"
	grep -E "^# (TOTAL|PASS|FAIL|SKIP|ERROR)" "$2" | tail -n 5 | sed "s/^# /#   $1 build-time tests: /"
	check "$1: the build-time tests (unit suites, golden replays) all pass" sh -c \
		"grep -q '^# FAIL:  0' '$2' && grep -q '^# ERROR: 0' '$2' && grep -q '^PASS: tests/golden.sh' '$2'"
	return $rdb_rc
}
