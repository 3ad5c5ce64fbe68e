#!/bin/sh
# tests/package.sh [FILE.deb] - the Debian package, as an administrator gets
# it (root; not part of `make check`):
#   1. builds the .deb with `dpkg-buildpackage -b -us -uc` from a clean copy of
#      this tree (the files git knows, committed or not; no build products), or
#      takes FILE.deb; `lintian --pedantic` reports nothing but the justified
#      overrides; nothing `make install` installs is missing from the package;
#   2. installs it with `apt-get install ./FILE.deb`: files, modes, conffiles,
#      an inactive drop-in, no audit rules in /etc/audit/rules.d;
#   3. activates it as README.Debian says (active = yes; the shipped rules
#      loaded), starts a real auditd with the system's /etc/audit and a real
#      rsyslogd on /dev/log: an lsmod gives an alert in syslog;
#   4. apt-get remove: the plugin auditd runs stops and saves its state;
#      conffiles and state stay (Debian policy);
#   5. apt-get purge: no path of `dpkg -L` that the package created is left,
#      nor the state directory, even after auditd stops;
#   6. leaves the machine as it found it: /etc/audit, the audit rules, the
#      enabled flag, auditd's package, /var/log/audit.
# Holds the audit-subsystem lock (tests/e2e-lib.sh) from before the plugin is
# activated until everything is restored. The audit rules are loaded with
# auditctl -a, not augenrules --load (which starts with -D and would delete
# every rule on the machine), and deleted one by one at the end.
# Under CI=true, whatever keeps the test from running is a failure.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/e2e-lib.sh"
export DEBIAN_FRONTEND=noninteractive

PKG=audisp-kmod-enum
BIN=/usr/sbin/audisp-kmod-enum
DROPIN=/etc/audit/plugins.d/au-kmod-enum.conf
CONF=/etc/audit/audisp-kmod-enum.conf
SHIPPED_RULES=/usr/share/audisp-kmod-enum/kmod-enum.rules
STATEDIR=/var/lib/audisp-kmod-enum
AUDITLOG_DIR=/var/log/audit
# Snapshots outlive e2e_cleanup, which removes $TMP.
SNAP=$(mktemp -d "${TMPDIR:-/tmp}/kme-package-snap.XXXXXX")
INSTALLED=0
AUDITLOG_CREATED=0
PIDFILE_CREATED=0

apt_get() {
	apt-get -y -o DPkg::Lock::Timeout=600 "$@" >"$TMP/apt.out" 2>&1
	rc=$?
	sed 's/^/#   /' "$TMP/apt.out" | grep -E "^#   ([0-9]+ upgraded|E:|W:|dpkg)"
	return $rc
}
pkg_status() { dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null | tr -d ' '; }
mode() { stat -c %a "$1" 2>/dev/null; }

# Restore everything this test changed; safe to run twice.
package_cleanup() {
	if [ "$INSTALLED" = 1 ] && [ -n "$(pkg_status $PKG)" ]; then
		apt-get -y -o DPkg::Lock::Timeout=600 purge "$PKG" >/dev/null 2>&1
	fi
	INSTALLED=0
	e2e_cleanup   # audit rules, auditd, enabled flag, rsyslogd, /dev/log, $TMP
	if [ "$AUDITLOG_CREATED" = 1 ]; then
		rm -f "$AUDITLOG_DIR"/audit.log "$AUDITLOG_DIR"/audit.log.[0-9]*
		AUDITLOG_CREATED=0
	fi
	[ "$PIDFILE_CREATED" = 1 ] && rm -f /run/auditd.pid
	PIDFILE_CREATED=0
}
trap 'package_cleanup; rm -rf "$SNAP"' EXIT
trap 'exit 1' INT TERM

[ "$(id -u)" -eq 0 ] || cant_run "needs root (apt-get install, auditd, audit rules)"
for tool in apt-get dpkg-deb auditd auditctl rsyslogd; do
	command -v $tool >/dev/null || cant_run "$tool is not installed (tests/deps.sh)"
done
[ -z "$(pkg_status $PKG)" ] || [ "$(pkg_status $PKG)" = un ] ||
	cant_run "$PKG is installed ($(pkg_status $PKG)); the test installs and purges it"

# --- 1. the .deb ------------------------------------------------------------
if [ $# -ge 1 ]; then
	DEB=$(readlink -f "$1")
	[ -f "$DEB" ] || cant_run "no such file: $1"
	lint_target=$DEB
else
	for tool in dpkg-buildpackage dpkg-checkbuilddeps lintian; do
		command -v $tool >/dev/null || cant_run "$tool is not installed (tests/deps.sh)"
	done
	SRC=$TMP/build/$PKG
	mkdir -p "$SRC"
	if git -C "$KME_SRCDIR" rev-parse --git-dir >/dev/null 2>&1; then
		(cd "$KME_SRCDIR" && git ls-files -z -co --exclude-standard | tar --null -T - -cf -) |
			tar -xf - -C "$SRC"
	else
		(cd "$KME_SRCDIR" && tar --exclude=./.git --exclude='./_build*' -cf - .) | tar -xf - -C "$SRC"
	fi
	(cd "$SRC" && dpkg-checkbuilddeps) >"$TMP/builddeps.out" 2>&1 ||
		cant_run "build dependencies missing (tests/deps.sh): $(cat "$TMP/builddeps.out")"
	start=$(date +%s)
	(cd "$SRC" && dpkg-buildpackage -b -us -uc) >"$TMP/build.log" 2>&1
	rc=$?
	check "dpkg-buildpackage -b -us -uc builds the package ($(($(date +%s) - start)) s)" test $rc -eq 0
	if [ $rc -ne 0 ]; then
		tail -n 40 "$TMP/build.log"
		finish; exit 1
	fi
	grep -E "^# (TOTAL|PASS|FAIL|SKIP|ERROR)" "$TMP/build.log" | sed 's/^# /#   build-time tests: /'
	check "the build ran the unit suites and the golden replays, all passing" \
		sh -c "grep -q '^# FAIL:  0' '$TMP/build.log' && grep -q '^# ERROR: 0' '$TMP/build.log' && grep -q '^PASS: tests/golden.sh' '$TMP/build.log'"
	check "the build ran no end-to-end test" sh -c "! grep -q '^[A-Z]*: tests/e2e' '$TMP/build.log'"
	check "the build ran dh_missing --fail-missing" grep -q "^dh_missing --fail-missing" "$TMP/build.log"
	# Every file `make install` put in debian/tmp is in the package, at its
	# path (the rules file moved to /usr/share/audisp-kmod-enum by design).
	DEB=$(ls "$TMP"/build/${PKG}_*.deb)
	# (dh_compress gzips the man pages: compare names without .gz.)
	(cd "$SRC/debian/tmp" && find . ! -type d | sed -e 's|^\.||' -e 's|\.gz$||' | sort) >"$TMP/make-install.list"
	dpkg-deb -c "$DEB" | awk '{ print $6 }' | sed -e 's|^\.||' -e 's|\.gz$||' | sort >"$TMP/deb.list"
	comm -23 "$TMP/make-install.list" "$TMP/deb.list" >"$TMP/not-packaged"
	check "every file make install installs is in the package ($(wc -l <"$TMP/make-install.list") files)" \
		test ! -s "$TMP/not-packaged"
	sed 's/^/#   not packaged: /' "$TMP/not-packaged"
	lint_target=$(ls "$TMP"/build/${PKG}_*.changes)
fi
if command -v lintian >/dev/null; then
	# Its temporary files in $TMP: lintian 2.116 leaves an mldbm-elf-* file
	# behind in TMPDIR on every run.
	TMPDIR=$TMP lintian --pedantic -I -E --show-overrides "$lint_target" >"$TMP/lintian.out" 2>"$TMP/lintian.err"
	grep -v '^N: ' "$TMP/lintian.out" | sed 's/^/#   lintian: /'
	check "lintian --pedantic reports nothing but $(grep -c '^O: ' "$TMP/lintian.out") overrides (justified in debian/*.lintian-overrides)" \
		sh -c "! grep -q '^[EWIPX]: ' '$TMP/lintian.out' && ! grep -v 'root privileges' '$TMP/lintian.err' | grep -q ."
else
	cant_run "lintian is not installed (tests/deps.sh)"
fi

# --- what the machine looks like before -------------------------------------
# /etc/audit: every path with its mode, owner and content.
snap_etc_audit() {
	find /etc/audit | sort | while read -r p; do
		printf '%s %s ' "$p" "$(stat -c '%a %U:%G' "$p")"
		[ -f "$p" ] && md5sum <"$p" | cut -d' ' -f1 || echo dir
	done
}
snap_etc_audit >"$SNAP/etc-audit.before"
AUDITD_PKG_BEFORE=$(pkg_status auditd)
ls -A "$AUDITLOG_DIR" >"$SNAP/auditlog.before" 2>/dev/null
[ -e "$AUDITLOG_DIR/audit.log" ] || AUDITLOG_CREATED=1
[ -e /run/auditd.pid ] || PIDFILE_CREATED=1
# The package's paths that exist already: shared directories are expected; a
# file (say, from `make install`) would be overwritten and then purged.
dpkg-deb -c "$DEB" | awk '{ print $6 }' | sed -e 's|^\./|/|' -e 's|/$||' -e '/^$/d' | sort >"$SNAP/deb.paths"
: >"$SNAP/existed"
while read -r p; do
	if [ -e "$p" ] || [ -L "$p" ]; then
		if [ ! -d "$p" ] || [ -L "$p" ]; then
			cant_run "$p exists already (a make install?); the package would replace it"
		fi
		dpkg -S "$p" >/dev/null 2>&1 || cant_run "$p exists and belongs to no package (a make install?); purge would remove it"
		echo "$p $(mode "$p")" >>"$SNAP/existed"
	fi
done <"$SNAP/deb.paths"
[ -e "$STATEDIR" ] && cant_run "$STATEDIR exists already; purge would remove it"

# --- 2. install -------------------------------------------------------------
INSTALLED=1
apt_get install "$DEB"
check "apt-get install ./$(basename "$DEB") succeeds" test $? -eq 0
check "apt installed exactly one package, removed none" \
	grep -q "^0 upgraded, 1 newly installed, 0 to remove" "$TMP/apt.out"
check "dpkg: installed" test "$(pkg_status $PKG)" = ii
dpkg -L "$PKG" | grep -vx '/\.' | sort >"$SNAP/dpkg-L"
check "dpkg -L lists what the .deb holds" cmp -s "$SNAP/dpkg-L" "$SNAP/deb.paths"
check "the plugin is $BIN, mode 0755, root-owned" test "$(stat -c '%a %U' $BIN)" = "755 root"
check "the conffiles are the drop-in and the configuration" test \
	"$(dpkg-query -W -f='${Conffiles}\n' $PKG | awk 'NF { print $1 }' | sort | tr '\n' ' ')" = "$CONF $DROPIN "
check "the drop-in is inactive and runs $BIN with $CONF" sh -c \
	"grep -qx 'active = no' $DROPIN && grep -qx 'path = $BIN' $DROPIN && grep -qx 'args = -c $CONF' $DROPIN"
check "drop-in and configuration: mode 0640, root-owned" \
	test "$(stat -c '%a %U' $DROPIN) $(stat -c '%a %U' $CONF)" = "640 root 640 root"
check "/etc/audit and plugins.d keep auditd's 0750" \
	test "$(mode /etc/audit) $(mode /etc/audit/plugins.d)" = "750 750"
check "the installed configuration is valid" sh -c "$BIN --check-config -c $CONF | grep -q OK"
check "the state directory $STATEDIR: mode 0700, root-owned" test "$(stat -c '%a %U' $STATEDIR)" = "700 root"
check "no audit rules installed in /etc/audit/rules.d (shipped in $SHIPPED_RULES)" sh -c \
	"! grep -q '^/etc/audit/rules.d/' '$SNAP/dpkg-L' && grep -q -- '-S execve,execveat' $SHIPPED_RULES"
check "man pages audisp-kmod-enum(8) and audisp-kmod-enum.conf(5)" \
	test -f /usr/share/man/man8/audisp-kmod-enum.8.gz -a -f /usr/share/man/man5/audisp-kmod-enum.conf.5.gz
check "copyright: machine-readable, GPL-2.0-or-later" sh -c \
	"grep -q '^Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' /usr/share/doc/$PKG/copyright &&
	 grep -q '^License: GPL-2.0-or-later' /usr/share/doc/$PKG/copyright"
# dh_compress compresses documentation over 4 KiB (Debian policy 12.3), so
# README.Debian may be installed as README.Debian.gz; either is the file.
check "README.Debian is installed" \
	sh -c "test -f /usr/share/doc/$PKG/README.Debian || test -f /usr/share/doc/$PKG/README.Debian.gz"

# --- 3. activate and alert --------------------------------------------------
start_rsyslogd   # takes the audit-subsystem lock first
pidof auditd >/dev/null && cant_run "an auditd is running (pid $(pidof auditd)); the test starts its own"
ENABLED_BEFORE=$(auditctl -s 2>/dev/null | awk '$1 == "enabled" { print $2 }')
[ -n "$ENABLED_BEFORE" ] || cant_run "the kernel audit subsystem does not answer (auditctl -s)"
[ "$ENABLED_BEFORE" = 2 ] && cant_run "audit configuration is locked (enabled 2)"
# Under the lock: no other test's rules come or go while we compare.
auditctl -l >"$SNAP/rules.before" 2>&1
grep -q "kmod-enum" "$SNAP/rules.before" &&
	cant_run "the kmod-enum audit rules are loaded already; the test would delete them"
# Loaded and later deleted by e2e-lib, rule by rule.
E2E_RULES=$(grep -v '^#' $SHIPPED_RULES | grep .)
sed -i 's/^active = no$/active = yes/' $DROPIN   # README.Debian's command
check "activated: active = yes" grep -qx 'active = yes' $DROPIN
load_rules
check "the shipped rules load ($(echo "$E2E_RULES" | wc -l) rules)" \
	test "$(auditctl -l | grep -c 'key=kmod-enum-exec')" -eq "$(echo "$E2E_RULES" | wc -l)"

auditd -n >"$TMP/auditd.out" 2>&1 &
AUDITD_PID=$!
# The plugin: a child of our auditd running the installed program.
packaged_plugin() {
	for p in $(pgrep -P "$AUDITD_PID"); do
		[ "$(readlink "/proc/$p/exe")" = $BIN ] && echo "$p"
	done
}
plugin_running() { [ -n "$(packaged_plugin)" ]; }
wait_for 10 plugin_running ||
	cant_run "auditd (system configuration) did not start the plugin: $(cat "$TMP/auditd.out")"
PLUGIN=$(packaged_plugin)
check "auditd with the system's /etc/audit starts the packaged plugin (pid $PLUGIN)" test -n "$PLUGIN"
# /dev/log is the machine's: other tests running the plugin without auditd
# (no lock needed) may log here too. Ours are known by their pids.
check "the plugin logs its start to syslog" wait_for 10 grep -q "audisp-kmod-enum\[$PLUGIN\]: started" "$SYSLOG"

W=$TMP/work/package-lsmod
mkdir -p "$W"
# A shell that runs lsmod, as a user would (its stderr: this machine may have
# no /proc/modules; the exec is what counts).
(cd "$W" && sh -c 'lsmod >/dev/null 2>&1; :')
lsmod_alert() { alerts | grep -q "^lsmod "; }
check "an lsmod gives an alert in syslog" wait_for 30 lsmod_alert
grep -F "\"working_directory\":\"$W\"" "$SYSLOG" | head -n 1 | sed 's/^/#   alert: /'
# The alert proves the plugin's start-up is behind us: its warnings, if any,
# are in the file.
check "the plugin saw the shipped rules (no 'no audit rule audits execve')" \
	sh -c "! grep -q 'audisp-kmod-enum\[$PLUGIN\]: .*no audit rule audits execve' '$SYSLOG'"

# --- 4. remove --------------------------------------------------------------
apt_get remove "$PKG"
check "apt-get remove succeeds" test $? -eq 0
check "dpkg: removed, config files kept" test "$(pkg_status $PKG)" = rc
exited() { [ ! -e "/proc/$1" ] || [ "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" = Z ]; }
check "removing stopped the plugin auditd was running" wait_for 10 exited "$PLUGIN"
check "the plugin saved its state as it stopped ($STATEDIR/state.json, 0600)" \
	test "$(mode $STATEDIR/state.json)" = 600
check "remove keeps the conffiles" test -f $DROPIN -a -f $CONF
check "remove deletes the program" test ! -e $BIN
check "auditd survives the removal of its plugin" kill -0 "$AUDITD_PID"
# The postrm has auditd reload, and auditd stops the plugin as inactive; a
# plugin killed behind auditd's back would be restarted (failed execs) on the
# next event. An exec that reaches auditd's log proves events went on after.
marker=kme-package-marker-$$
sh -c ': "$1"' sh "$marker"
auditlog_has_marker() { grep -q "\"$marker\"" "$AUDITLOG_DIR/audit.log" 2>/dev/null; }
check "auditd logs events after the removal" wait_for 10 auditlog_has_marker
check "auditd stopped the plugin on the postrm's reload: no restart attempt" sh -c \
	"grep -q 'auditd\[$AUDITD_PID\]: Terminating $BIN because its now inactive' '$SYSLOG' &&
	 ! grep -q 'auditd\[$AUDITD_PID\]: plugin $BIN terminated unexpectedly' '$SYSLOG'"

# --- 5. purge ---------------------------------------------------------------
apt_get purge "$PKG"
check "apt-get purge succeeds" test $? -eq 0
check "apt removed exactly one package" grep -q "^0 upgraded, 0 newly installed, 1 to remove" "$TMP/apt.out"
INSTALLED=0
check "dpkg: not installed, no config files" test -z "$(pkg_status $PKG)" -o "$(pkg_status $PKG)" = un
# left_behind: paths of dpkg -L that did not exist before the install and
# still exist, the state directory, and pre-existing directories that went.
left_behind() {
	while read -r p; do
		before=$(awk -v p="$p" '$1 == p { print $2 }' "$SNAP/existed")
		if [ -n "$before" ]; then
			[ "$(mode "$p")" = "$before" ] || echo "changed: $p (mode $before -> $(mode "$p"))"
		elif [ -e "$p" ] || [ -L "$p" ]; then
			echo "left: $p"
		fi
	done <"$SNAP/dpkg-L"
	[ -e $STATEDIR ] && echo "left: $STATEDIR ($(ls -A $STATEDIR | tr '\n' ' '))"
	return 0
}
left_behind >"$TMP/left"
check "purge leaves no file of the package, nor its state ($(wc -l <"$SNAP/dpkg-L") paths checked)" \
	test ! -s "$TMP/left"
sed 's/^/#   /' "$TMP/left"
check "auditd survives the purge" kill -0 "$AUDITD_PID"
stop_auditd
left_behind >"$TMP/left"
check "nothing comes back once auditd has stopped" test ! -s "$TMP/left"
sed 's/^/#   /' "$TMP/left"

# --- 6. the machine as it was -------------------------------------------------
trap - EXIT
package_cleanup
snap_etc_audit >"$SNAP/etc-audit.after"
check "/etc/audit is as it was (paths, modes, owners, contents)" \
	diff -u "$SNAP/etc-audit.before" "$SNAP/etc-audit.after"
auditctl -l >"$SNAP/rules.after" 2>&1
check "the audit rules are as they were" diff -u "$SNAP/rules.before" "$SNAP/rules.after"
check "the enabled flag is as it was ($ENABLED_BEFORE)" \
	test "$(auditctl -s | awk '$1 == "enabled" { print $2 }')" = "$ENABLED_BEFORE"
check "no auditd left running" sh -c "! pidof auditd >/dev/null"
check "auditd's package is as it was ($AUDITD_PKG_BEFORE)" test "$(pkg_status auditd)" = "$AUDITD_PKG_BEFORE"
ls -A "$AUDITLOG_DIR" >"$SNAP/auditlog.after" 2>/dev/null
check "$AUDITLOG_DIR is as it was" diff -u "$SNAP/auditlog.before" "$SNAP/auditlog.after"
rm -rf "$SNAP"
finish
