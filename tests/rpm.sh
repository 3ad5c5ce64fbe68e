#!/bin/sh
# tests/rpm.sh - the RPM package (audisp-kmod-enum.spec), built on this
# Debian machine with Debian's rpm and rpmlint (a step of tests/run-all.sh;
# no root needed):
#   1. `make dist` of this tree (a fresh out-of-tree configure), then
#      `rpmbuild -ta` of the tarball, as README says to build it on
#      Fedora/RHEL: the spec travels in the tarball, %check runs the unit
#      suites and the golden replays, and rpmbuild's check-files finds no
#      installed file the spec leaves out. --nodeps: Debian's rpm database
#      is empty, so the BuildRequires are Debian's packages here;
#   2. the package holds what Fedora's audit packaging would: the program
#      in /usr/sbin (0750), the drop-in and the configuration under
#      /etc/audit as %config(noreplace), 0640, the drop-in inactive; the
#      rules in /usr/share/audisp-kmod-enum (not loaded); the state
#      directory 0700;
#   3. rpmlint of the spec, the source and the binary package: nothing but
#      the filters of audisp-kmod-enum.rpmlintrc (each with its reason) and
#      those below, for what Debian's rpm and rpmlint do not do as
#      Fedora's do.
. "$(dirname "$0")/lib.sh"

PKG=audisp-kmod-enum
for tool in rpmbuild rpmlint rpm2cpio cpio make; do
	command -v $tool >/dev/null || cant_run "$tool is not installed (tests/deps.sh)"
done
[ -x "$KME_SRCDIR/configure" ] || cant_run "no configure in $KME_SRCDIR (autoreconf -fi)"

# --- 1. tarball and rpmbuild -ta ------------------------------------------------
VERSION=$(sed -n 's/^AC_INIT(\[[^]]*\], \[\([^]]*\)\].*/\1/p' "$KME_SRCDIR/configure.ac")
check "the spec's Version is configure.ac's ($VERSION)" \
	grep -qx "Version: *$VERSION" "$KME_SRCDIR/$PKG.spec"
mkdir -p "$TMP/dist" "$TMP/rpmbuild"
(cd "$TMP/dist" && "$KME_SRCDIR/configure" && make dist) >"$TMP/dist.log" 2>&1
check "make dist" test -f "$TMP/dist/$PKG-$VERSION.tar.gz"
check "the tarball carries the spec (rpmbuild -ta reads it there)" \
	sh -c "tar -tzf '$TMP/dist/$PKG-$VERSION.tar.gz' | grep -qx '$PKG-$VERSION/$PKG.spec'"
t0=$(date +%s)
rpmbuild -ta --nodeps --define "_topdir $TMP/rpmbuild" "$TMP/dist/$PKG-$VERSION.tar.gz" \
	>"$TMP/rpmbuild.log" 2>&1
rc=$?
check "rpmbuild -ta ($(($(date +%s) - t0)) s)" test $rc -eq 0
[ $rc -eq 0 ] || tail -n 40 "$TMP/rpmbuild.log"
grep -E "^# (TOTAL|PASS|FAIL|ERROR):" "$TMP/rpmbuild.log" | tail -n 4 | sed 's/^# /#   %check: /'
check "%check ran the unit suites and the golden replays, all passing" \
	sh -c "grep -q '^# FAIL:  0' '$TMP/rpmbuild.log' && grep -q '^PASS: tests/golden.sh' '$TMP/rpmbuild.log'"
check "every file make install installs is in the package (rpmbuild's check-files)" sh -c \
	"grep -q 'Checking for unpackaged file' '$TMP/rpmbuild.log' && ! grep -q 'Installed (but unpackaged)' '$TMP/rpmbuild.log'"
RPM=$(ls "$TMP"/rpmbuild/RPMS/*/$PKG-$VERSION-*.rpm 2>/dev/null | head -n 1)
SRPM=$(ls "$TMP"/rpmbuild/SRPMS/$PKG-$VERSION-*.src.rpm 2>/dev/null | head -n 1)
[ -n "$RPM" ] && [ -n "$SRPM" ] || { not_ok "rpmbuild wrote a binary and a source package"; finish; }
echo "# built $(basename "$RPM") and $(basename "$SRPM")"

# --- 2. contents ------------------------------------------------------------
rpm -qp --qf '[%{FILEMODES:perms} %{FILEUSERNAME}:%{FILEGROUPNAME} %{FILEFLAGS:fflags} %{FILENAMES}\n]' \
	"$RPM" >"$TMP/files" 2>/dev/null
sed 's/^/#   /' "$TMP/files"
has() { grep -qx -- "$1" "$TMP/files"; }
check "the program: /usr/sbin, 0750 root" has "-rwxr-x--- root:root  /usr/sbin/$PKG"
check "the drop-in: %config(noreplace), 0640 root" has "-rw-r----- root:root cn /etc/audit/plugins.d/au-kmod-enum.conf"
check "the configuration: %config(noreplace), 0640 root" has "-rw-r----- root:root cn /etc/audit/$PKG.conf"
check "the state directory: 0700 root" has "drwx------ root:root  /var/lib/$PKG"
check "the rules in /usr/share/$PKG, none in /etc/audit/rules.d" sh -c \
	"grep -q ' /usr/share/$PKG/kmod-enum.rules\$' '$TMP/files' && ! grep -q ' /etc/audit/rules.d' '$TMP/files'"
check "the man pages and the license" sh -c \
	"grep -q '/man8/$PKG.8' '$TMP/files' && grep -q '/man5/$PKG.conf.5' '$TMP/files' && grep -q ' l /usr/share/licenses/.*/COPYING\$' '$TMP/files'"
mkdir -p "$TMP/x"
(cd "$TMP/x" && rpm2cpio "$RPM" | cpio -idm --quiet) 2>/dev/null
check "the drop-in is inactive (active = no), runs /usr/sbin/$PKG with its configuration" sh -c \
	"grep -qx 'active = no' '$TMP/x/etc/audit/plugins.d/au-kmod-enum.conf' &&
	 grep -qx 'path = /usr/sbin/$PKG' '$TMP/x/etc/audit/plugins.d/au-kmod-enum.conf' &&
	 grep -qx 'args = -c /etc/audit/$PKG.conf' '$TMP/x/etc/audit/plugins.d/au-kmod-enum.conf'"
check "the packaged configuration names the packaged state directory" \
	grep -qx "state_file = /var/lib/$PKG/state.json" "$TMP/x/etc/audit/$PKG.conf"
check "the package requires audit (auditd owns /etc/audit/plugins.d)" \
	sh -c "rpm -qpR '$RPM' 2>/dev/null | grep -qx audit"

# --- 3. rpmlint -------------------------------------------------------------
# What Debian's rpm and rpmlint do not do as Fedora's: Debian's rpmlint
# has no Fedora configuration (which drops the Packager, Group and
# BuildRoot tags Fedora forbids, and knows SPDX license names), Debian's
# brp-compress fails under dash (its `read -d` is bash's) so man pages stay
# uncompressed (and rpmlint then misses the program's man page), its
# brp-strip keeps the symbol table where Fedora's find-debuginfo strips it,
# and a local build is not signed.
cat >"$TMP/debian.rpmlintrc" <<'EOF'
addFilter("no-packager-tag")
addFilter("no-group-tag")
addFilter("no-buildroot-tag")
addFilter("invalid-license GPL-2.0-or-later")
addFilter("manpage-not-compressed")
addFilter("no-manual-page-for-binary audisp-kmod-enum")
addFilter("unstripped-binary-or-object /usr/sbin/audisp-kmod-enum")
addFilter("no-signature")
EOF
cat "$KME_SRCDIR/$PKG.rpmlintrc" "$TMP/debian.rpmlintrc" >"$TMP/rpmlintrc"
rpmlint -r "$TMP/rpmlintrc" "$KME_SRCDIR/$PKG.spec" "$SRPM" "$RPM" >"$TMP/rpmlint.out" 2>&1
rc=$?
grep -E ': [EW]: |checked;' "$TMP/rpmlint.out" | sed 's/^/#   rpmlint: /'
check "rpmlint: 0 errors, 0 warnings (beyond the filters, each with its reason)" \
	sh -c "[ $rc -eq 0 ] && grep -q ' 0 errors, 0 warnings' '$TMP/rpmlint.out'"
finish
