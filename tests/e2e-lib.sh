# tests/e2e-lib.sh - start and stop the real daemons of the end-to-end tests
# (sourced after tests/lib.sh): a private rsyslogd on /dev/log writing to a
# file, a private auditd (own config dir, log and plugin dir) running the
# built plugin, and execve/execveat audit rules. Everything is undone at exit:
# the rules we added, the kernel's enabled flag, both daemons, /dev/log if we
# created it, dpkg scripts we planted.
#
# Under CI (CI=true) a daemon that cannot start is a failure; elsewhere the
# test is skipped with the reason (exit 77: cant_run, tests/lib.sh). Sourcing
# it sets the exit trap
# (e2e_cleanup; a test with more to undo sets its own, which calls it) and
# PATH (the system's).
#
# No test here sleeps and then asserts. A wait polls for a positive fact
# with a deadline (wait_for, counter_is); a check that something did NOT
# happen ("no alert for X") runs only after sync_alert has seen the alert of
# an enumeration caused after the events in question: the kernel, auditd and
# the plugin handle events in order, so once that alert is in syslog every
# earlier event has been decided.

# auditd_conf and friends: the private auditd's config (and why each setting).
. "$(dirname "$0")/auditd-lib.sh"

E2E_RULES="-a always,exit -F arch=b64 -S execve,execveat -k kme-e2e
-a always,exit -F arch=b32 -S execve,execveat -k kme-e2e"
SYSLOG=$TMP/syslog.txt
STATE=$TMP/state/state.json
PCONF=$TMP/kme.conf
AUDITD_PID=
RSYSLOG_PID=
CREATED_DEVLOG=0
ENABLED_BEFORE=
BACKLOG_BEFORE=   # the kernel's backlog_limit before load_rules set E2E_BACKLOG
PLANTED=
KLOST0=
SENDERS=          # "NAME:PID:HOLDER" of each audisp-remote started by start_sender
AGG_PORT=

e2e_cleanup() {
	stop_senders
	if [ -n "$ENABLED_BEFORE" ]; then
		echo "$E2E_RULES" | while read -r rule; do
			# shellcheck disable=SC2086
			auditctl $(echo "$rule" | sed "s/^-a /-d /") >/dev/null 2>&1
		done
	fi
	[ -n "$AUDITD_PID" ] && kill -TERM "$AUDITD_PID" 2>/dev/null && wait_gone "$AUDITD_PID"
	[ -n "$ENABLED_BEFORE" ] && auditctl -e "$ENABLED_BEFORE" >/dev/null 2>&1
	[ -n "$BACKLOG_BEFORE" ] && auditd_restore "" "$BACKLOG_BEFORE"
	if [ -n "$RSYSLOG_PID" ]; then
		kill -CONT "$RSYSLOG_PID" 2>/dev/null
		kill -TERM "$RSYSLOG_PID" 2>/dev/null && wait_gone "$RSYSLOG_PID"
	fi
	[ "$CREATED_DEVLOG" = 1 ] && rm -f /dev/log
	for f in $PLANTED; do rm -f "$f"; done
	[ -n "${KEEP_TMP:-}" ] && echo "kept $TMP" || rm -rf "$TMP"
}

# exited PID: PID is gone, or a zombie waiting for a reaper (pid 1 of some
# sandboxes never reaps the orphans it inherits).
exited() { ! kill -0 "$1" 2>/dev/null || [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" = Z ]; }

# wait_gone PID: poll (10 s) until PID has exited; 1 if it has not.
wait_gone() { wait_for 10 exited "$1"; }

# The plugin that our auditd runs now (not one still exiting after a
# restart).
plugin_pid() { pgrep -P "${AUDITD_PID:-0}" -f "^$KME_BIN -c $PCONF" | head -n 1; }

# One end-to-end test at a time on a machine: they share the kernel's audit
# subsystem and /dev/log.
e2e_lock() {
	exec 9>"${TMPDIR:-/tmp}/kme-e2e.lock"
	flock -w 600 9 || cant_run "another end-to-end test holds the lock for 10 minutes"
}

# start_rsyslogd [MAX_MESSAGE_SIZE]: a stock rsyslog (its default maximum
# message size, 8 KiB: the alerts must fit it, see max_alert_size) unless a
# test asks for another global(maxMessageSize=). Configuration files a test
# puts in $TMP/rsyslog.d/*.conf are included before the file of every
# message ($SYSLOG), as /etc/rsyslog.d is before rsyslog.conf's rules.
start_rsyslogd() {
	e2e_lock
	command -v rsyslogd >/dev/null || cant_run "rsyslogd is not installed (tests/deps.sh)"
	# /dev/log is a datagram socket: bound, never "listening".
	if [ -S /dev/log ] && ss -xaH 2>/dev/null | grep -q ' /dev/log '; then
		cant_run "a system syslog daemon already serves /dev/log"
	fi
	[ -e /dev/log ] && rm -f /dev/log   # a stale socket nobody serves
	cat >"$TMP/rsyslog.conf" <<EOC
global(${1:+maxMessageSize="$1" }workDirectory="$TMP")
module(load="imuxsock" SysSock.Name="/dev/log" SysSock.RateLimit.Interval="0")
include(file="$TMP/rsyslog.d/*.conf" mode="optional")
template(name="kme" type="string" string="%timegenerated:::date-rfc3339% %syslogfacility-text%.%syslogpriority-text% %syslogtag%%msg%\n")
*.* action(type="omfile" file="$SYSLOG" template="kme")
EOC
	rsyslogd -n -f "$TMP/rsyslog.conf" -i "$TMP/rsyslog.pid" >"$TMP/rsyslogd.out" 2>&1 &
	RSYSLOG_PID=$!
	CREATED_DEVLOG=1
	wait_for 10 test -S /dev/log || cant_run "rsyslogd did not create /dev/log: $(cat "$TMP/rsyslogd.out")"
}

# write_plugin_conf [KEY = VALUE ...]: the shipped config with our state
# file; each argument replaces the line of its key, or is appended (list keys
# such as exclude_* and match always append).
write_plugin_conf() {
	sed -e "s|^state_file = .*|state_file = $STATE|" \
	    -e "s|^state_save_interval = .*|state_save_interval = 2s|" \
	    "$KME_BUILDDIR/conf/audisp-kmod-enum.conf" >"$PCONF.new"
	for kv in "$@"; do
		key=${kv%% *}
		case $key in
		exclude_*|match) echo "$kv" >>"$PCONF.new" ;;
		*)	if grep -q "^$key =" "$PCONF.new"; then
				sed -i "s|^$key = .*|$kv|" "$PCONF.new"
			else
				echo "$kv" >>"$PCONF.new"
			fi ;;
		esac
	done
	chmod 0640 "$PCONF.new"
	mv "$PCONF.new" "$PCONF"
}

# auditd's own syslog() calls block while rsyslogd is stopped and /dev/log is
# full (the stall test does exactly that), so the private auditd must have
# nothing to say: no log rotation, no disk-space actions.
start_auditd() {
	command -v auditd >/dev/null || cant_run "auditd is not installed (tests/deps.sh)"
	[ "$(id -u)" -eq 0 ] || cant_run "needs root (auditd, audit rules)"
	pidof auditd >/dev/null && cant_run "another auditd is running (pid $(pidof auditd))"
	if [ -z "$ENABLED_BEFORE" ]; then
		ENABLED_BEFORE=$(auditctl -s 2>/dev/null | awk '$1 == "enabled" { print $2 }')
		[ -n "$ENABLED_BEFORE" ] || cant_run "the kernel audit subsystem does not answer (auditctl -s)"
		[ "$ENABLED_BEFORE" = 2 ] && cant_run "audit configuration is locked (enabled 2)"
	fi
	mkdir -p "$TMP/audit/plugins.d" "$TMP/audit/log"
	sed -e "s|^log_file *=.*|log_file = $TMP/audit/log/audit.log|" \
	    -e "s|^plugin_dir *=.*|plugin_dir = $TMP/audit/plugins.d|" \
	    -e "s|^log_format *=.*|log_format = RAW|" \
	    -e "s|^space_left_action *=.*|space_left_action = IGNORE|" \
	    -e "s|^admin_space_left_action *=.*|admin_space_left_action = IGNORE|" \
	    -e "s|^disk_full_action *=.*|disk_full_action = IGNORE|" \
	    -e "s|^max_log_file_action *=.*|max_log_file_action = IGNORE|" \
	    "${AUDITD_CONF_SRC:-/etc/audit/auditd.conf}" >"$TMP/audit/auditd.conf"
	grep -q '^plugin_dir' "$TMP/audit/auditd.conf" ||
		echo "plugin_dir = $TMP/audit/plugins.d" >>"$TMP/audit/auditd.conf"
	chmod 0640 "$TMP/audit/auditd.conf"
	write_dropin "$TMP/audit/plugins.d"
	# Ready means: the plugin logged a new start (a restart's old "started"
	# line does not count), and the kernel sends its records to this auditd
	# (until then, events are not delivered to it).
	run_auditd
	wait_for 10 sh -c "auditctl -s | grep -qx 'pid $AUDITD_PID'" ||
		cant_run "auditd did not register with the kernel: $(auditctl -s | tr '\n' ' ')"
}

# write_dropin DIR: auditd's drop-in for the built plugin with $PCONF.
write_dropin() {
	cat >"$1/kme.conf" <<EOC
active = yes
direction = out
path = $KME_BIN
type = always
args = -c $PCONF
format = string
EOC
	chmod 0640 "$1/kme.conf"
}

# own_histories: every rule of $PCONF keeps its history under $TMP, never in
# the system's state directory (a profile's added rule has a state_file of
# its own, which a site file's state_file line does not change: README,
# "Several rules"). Asked of --dump-state, which creates and writes
# nothing, before the plugin starts; a Redis history is not a file.
own_histories() {
	oh_where=$("$KME_BIN" --dump-state -c "$PCONF" 2>/dev/null |
		sed -n 's|^# \(/[^:]*\): [0-9]* term(s), rule .*|\1|p')
	[ -n "$oh_where" ] || { echo "Bail out! --dump-state -c $PCONF named no history"; exit 99; }
	for oh_p in $oh_where; do
		case $oh_p in
		"$TMP"/*) ;;
		*) echo "Bail out! $PCONF keeps a history in $oh_p, outside the test's $TMP"
		   exit 99 ;;
		esac
	done
}

# run_auditd: start `auditd -n -c $TMP/audit` and wait (30 s) until the
# plugin has logged a new start to syslog.
run_auditd() {
	own_histories
	ra_n=$(started_lines)
	auditd -n -c "$TMP/audit" >"$TMP/auditd.out" 2>&1 &
	AUDITD_PID=$!
	wait_for 30 sh -c "[ \$(grep -c 'audisp-kmod-enum\[[0-9]*\]: started' '$SYSLOG' 2>/dev/null) -gt $ra_n ]" ||
		cant_run "the plugin did not log its start to syslog: $(cat "$TMP/auditd.out")"
}

# The plugin's start notices in syslog, counted.
started_lines() { { cat "$SYSLOG" 2>/dev/null || :; } | grep -c 'audisp-kmod-enum\[[0-9]*\]: started'; }

# stop_auditd: stop our auditd and wait until it and its plugin are gone
# (the plugin saves its state as it exits).
stop_auditd() {
	sa_plugin=$(plugin_pid)
	kill -TERM "$AUDITD_PID" 2>/dev/null
	wait_gone "$AUDITD_PID" || echo "# auditd $AUDITD_PID did not exit within 10 s"
	[ -z "$sa_plugin" ] || wait_for 30 exited "$sa_plugin" ||
		echo "# the plugin $sa_plugin did not exit within 30 s of auditd"
	AUDITD_PID=
}

# load_rules: the kernel's backlog_limit to E2E_BACKLOG, as a host's
# audit.rules sets it (Debian's ships -b 8192; the kernel's own default, 64,
# loses records in a burst of opens or execs while auditd is busy), then
# E2E_RULES; KLOST0 is the kernel's lost count from then on.
E2E_BACKLOG=8192
load_rules() {
	if [ -z "$BACKLOG_BEFORE" ]; then
		BACKLOG_BEFORE=$(auditctl -s 2>/dev/null | awk '$1 == "backlog_limit" { print $2 }')
		[ -n "$BACKLOG_BEFORE" ] || cant_run "the kernel audit subsystem does not answer (auditctl -s)"
	fi
	auditctl -b "$E2E_BACKLOG" >/dev/null || cant_run "cannot set the audit backlog_limit to $E2E_BACKLOG"
	echo "$E2E_RULES" | while read -r rule; do
		# shellcheck disable=SC2086
		auditctl $rule >/dev/null || exit 1
	done || cant_run "cannot load audit rules"
	KLOST0=$(kernel_lost)
}

# The kernel's count of audit records it dropped (backlog full for longer
# than backlog_wait_time, or no memory): it only grows (until auditctl
# --reset-lost). A missing alert is only the plugin's fault if it did not
# grow while the test ran.
kernel_lost() { auditctl -s 2>/dev/null | awk '$1 == "lost" { print $2 }'; }

# no_kernel_loss: the kernel dropped no record since load_rules (says how
# many it did otherwise).
no_kernel_loss() {
	nkl=$(kernel_lost)
	[ "$nkl" = "$KLOST0" ] && return 0
	echo "# the kernel lost audit records: lost $KLOST0 -> $nkl ($(auditctl -s | tr '\n' ' '))"
	return 1
}

# Where events went missing, if they did: the kernel's lost count and the
# plugin's counters of events it completed without their last record or
# could not parse.
e2e_diagnose() {
	echo "# kernel: lost $KLOST0 -> $(kernel_lost); plugin: completed=$(counter completed) parse_errors=$(counter parse_errors)"
}

# Alerts in the syslog file as "name executable parent_executable source".
alerts() {
	$PYTHON - "$KME_SRCDIR/tests" "$SYSLOG" "$TMP" <<'EOP'
import sys
sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[1])
from alerts import documents
for d in documents(sys.argv[2]):
    p = d["process"]
    if not p.get("working_directory", "").startswith(sys.argv[3]):
        continue
    if p["executable"].startswith(sys.argv[3] + "/markers/"):
        continue   # sync_alert's own enumerations
    print(p["name"], p["executable"], p.get("parent", {}).get("executable", "-"),
          d["audisp_kmod_enum"]["parent_source"])
EOP
}

count_alerts() { alerts | wc -l; }

# sync_alert TAG: run an enumeration that must alert (lsmod under a path
# never seen before: a new term) and wait (60 s) for its alert in syslog.
# Every event caused before it has then been decided by the plugin, so a
# check of what did not happen may follow. alerts() leaves these out.
sync_alert() {
	mkdir -p "$TMP/markers/$1"
	ln -sf /usr/bin/kmod "$TMP/markers/$1/lsmod"
	(cd "$TMP/markers/$1" && ./lsmod >/dev/null 2>&1)
	wait_for 60 grep -qF "\"executable\":\"$TMP/markers/$1/lsmod\"" "$SYSLOG" || {
		echo "# sync_alert $1: no alert for the marker within 60 s"
		e2e_diagnose; return 1; }
}

# The plugin's counters: SIGUSR1 logs a summary line; print its KEY=VALUE.
counter() {
	n0=$(grep -c "summary:" "$SYSLOG")
	kill -USR1 "$(plugin_pid)"
	wait_for 10 sh -c "[ \$(grep -c 'summary:' '$SYSLOG') -gt $n0 ]" || { echo "?"; return; }
	grep "summary:" "$SYSLOG" | tail -n 1 | tr ' ' '\n' | sed -n "s/^$1=//p"
}

# counter_is KEY OP VALUE: poll (30 s) until the plugin's counter satisfies
# `test COUNTER OP VALUE`. A counter only grows, so an upper bound or an
# equality is final only once sync_alert has shown the events before it
# were all decided.
counter_is() {
	ci_end=$(($(date +%s) + 30))
	while :; do
		v=$(counter "$1")
		[ "$v" != "?" ] && [ "$v" "$2" "$3" ] && return 0
		[ "$(date +%s)" -ge "$ci_end" ] && break
		sleep 0.5
	done
	echo "# counter $1 = $v, wanted $2 $3"
	return 1
}

# plant FILE: a file we create outside TMP and must remove.
plant() { PLANTED="$PLANTED $1"; }

# --- an audit aggregator and its sending hosts ---------------------------------
# (tests/e2e-aggregator.sh; the README's "Running on an audit aggregator"
# shows the same settings.)

# free_port LOW HIGH: a TCP port in [LOW, HIGH] that nothing uses now on
# this machine (bound on every address and released at once: auditd's
# listener binds every address too).
free_port() {
	$PYTHON - "$1" "$2" <<'EOP'
import random, socket, sys
lo, hi = int(sys.argv[1]), int(sys.argv[2])
ports = list(range(lo, hi + 1))
random.shuffle(ports)
for p in ports:
    s = socket.socket(socket.AF_INET6 if socket.has_ipv6 else socket.AF_INET)
    try:
        s.bind(("", p))
    except OSError:
        continue
    finally:
        s.close()
    print(p)
    sys.exit(0)
sys.exit(1)
EOP
}

# start_aggregator: a private auditd that never talks to the kernel
# (local_events = no) and listens for audisp-remote senders on a free TCP
# port (AGG_PORT), accepting privileged client ports only (senders bind a
# port < 1024, which only root can: no local user injects events), and
# hands their events to the plugin (distribute_network = yes). A complete
# config of our own (auditd_conf): no rotation, no disk-space actions (see
# start_auditd).
start_aggregator() {
	command -v auditd >/dev/null || cant_run "auditd is not installed (tests/deps.sh)"
	[ "$(id -u)" -eq 0 ] || cant_run "needs root (auditd, privileged client ports, mount namespaces)"
	# Not the kernel's sake here: auditd -n still takes the machine's
	# auditd lock files, and the other end-to-end tests expect no auditd.
	pidof auditd >/dev/null && cant_run "another auditd is running (pid $(pidof auditd))"
	AGG_PORT=$(free_port 20000 60000) || cant_run "no free TCP port for the aggregator"
	mkdir -p "$TMP/audit/plugins.d" "$TMP/audit/log"
	auditd_conf "$TMP/audit/auditd.conf" local_events=no log_file="$TMP/audit/log/audit.log" \
		tcp_listen_port="$AGG_PORT" tcp_listen_queue=8 tcp_max_per_addr=8 tcp_client_ports=1-1023 \
		tcp_client_max_idle=0 transport=TCP distribute_network=yes plugin_dir="$TMP/audit/plugins.d" ||
		cant_run "cannot write $TMP/audit/auditd.conf"
	write_dropin "$TMP/audit/plugins.d"
	run_auditd
	wait_for 10 sh -c "ss -ltnH 'sport = :$AGG_PORT' | grep -q LISTEN" ||
		cant_run "the aggregator does not listen on port $AGG_PORT: $(cat "$TMP/auditd.out")"
}

# The aggregator's own log (every record it received, as received).
agg_log() { cat "$TMP/audit/log/audit.log" 2>/dev/null; }

# start_sender NAME: a real audisp-remote sending to the aggregator from a
# privileged port of its own. It reads only /etc/audit/audisp-remote.conf,
# so it runs in a mount namespace of its own (unshare -m: private
# propagation, the machine's file is untouched) with our file bind-mounted
# there. Its stdin is the FIFO $TMP/senders/NAME.in, kept open by a holder
# process so that feed can write to it as often as it likes; stop_senders
# ends the holder (EOF: audisp-remote flushes and exits). Ready when it has
# logged its start; it connects at its first record (the aggregator then
# logs a DAEMON_ACCEPT from port SENDER_PORT_NAME).
start_sender() {
	command -v audisp-remote >/dev/null || cant_run "audisp-remote is not installed (audispd-plugins, tests/deps.sh)"
	command -v unshare >/dev/null || cant_run "unshare is not installed (util-linux)"
	ss_dir=$TMP/senders
	mkdir -p "$ss_dir"
	ss_port=$(free_port 600 1023) || cant_run "no free privileged port for sender $1"
	# Every action is syslog or ignore: the shipped defaults include
	# stopping, and audisp-remote also knows `single` and `halt`.
	cat >"$ss_dir/$1.conf" <<EOC
remote_server = 127.0.0.1
port = $AGG_PORT
local_port = $ss_port
transport = tcp
mode = immediate
queue_file = $ss_dir/$1.queue
queue_depth = 2048
format = managed
network_retry_time = 1
max_tries_per_record = 3
max_time_per_record = 5
heartbeat_timeout = 0
network_failure_action = syslog
disk_low_action = ignore
disk_full_action = syslog
disk_error_action = syslog
remote_ending_action = reconnect
generic_error_action = syslog
generic_warning_action = syslog
queue_error_action = syslog
overflow_action = syslog
startup_failure_action = warn_once_continue
EOC
	chmod 0640 "$ss_dir/$1.conf"
	rm -f "$ss_dir/$1.in"
	mkfifo "$ss_dir/$1.in" || cant_run "cannot create the FIFO $ss_dir/$1.in"
	ss_n=$(grep -c 'audisp-remote: Audisp-remote started' "$SYSLOG")
	# (fd 9, the e2e lock, is not theirs to keep)
	unshare -m sh -c 'mount --bind "$1" /etc/audit/audisp-remote.conf && exec audisp-remote' sh \
		"$ss_dir/$1.conf" <"$ss_dir/$1.in" >"$ss_dir/$1.out" 2>&1 9>&- &
	ss_pid=$!
	sleep 2147483647 >"$ss_dir/$1.in" 9>&- &
	SENDERS="$SENDERS $1:$ss_pid:$!"
	wait_for 20 sh -c "[ \$(grep -c 'audisp-remote: Audisp-remote started' '$SYSLOG') -gt $ss_n ]" ||
		cant_run "sender $1 (audisp-remote) did not start: $(cat "$ss_dir/$1.out")"
	eval "SENDER_PORT_$1=$ss_port"
}

# feed NAME FILE: send FILE's records through sender NAME, and wait (30 s)
# until the aggregator has logged the last of them: it has then also handed
# them to the plugin, in order, before anything sent later.
feed() {
	cat "$2" >"$TMP/senders/$1.in" || return 1
	fd_last=$(tail -n 1 "$2")
	wait_for 30 grep -qxF -- "$fd_last" "$TMP/audit/log/audit.log" || {
		echo "# feed $1: the aggregator did not log $2's last record within 30 s"; return 1; }
}

# stop_senders: EOF to every sender, then wait (10 s each) for it to exit;
# TERM one that does not.
stop_senders() {
	for st in $SENDERS; do
		st_pid=${st#*:}; st_holder=${st_pid#*:}; st_pid=${st_pid%%:*}
		kill -TERM "$st_holder" 2>/dev/null
		wait_gone "$st_pid" || kill -TERM "$st_pid" 2>/dev/null
	done
	SENDERS=
}

trap e2e_cleanup EXIT
trap 'exit 1' INT TERM
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
