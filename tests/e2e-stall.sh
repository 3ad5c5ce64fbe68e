#!/bin/sh
# tests/e2e-stall.sh - never block auditd, even when syslog stalls.
# rsyslogd is stopped (SIGSTOP) while thousands of exec events and hundreds
# of alert-worthy enumerations flow. The plugin must keep draining its stdin
# (auditd's queue and the kernel's lost counter stay clean), hold the alerts
# in its bounded queue, count what overflows, and deliver the waiting alerts
# once syslog resumes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/e2e-lib.sh"
[ -x "$KME_BIN" ] || { echo "Bail out! $KME_BIN not built"; exit 99; }

NTERMS=${NTERMS:-300}
NTRUE=${NTRUE:-3000}
W=$TMP/work
lost() { auditctl -s | awk '$1 == "lost" { print $2 }'; }
rchar() { awk '$1 == "rchar:" { print $2 }' "/proc/$1/io"; }
logsize() { stat -c %s "$TMP/audit/log/audit.log"; }

# log_marker TAG: an exec after the burst, and a wait (60 s) until auditd has
# logged it: the kernel queue holds records in order, so every record of the
# burst has then reached auditd (or was counted lost by the kernel).
log_marker() {
	/bin/true "kme-stall-marker-$1"
	wait_for 60 grep -q "a1=\"kme-stall-marker-$1\"" "$TMP/audit/log/audit.log"
}
# caught_up LOG0 READ0: the plugin has read at least as many bytes as auditd
# logged since (both are the same records, one per line).
caught_up() { [ $(($(rchar "$PID") - $2)) -ge $(($(logsize) - $1)) ]; }
# auditd_queue_ok: SIGCONT makes auditd dump its internal state; its plugin
# queue must never have overflowed.
auditd_queue_ok() {
	rm -f /var/run/auditd.state
	kill -CONT "$AUDITD_PID"
	check "auditd dumped its state on SIGCONT" wait_for 10 test -s /var/run/auditd.state
	echo "# auditd state: $(grep -i 'plugin' /var/run/auditd.state | tr '\n' ';')"
	check "auditd's plugin queue never overflowed" \
		grep -q "plugin queue overflow detected = no" /var/run/auditd.state
}

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
log0=$(logsize)
read0=$(rchar "$PID")
t0=$(date +%s)
burst a
t1=$(date +%s)
check "auditd logged a marker exec run after the burst" log_marker a
check "the plugin read everything auditd wrote (it kept draining stdin)" \
	wait_for 120 caught_up "$log0" "$read0"
echo "# burst of $NTERMS enumerations + $NTRUE execs took $((t1 - t0))s; audit.log grew $(($(logsize) - log0)) bytes, the plugin read $(($(rchar "$PID") - read0))"
check "the kernel lost no record while syslog was stopped" test "$(lost)" = "$lost0"
check "the plugin is not blocked in a socket send ($(cat "/proc/$PID/wchan" 2>/dev/null))" \
	sh -c "! grep -q 'unix_wait_for_peer\|sock_alloc_send' /proc/$PID/wchan"
auditd_queue_ok
kill -CONT "$RSYSLOG_PID"
check "once syslog resumes, all $NTERMS waiting alerts are delivered" \
	wait_for 120 sh -c "[ \$(grep -c 'audisp-kmod-enum\[.*\"working_directory\":\"$W/a' '$SYSLOG') -eq $NTERMS ]"
check "nothing was dropped" counter_is output_dropped -eq 0
check "and nothing is waiting" counter_is output_queued -eq 0

# --- 2. a queue too small for the stall: overflow counted and reported ----------
stop_auditd
write_plugin_conf "max_alerts = 0" "output_queue = 50"
start_auditd
PID=$(plugin_pid)
kill -STOP "$RSYSLOG_PID"
lost0=$(lost)
log0=$(logsize)
read0=$(rchar "$PID")
t0=$(date +%s)
burst b
t1=$(date +%s)
echo "# second burst took $((t1 - t0))s"
check "auditd logged a marker exec run after the burst" log_marker b
check "the kernel lost no record" test "$(lost)" = "$lost0"
check "the plugin read everything auditd wrote" wait_for 120 caught_up "$log0" "$read0"
auditd_queue_ok
kill -CONT "$RSYSLOG_PID"
# Each of the burst's new terms is either delivered or counted as dropped,
# and no more can come once the two add up: poll for that.
delivered() { grep -c "audisp-kmod-enum\[.*\"working_directory\":\"$W/b" "$SYSLOG"; }
accounted() {
	got=$(delivered)
	dropped=$(counter output_dropped)
	[ "$dropped" != "?" ] && [ $((got + dropped)) -eq "$NTERMS" ]
}
check "overflow is counted: delivered + dropped = $NTERMS" wait_for 120 accounted
got=$(delivered)
dropped=$(counter output_dropped)
echo "# delivered $got of $NTERMS, dropped $dropped"
check "at most the queue (50) plus the socket's backlog was kept" test "$got" -le 80
check "the newest alert is among those kept (the oldest are dropped)" \
	grep -q "\"executable\":\"$W/b/$((NTERMS - 1))/lsmod\"" "$SYSLOG"
check "the plugin is still running" test -n "$(plugin_pid)"
finish
