#!/bin/sh
# tests/e2e-stall.sh - never block auditd, even when syslog stalls.
# rsyslogd is stopped (SIGSTOP) while thousands of exec events and hundreds
# of alert-worthy enumerations flow. The plugin must keep draining its stdin
# (auditd's queue and the kernel's lost counter stay clean), hold the alerts
# in its bounded queue, count what overflows, and deliver the waiting alerts
# once syslog resumes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/e2e-lib.sh"
trap e2e_cleanup EXIT
trap 'exit 1' INT TERM
[ -x "$KME_BIN" ] || { echo "Bail out! $KME_BIN not built"; exit 99; }
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH

NTERMS=${NTERMS:-300}
NTRUE=${NTRUE:-3000}
W=$TMP/work
lost() { auditctl -s | awk '$1 == "lost" { print $2 }'; }
rchar() { awk '$1 == "rchar:" { print $2 }' "/proc/$1/io"; }

# burst TAG: NTERMS new terms (lsmod via distinct symlinks) and NTRUE
# other execs, all from one shell.
burst() {
	mkdir -p "$W/$1"
	i=0
	while [ $i -lt "$NTERMS" ]; do
		mkdir -p "$W/$1/$i" && ln -sf /usr/bin/kmod "$W/$1/$i/lsmod"
		i=$((i + 1))
	done
	(cd "$W/$1" && i=0 && while [ $i -lt "$NTERMS" ]; do
		"$W/$1/$i/lsmod" >/dev/null 2>&1; i=$((i + 1)); done)
	(cd "$W/$1" && i=0 && while [ $i -lt "$NTRUE" ]; do
		/bin/true "$i"; i=$((i + 1)); done)
}

start_rsyslogd
write_plugin_conf "max_alerts = 0"
start_auditd
load_rules
PID=$(plugin_pid)

# --- 1. a stalled syslog with room in the plugin's queue -----------------------
kill -STOP "$RSYSLOG_PID"
lost0=$(lost)
log0=$(stat -c %s "$TMP/audit/log/audit.log")
read0=$(rchar "$PID")
t0=$(date +%s)
burst a
t1=$(date +%s)
sleep 2
log1=$(stat -c %s "$TMP/audit/log/audit.log")
read1=$(rchar "$PID")
echo "# burst of $NTERMS enumerations + $NTRUE execs took $((t1 - t0))s; audit.log grew $((log1 - log0)) bytes, the plugin read $((read1 - read0))"
check "the kernel lost no record while syslog was stopped" test "$(lost)" = "$lost0"
check "the plugin read everything auditd wrote (it kept draining stdin)" \
	test $((read1 - read0)) -ge $((log1 - log0))
check "the plugin is not blocked in a socket send ($(cat "/proc/$PID/wchan" 2>/dev/null))" \
	sh -c "! grep -q 'unix_wait_for_peer\|sock_alloc_send' /proc/$PID/wchan"
rm -f /var/run/auditd.state
kill -CONT "$AUDITD_PID"   # auditd dumps its internal state
if wait_for 5 test -s /var/run/auditd.state; then
	echo "# auditd state: $(grep -i 'plugin' /var/run/auditd.state | tr '\n' ';')"
	check "auditd's plugin queue never overflowed" \
		grep -q "plugin queue overflow detected = no" /var/run/auditd.state
fi
kill -CONT "$RSYSLOG_PID"
check "once syslog resumes, all $NTERMS waiting alerts are delivered" \
	wait_for 30 sh -c "[ \$(grep -c 'audisp-kmod-enum\[.*\"working_directory\":\"$W/a' '$SYSLOG') -eq $NTERMS ]"
check "nothing was dropped" counter_is output_dropped -eq 0
check "and nothing is waiting" counter_is output_queued -eq 0

# --- 2. a queue too small for the stall: overflow counted and reported ----------
stop_auditd
write_plugin_conf "max_alerts = 0" "output_queue = 50"
start_auditd
PID=$(plugin_pid)
kill -STOP "$RSYSLOG_PID"
lost0=$(lost)
t0=$(date +%s)
burst b
t1=$(date +%s)
sleep 2
echo "# second burst took $((t1 - t0))s"
check "the kernel lost no record" test "$(lost)" = "$lost0"
rm -f /var/run/auditd.state
kill -CONT "$AUDITD_PID"
if wait_for 5 test -s /var/run/auditd.state; then
	echo "# auditd state: $(grep -i 'plugin' /var/run/auditd.state | tr '\n' ';')"
	check "auditd's plugin queue never overflowed" \
		grep -q "plugin queue overflow detected = no" /var/run/auditd.state
fi
kill -CONT "$RSYSLOG_PID"
sleep 3
got=$(grep -c "audisp-kmod-enum\[.*\"working_directory\":\"$W/b" "$SYSLOG")
dropped=$(counter output_dropped)
echo "# delivered $got of $NTERMS, dropped $dropped"
check "overflow is counted: delivered + dropped = $NTERMS" test $((got + dropped)) -eq "$NTERMS"
check "at most the queue (50) plus the socket's backlog was kept" test "$got" -le 80
check "the newest alert is among those kept (the oldest are dropped)" \
	grep -q "\"executable\":\"$W/b/$((NTERMS - 1))/lsmod\"" "$SYSLOG"
check "the plugin is still running" test -n "$(plugin_pid)"
finish
