#!/bin/sh
# tests/distro.sh SUITE - the Debian package built, installed and run on
# another Debian release, under that release's own auditd and rsyslogd
# (root; a step of tests/run-all.sh). SUITE is one of
#   trixie  Debian 13, audit 4.0.x: auditd passes its SIGHUP on to the plugin
#   sid     Debian's development suite, audit 4.2.x: auditd reloads by
#           closing the plugin's stdin, SIGTERM 50 ms later, and starting it
#           again once it has exited
# In a root of SUITE (tests/roots.sh: made once by debootstrap, kept in
# /var/cache/kme-roots; the test works in an overlay of it and leaves it as
# it was):
#   1. dpkg-buildpackage -b from a clean copy of this tree, against SUITE's
#      libaudit/libauparse (the build runs the unit suites and the golden
#      replays there); on trixie, lintian --pedantic clean too;
#   2. apt-get install ./FILE.deb: the drop-in inactive, and as audit 4.x
#      wants it (a .conf name; the program root-owned, at least 0550, not
#      group- or world-writable);
#   3. activated as README.Debian says, SUITE's auditd (the root's
#      /etc/audit, chroot) and rsyslogd running: an lsmod gives an alert in
#      syslog;
#   4. auditd reloaded (auditctl --signal reload, as the service's reload
#      does) while 60 new enumerations run: each of them alerts (no event
#      lost), the history survives (the first lsmod again is suppressed),
#      and the plugin reloaded as that audit version does it;
#   5. apt-get remove: the plugin stops and saves its state, conffiles and
#      state stay; apt-get purge: nothing of the package is left.
# The kernel's audit subsystem is the machine's: the test holds the audit
# lock (tests/e2e-lib.sh e2e_lock) from before auditd starts until its
# rules are deleted and the enabled flag is put back. Its rsyslogd reads
# only the root's /dev/log (a configuration of its own: the stock one would
# read the machine's kernel log through /proc/kmsg).
# Under CI=true, whatever keeps the test from running is a failure.
. "$(dirname "$0")/roots.sh"
roots_ns "$@"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/e2e-lib.sh"

case ${1:-} in
trixie) NAME=debian13-amd64 AUDIT_WANT=4.0 RELOAD=sighup LINT=lintian ;;
sid)    NAME=sid-amd64 AUDIT_WANT=4.2 RELOAD=restart LINT= ;;
*)      echo "usage: $0 trixie|sid" >&2; exit 2 ;;
esac
SUITE=$1
PKG=audisp-kmod-enum
BIN=/usr/sbin/audisp-kmod-enum
DROPIN=/etc/audit/plugins.d/au-kmod-enum.conf
CONF=/etc/audit/audisp-kmod-enum.conf
STATEDIR=/var/lib/audisp-kmod-enum
RLOG=/var/log/kme-syslog     # in the root
BURST=60

distro_cleanup() {
	for p in $(root_pids); do kill -TERM "$p" 2>/dev/null; done
	[ -n "$AUDITD_PID" ] && kill -TERM "$AUDITD_PID" 2>/dev/null && wait_gone "$AUDITD_PID"
	AUDITD_PID=
	[ -n "$RSYSLOG_PID" ] && kill -TERM "$RSYSLOG_PID" 2>/dev/null && wait_gone "$RSYSLOG_PID"
	RSYSLOG_PID=
	for p in $(root_pids); do kill -KILL "$p" 2>/dev/null; done
	roots_umount
	e2e_cleanup
}
trap distro_cleanup EXIT

# Processes running in the root (their / is it), ours included.
root_pids() {
	[ -n "$ROOT" ] || return 0
	for d in /proc/[0-9]*; do
		[ "$(readlink "$d/root" 2>/dev/null)" = "$ROOT" ] && echo "${d#/proc/}"
	done
	return 0
}
rpath() { echo "$ROOT$1"; }
apt_root() {
	in_root apt-get -y -q -o APT::Install-Recommends=false "$@" >"$TMP/apt.out" 2>&1
	ar_rc=$?
	grep -E "^([0-9]+ upgraded|E:|W:)" "$TMP/apt.out" | sed 's/^/#   /'
	return $ar_rc
}
pkg_status() { in_root dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null | tr -d ' '; }
# The plugin(s) our auditd runs now (comm is cut to 15 bytes).
plugins() {
	for p in $(pgrep -P "${AUDITD_PID:-0}"); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = audisp-kmod-enu ] &&
			! exited "$p" && echo "$p"
	done
	return 0
}
one_plugin() { [ "$(plugins | wc -l)" -eq 1 ]; }
# Alerts in the root's syslog: "executable working_directory" each.
root_alerts() {
	$PYTHON - "$KME_SRCDIR/tests" "$(rpath $RLOG)" <<'EOP'
import sys
sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[1])
from alerts import documents
try:
    for d in documents(sys.argv[2]):
        p = d["process"]
        print(p["executable"], p.get("working_directory", "-"))
except FileNotFoundError:
    pass
EOP
}
alerts_in() { root_alerts | awk -v w="$1" '$2 == w' | wc -l; }
has_alert_in() { [ "$(alerts_in "$1")" -ge 1 ]; }
# enumerate DIR: lsmod run by sh in DIR of the root, as a user would.
enumerate() { in_root sh -c "mkdir -p '$1' && cd '$1' && lsmod >/dev/null 2>&1; :"; }
# marker TAG: a new term (lsmod under a new path) and its alert: every
# event before it has then been decided.
marker() {
	in_root sh -c "mkdir -p /tmp/kme-marker/$1 && ln -sf \"\$(command -v kmod)\" /tmp/kme-marker/$1/lsmod &&
		cd /tmp/kme-marker/$1 && ./lsmod >/dev/null 2>&1; :"
	wait_for 60 has_alert_in "/tmp/kme-marker/$1"
}
syslog_has() { grep -q -- "$1" "$(rpath $RLOG)" 2>/dev/null; }

[ "$(id -u)" -eq 0 ] || cant_run "needs root (debootstrap, chroot, auditd)"
for tool in debootstrap chroot unshare flock; do
	command -v $tool >/dev/null || cant_run "$tool is not installed (tests/deps.sh)"
done

# --- the root ---------------------------------------------------------------
root_make "$NAME" "$SUITE" amd64 "build-essential auditd rsyslog kmod $LINT" ||
	cant_run "no $SUITE root (debootstrap from $(roots_mirror))"
root_enter "$NAME" || cant_run "cannot enter the $SUITE root"
AUDIT_VERSION=$(in_root dpkg-query -W -f='${Version}' auditd)
echo "# $SUITE: auditd $AUDIT_VERSION, libauparse $(in_root dpkg-query -W -f='${Version}' libauparse-dev)"
check "$SUITE carries audit $AUDIT_WANT.x (auditd $AUDIT_VERSION)" \
	sh -c "echo '$AUDIT_VERSION' | grep -q '^\([0-9]*:\)\{0,1\}$AUDIT_WANT\.'"

# --- 1. build ---------------------------------------------------------------
root_dpkg_build "$SUITE" "$TMP/build.log" || finish
DEB=$(cd "$(rpath /build)" && ls ${PKG}_*.deb)
echo "# built $DEB"
if [ -n "$LINT" ]; then
	in_root sh -c "lintian --pedantic -I -E --show-overrides /build/${PKG}_*.changes" \
		>"$TMP/lintian.out" 2>"$TMP/lintian.err"
	grep -v '^N: ' "$TMP/lintian.out" | sed 's/^/#   lintian: /'
	check "lintian --pedantic on $SUITE: nothing but $(grep -c '^O: ' "$TMP/lintian.out") overrides" \
		sh -c "! grep -q '^[EWIPX]: ' '$TMP/lintian.out' && ! grep -v 'root privileges' '$TMP/lintian.err' | grep -q ."
fi

# --- 2. install -------------------------------------------------------------
apt_root install "/build/$DEB"
check "apt-get install ./$DEB on $SUITE" test $? -eq 0
check "dpkg: installed" test "$(pkg_status $PKG)" = ii
check "the drop-in is inactive and named *.conf (audit 4.x reads no other)" \
	sh -c "grep -qx 'active = no' '$(rpath $DROPIN)'"
check "the program: root-owned, at least 0550, not group/world-writable (audit 4.x's rule)" \
	sh -c "m=\$(stat -c '%a %U' '$(rpath $BIN)'); [ \"\$m\" = '755 root' ]"

# --- 3. activate and alert --------------------------------------------------
e2e_lock
reason=$(auditd_busy) && cant_run "the kernel audit subsystem is busy: $reason"
ENABLED_BEFORE=$(auditctl -s 2>/dev/null | awk '$1 == "enabled" { print $2 }')
[ -n "$ENABLED_BEFORE" ] || cant_run "the kernel audit subsystem does not answer (auditctl -s)"
[ "$ENABLED_BEFORE" = 2 ] && cant_run "audit configuration is locked (enabled 2)"
cat >"$(rpath /etc/kme-rsyslog.conf)" <<EOC
global(workDirectory="/var/spool/rsyslog")
module(load="imuxsock" SysSock.Name="/dev/log" SysSock.RateLimit.Interval="0")
*.* action(type="omfile" file="$RLOG")
EOC
mkdir -p "$(rpath /var/spool/rsyslog)"
rm -f "$(rpath /dev/log)"
chroot "$ROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin rsyslogd -n -f /etc/kme-rsyslog.conf \
	-i /run/kme-rsyslog.pid >"$TMP/rsyslogd.out" 2>&1 &
RSYSLOG_PID=$!
wait_for 10 test -S "$(rpath /dev/log)" ||
	cant_run "$SUITE's rsyslogd did not create the root's /dev/log: $(cat "$TMP/rsyslogd.out")"
sed -i 's/^active = no$/active = yes/' "$(rpath $DROPIN)"   # README.Debian's command
# Loaded with the root's auditctl; deleted by e2e_cleanup, rule by rule.
E2E_RULES=$(grep -v '^#' "$(rpath /usr/share/$PKG/kmod-enum.rules)" | grep .)
echo "$E2E_RULES" | while read -r rule; do
	# shellcheck disable=SC2086
	in_root auditctl $rule >/dev/null || exit 1
done
check "$SUITE's auditctl loads the shipped rules" test $? -eq 0
KLOST0=$(kernel_lost)
chroot "$ROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin auditd -n >"$TMP/auditd.out" 2>&1 &
AUDITD_PID=$!
wait_for 10 sh -c "auditctl -s | grep -qx 'pid $AUDITD_PID'" ||
	cant_run "$SUITE's auditd did not register with the kernel: $(cat "$TMP/auditd.out")"
wait_for 20 one_plugin || cant_run "$SUITE's auditd did not start the plugin: $(cat "$TMP/auditd.out")"
PLUGIN=$(plugins)
check "$SUITE's auditd (the root's /etc/audit) runs the packaged plugin (pid $PLUGIN)" test -n "$PLUGIN"
check "the plugin logs its start to $SUITE's rsyslogd" \
	wait_for 10 syslog_has "audisp-kmod-enum\[$PLUGIN\]: started"
enumerate /tmp/kme-w1
check "an lsmod gives an alert in syslog" wait_for 30 has_alert_in /tmp/kme-w1
grep -F '"working_directory":"/tmp/kme-w1"' "$(rpath $RLOG)" | head -n 1 | cut -c 1-300 | sed 's/^/#   alert: /'

# --- 4. reload --------------------------------------------------------------
# A burst of new terms, each its own path: /tmp/kme-burst/N/lsmod.
in_root sh -c "k=\$(command -v kmod); i=0; while [ \$i -lt $BURST ]; do i=\$((i + 1));
	mkdir -p /tmp/kme-burst/\$i && ln -s \"\$k\" /tmp/kme-burst/\$i/lsmod &&
	(cd /tmp/kme-burst/\$i && ./lsmod >/dev/null 2>&1); echo \$i >/tmp/kme-burst/progress;
	sleep 0.05; done" &
BURST_PID=$!
progress() { [ "$(cat "$(rpath /tmp/kme-burst/progress)" 2>/dev/null || echo 0)" -ge "$1" ]; }
wait_for 30 progress 15 || echo "# the burst did not reach 15 execs"
NSTART=$(grep -c 'audisp-kmod-enum\[[0-9]*\]: started' "$(rpath $RLOG)")
in_root auditctl --signal reload >/dev/null
check "auditctl --signal reload" test $? -eq 0
case $RELOAD in
sighup)
	check "audit $AUDIT_WANT passes the reload on: the plugin reloads its configuration (pid $PLUGIN kept)" \
		wait_for 20 syslog_has "audisp-kmod-enum\[$PLUGIN\]: reloaded configuration"
	check "the same plugin process runs on" sh -c "[ '$(plugins)' = '$PLUGIN' ]"
	;;
restart)
	check "audit $AUDIT_WANT stops the plugin on reload (pid $PLUGIN exited)" wait_for 20 exited "$PLUGIN"
	check "the plugin saved the history as it stopped (its summary logged)" \
		syslog_has "audisp-kmod-enum\[$PLUGIN\]: summary:"
	new_start() { [ "$(grep -c 'audisp-kmod-enum\[[0-9]*\]: started' "$(rpath $RLOG)")" -gt "$NSTART" ]; }
	check "auditd starts it again" wait_for 20 new_start
	wait_for 10 one_plugin
	PLUGIN2=$(plugins)
	check "one new plugin process (pid $PLUGIN2)" sh -c "[ -n '$PLUGIN2' ] && [ '$PLUGIN2' != '$PLUGIN' ]"
	grep "auditd\[$AUDITD_PID\]" "$(rpath $RLOG)" | grep -i "plugin\|terminat\|restart" | tail -n 5 | sed 's/^/#   auditd: /'
	PLUGIN=$PLUGIN2
	;;
esac
wait "$BURST_PID"
check "the burst of $BURST enumerations ran" progress $BURST
burst_alerts() { root_alerts | awk '$2 ~ "^/tmp/kme-burst/[0-9]+$"' | sort -u | wc -l; }
all_burst() { [ "$(burst_alerts)" -eq $BURST ]; }
check "every one of the $BURST enumerations around the reload alerted (no event lost)" wait_for 60 all_burst
[ "$(burst_alerts)" -eq $BURST ] || echo "# $(burst_alerts) of $BURST alerted; missing: $(i=1; while [ $i -le $BURST ]; do has_alert_in /tmp/kme-burst/$i || printf '%s ' $i; i=$((i + 1)); done)"
check "the kernel lost no record meanwhile" no_kernel_loss
W1_EXE=$(root_alerts | awk '$2 == "/tmp/kme-w1" { print $1; exit }')
# Saved by the plugin as it stopped (restart), or in the background after
# the reload (sighup): poll.
state_has_w1() {
	in_root $BIN --dump-state >"$TMP/dump.out" 2>&1
	grep -qF "	$W1_EXE	" "$TMP/dump.out"
}
check "the state file holds the first lsmod's term, $W1_EXE (--dump-state)" \
	wait_for 20 state_has_w1
enumerate /tmp/kme-w1
check "a marker enumeration after the reload alerts" marker after-reload
check "the first lsmod again is suppressed: the history survived the reload" \
	test "$(alerts_in /tmp/kme-w1)" -eq 1

# --- 5. remove and purge ----------------------------------------------------
apt_root remove $PKG
check "apt-get remove on $SUITE" test $? -eq 0
check "dpkg: removed, config files kept" test "$(pkg_status $PKG)" = rc
check "removing stopped the plugin" wait_for 30 exited "$PLUGIN"
check "the state was saved ($STATEDIR/state.json, 0600)" \
	test "$(stat -c %a "$(rpath $STATEDIR/state.json)" 2>/dev/null)" = 600
check "remove keeps the conffiles" test -f "$(rpath $DROPIN)" -a -f "$(rpath $CONF)"
check "auditd survives the removal of its plugin" kill -0 "$AUDITD_PID"
check "the postrm says the drop-in is still active (auditd wants active = no or a purge)" \
	grep -q "au-kmod-enum.conf still says active = yes" "$TMP/apt.out"
# An exec that reaches auditd's log proves events went on after.
sh_marker=kme-distro-marker-$$
in_root sh -c ': "$1"' sh "$sh_marker"
auditlog_has_marker() { grep -q "\"$sh_marker\"" "$(rpath /var/log/audit/audit.log)" 2>/dev/null; }
check "auditd logs events after the removal" wait_for 10 auditlog_has_marker
sed -n "/apt-get remove\|auditd\[$AUDITD_PID\]: .*\(plugin\|Plugin\|Terminating\|Unable\|Skipping\)/p" \
	"$(rpath $RLOG)" | tail -n 8 | cut -c 1-200 | sed 's/^/#   /'
case $RELOAD in
sighup)
	check "auditd $AUDIT_WANT stopped the plugin on the postrm's reload: no restart attempt" sh -c \
		"grep -q 'auditd\[$AUDITD_PID\]: Terminating $BIN because its now inactive' '$(rpath $RLOG)' &&
		 ! grep -q 'auditd\[$AUDITD_PID\]: plugin $BIN terminated unexpectedly' '$(rpath $RLOG)'" ;;
restart)
	# 4.2 refuses a reload while an active drop-in names a missing
	# program and keeps the running plugin: the postrm stops it itself,
	# and auditd tries to restart it (a failed exec each time, up to
	# max_restarts) before it gives up.
	check "auditd $AUDIT_WANT refuses the postrm's reload (the drop-in's program is gone)" \
		syslog_has "auditd\[$AUDITD_PID\]: Plugin configuration reload failed, keeping old state"
	gave_up() { grep -Eq "auditd\[$AUDITD_PID\]: plugin $BIN (failed after restart|has exceeded max_restarts)" "$(rpath $RLOG)"; }
	check "auditd gives the plugin up after the postrm stopped it" wait_for 10 gave_up ;;
esac
apt_root purge $PKG
check "apt-get purge on $SUITE" test $? -eq 0
check "dpkg: not installed" test -z "$(pkg_status $PKG)" -o "$(pkg_status $PKG)" = un
check "purge leaves no program, drop-in, configuration or state" \
	sh -c "! ls -d '$(rpath $BIN)' '$(rpath $DROPIN)' '$(rpath $CONF)' '$(rpath $STATEDIR)' 2>/dev/null | grep -q ."
check "no plugin left running" test -z "$(plugins)"
finish
