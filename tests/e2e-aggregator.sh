#!/bin/sh
# tests/e2e-aggregator.sh [BUILDDIR] - the plugin on an audit aggregator,
# every component real: a private auditd listening on TCP with
# local_events = no and distribute_network = yes runs the plugin built in
# BUILDDIR (default: the source tree); two real audisp-remote senders, each in
# a mount namespace of its own with its own audisp-remote.conf, send the
# audit logs two hosts wrote (tests/data/aggregator/host-{a,b}.log, captured by
# tests/capture-aggregator.sh: node=kme-agg-a RAW, node=kme-agg-b ENRICHED);
# a real rsyslogd receives the alerts.
#
# The two hosts' processes collide: pid P is dkms on host A and a user's
# program in /tmp on host B, and so is pid Q; each runs lsmod. The senders
# are fed event by event in the order that fools a process table keyed by
# pid alone (host B's program at P, then host A's dkms at P, then both
# lsmod; then the reverse at Q), and host A's lsmod whose parent its stream
# never describes is sent while a local process of the aggregator named dkms
# holds that pid. Every alert in syslog must carry its own host's name,
# parent and user; an excluded parent on one host never excludes another
# host's enumeration; with the default new_terms_fields a term is new
# fleet-wide (host B's inventory alerts, host A's same term is suppressed).
#
# Root. Run by tests/run-all.sh as a root-level step. Under CI=true a daemon
# that cannot start is a failure; elsewhere the test is skipped (exit 77).
if [ -n "${1:-}" ]; then
	KME_BUILDDIR=$(cd "$1" && pwd) || exit 99
	export KME_BUILDDIR
fi
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/e2e-lib.sh"
DECOY_PID=
cleanup() {
	[ -n "$DECOY_PID" ] && kill -TERM "$DECOY_PID" 2>/dev/null
	e2e_cleanup
}
trap cleanup EXIT
[ -x "$KME_BIN" ] || { echo "Bail out! $KME_BIN not built"; exit 99; }
LOG_A=$DATA/aggregator/host-a.log
LOG_B=$DATA/aggregator/host-b.log
RCONF=/etc/audit/audisp-remote.conf

# --- the hosts' streams, cut into the pieces we send --------------------------
# cut_next HOST COMM: the next events of HOST's log (from where the last cut
# ended) up to and including the first exec whose comm is COMM, into
# $TMP/cut/HOST.N, whose name it leaves in CUT (not a subshell: it keeps
# its position in POS_HOST). The logs hold each event's records together,
# as auditd wrote them.
# shellcheck disable=SC2034 # POS_a, POS_b: read through eval
POS_a=1 POS_b=1 NCUT=0
mkdir -p "$TMP/cut"
# shellcheck disable=SC2154 # cn_from: set through eval
cut_next() {
	eval "cn_from=\$POS_$1"
	NCUT=$((NCUT + 1))
	cn_out=$TMP/cut/$1.$NCUT
	[ "$1" = a ] && cn_log=$LOG_A || cn_log=$LOG_B
	cn_to=$(awk -v from="$cn_from" -v comm="comm=\"$2\"" '
		function serial(l) { match(l, /msg=audit\([0-9.]+:[0-9]+\)/)
			return substr(l, RSTART, RLENGTH) }
		NR < from { next }
		want != "" && serial($0) != want { print NR - 1; found = 1; exit }
		want == "" && index($0, " type=SYSCALL ") && index($0, comm) { want = serial($0) }
		END { if (!found && want != "") print NR }' "$cn_log")
	[ -n "$cn_to" ] || { echo "# cut_next $1: no exec of $2 after line $cn_from" >&2; return 1; }
	sed -n "${cn_from},${cn_to}p" "$cn_log" >"$cn_out"
	eval "POS_$1=$((cn_to + 1))"
	CUT=$cn_out
}
# send HOST COMM: cut_next and feed it through HOST's sender.
send() { cut_next "$1" "$2" && feed "$1" "$CUT"; }

# Field VALUE of the SYSCALL record of the Nth exec of COMM in LOG.
exec_field() {
	awk -v comm="comm=\"$3\"" -v n="$4" -v f="$2" '
		index($0, " type=SYSCALL ") && index($0, comm) && ++k == n {
			for (i = 1; i <= NF; i++) if (index($i, f "=") == 1) { print substr($i, length(f) + 2); exit } }' "$1"
}
P=$(exec_field "$LOG_A" pid dkms 1)
Q=$(exec_field "$LOG_A" pid dkms 2)
check "the captures collide: pid $P is dkms on host A and scan-b1 on host B" \
	test "$(exec_field "$LOG_B" pid scan-b1 1)" = "$P"
check "and pid $Q is dkms on host A and scan-b2 on host B" \
	test "$(exec_field "$LOG_B" pid scan-b2 1)" = "$Q"
check "host A's records carry node=kme-agg-a, host B's node=kme-agg-b, every one (name_format on the sender)" \
	sh -c "! grep -qv '^node=kme-agg-a type=' '$LOG_A' && ! grep -qv '^node=kme-agg-b type=' '$LOG_B'"

# --- the decoy: a local process of the aggregator named dkms -----------------------
# It holds the pid that host A's subshell had (the parent of its third lsmod,
# never described by host A's stream), while that lsmod arrives.
R=$(exec_field "$LOG_A" ppid lsmod 3)
spawn_at_pid() { # PID COMMAND...: run COMMAND as process PID (ns_last_pid); 1 if not
	sp_want=$1; shift
	sp_i=0
	while [ $sp_i -lt 200 ]; do
		[ -e "/proc/$sp_want" ] && return 1
		rm -f "$TMP/go" && mkfifo "$TMP/go" || return 1
		echo $((sp_want - 1)) 2>/dev/null >/proc/sys/kernel/ns_last_pid || return 1
		# (without fd 9: the decoy must never hold the e2e lock)
		(read -r _ <"$TMP/go"; exec "$@" 9>&-) &
		if [ "$!" = "$sp_want" ]; then
			DECOY_PID=$!
			echo go >"$TMP/go"
			return 0
		fi
		# KILL, not TERM: a TERM that lands before the subshell has reset
		# our trap is taken for a trap and then forgotten, leaving it
		# blocked in open() of the FIFO (and this shell in wait) forever.
		kill -KILL "$!" 2>/dev/null
		wait "$!" 2>/dev/null
		sp_i=$((sp_i + 1))
	done
	return 1
}
plant_decoy() {
	mkdir -p "$TMP/decoy"
	cp /bin/sleep "$TMP/decoy/dkms"
	if spawn_at_pid "$R" "$TMP/decoy/dkms" 3600 &&
		wait_for 10 sh -c "[ \"\$(cat /proc/$R/comm 2>/dev/null)\" = dkms ]"; then
		echo "# pid $R on the aggregator: $TMP/decoy/dkms"
	else
		# The check below still holds: any local process is the wrong parent.
		echo "# pid $R on the aggregator could not be given to the decoy (it is: $(cat "/proc/$R/comm" 2>/dev/null || echo free))"
	fi
}

# send_all: both hosts' logs through their senders, in the order that fools a
# process table keyed by pid alone, then host A's last event (a new term),
# whose alert proves that every event sent before it was decided.
# shellcheck disable=SC2034 # POS_a, POS_b: read through eval
send_all() {
	POS_a=1 POS_b=1
	# round 1: host B's user program takes pid P first, then host A's dkms
	send b scan-b1 && send a dkms && send b lsmod && send a lsmod &&
	# round 2: the reverse at pid Q: host A's dkms first, then host B's program
	send a dkms && send b scan-b2 && send a lsmod && send b lsmod &&
	# round 3: host A's lsmod in a subshell, while the decoy holds its ppid
	send a lsmod &&
	# round 4: the same term on both hosts, host B first
	send b lsmod && send a lsmod &&
	# host A's last event: the marker
	send a lsmod &&
	wait_for 60 sh -c "[ \$(grep -cF '\"executable\":\"/tmp/kme-agg/a/last/lsmod\"' '$SYSLOG') -ge $1 ]"
}

# --- the daemons ------------------------------------------------------------------
start_rsyslogd
write_plugin_conf
start_aggregator
rconf_sum=$(md5sum "$RCONF" 2>/dev/null)
start_sender a
start_sender b
if auditctl -s >/dev/null 2>&1; then
	check "the aggregator (local_events = no) never registered with the kernel" \
		sh -c "! auditctl -s | grep -qx 'pid $AUDITD_PID'"
fi
plant_decoy
check "the marker (host A's last event, a new term) alerts: every event sent before it was decided" \
	send_all 1
# shellcheck disable=SC2154 # SENDER_PORT_*: set by start_sender
check "each sender connected from its own privileged port (the aggregator's DAEMON_ACCEPT records)" sh -c \
	"grep -q 'type=DAEMON_ACCEPT .* port=$SENDER_PORT_a res=success' '$TMP/audit/log/audit.log' &&
	 grep -q 'type=DAEMON_ACCEPT .* port=$SENDER_PORT_b res=success' '$TMP/audit/log/audit.log'"

# --- what the alerts say ---------------------------------------------------------------
# One line per alert: host.name executable parent.executable parent_source
# user.id user.name ("-" when absent).
# agg_alerts [FROM]: from syslog line FROM (default 1) on.
agg_alerts() {
	$PYTHON - "$KME_SRCDIR/tests" "$SYSLOG" "${1:-1}" <<'EOP'
import sys
sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[1])
from alerts import documents
for d in documents(sys.argv[2], int(sys.argv[3])):
    p = d["process"]
    if p["executable"] == "/tmp/kme-agg/a/last/lsmod":
        continue   # the marker
    u = d.get("user", {})
    print(d.get("host", {}).get("name", "-"), p["executable"], p.get("parent", {}).get("executable", "-"),
          d["audisp_kmod_enum"]["parent_source"], u.get("id", "-"), u.get("name", "-"))
EOP
}
agg_alerts | sort >"$TMP/got"
has() { grep -qxF "$1" "$TMP/got"; }
check "host B's lsmod at pid $P's child alerts with its own parent (scan-b1), though host A's dkms took pid $P just before" \
	has "kme-agg-b /usr/sbin/lsmod /tmp/kme-agg/b/scan-b1 audit 1000 kme-bob"
check "host B's lsmod at pid $Q's child alerts with its own parent (scan-b2)" \
	has "kme-agg-b /usr/sbin/lsmod /tmp/kme-agg/b/scan-b2 audit 1000 kme-bob"
check "host A's lsmod whose parent its stream never described has an unknown parent, not the aggregator's process $R" \
	has "kme-agg-a /usr/sbin/lsmod - unknown 0 -"
check "the inventory term alerts once, on host B, whose sighting arrived first" \
	has "kme-agg-b /usr/sbin/lsmod /tmp/kme-agg/common/inventory audit 1000 kme-bob"
check "no alert of host A names a parent of host B (scan-b*)" \
	sh -c "! grep -q '^kme-agg-a .*/tmp/kme-agg/b/' '$TMP/got'"
check "host B's user is named from its ENRICHED UID= (kme-bob), host A's (RAW) has no name" \
	sh -c "! grep -v '^kme-agg-b .* 1000 kme-bob\$' '$TMP/got' | grep -qv '^kme-agg-a .* 0 -\$'"
cat >"$TMP/want" <<EOW
kme-agg-a /usr/sbin/lsmod - unknown 0 -
kme-agg-b /usr/sbin/lsmod /tmp/kme-agg/b/scan-b1 audit 1000 kme-bob
kme-agg-b /usr/sbin/lsmod /tmp/kme-agg/b/scan-b2 audit 1000 kme-bob
kme-agg-b /usr/sbin/lsmod /tmp/kme-agg/common/inventory audit 1000 kme-bob
EOW
check "syslog holds exactly these 4 alerts (host, executable, parent, source, uid, user)" \
	diff -u "$TMP/want" "$TMP/got"
check "host A's two lsmod under dkms were excluded (pids $P and $Q), nothing else" counter_is excluded -eq 2
check "host A's inventory repeat was suppressed: new terms are fleet-wide by default" counter_is suppressed -eq 1

# --- the machinery ------------------------------------------------------------------------
# Each host's records, picked out of the aggregator's log, are its log byte
# for byte: nothing added (node= is the sender's own), nothing lost, in order.
same_records() { agg_log | grep -a "^node=$1 type=" | cmp -s - "$2"; }
check "host A's records reached the aggregator exactly as its auditd wrote them" same_records kme-agg-a "$LOG_A"
check "and host B's (ENRICHED part included)" same_records kme-agg-b "$LOG_B"
check "the plugin is still running" test -n "$(plugin_pid)"
stop_senders
check "the senders exit at the end of their input; the aggregator logs both DAEMON_CLOSE" \
	wait_for 20 sh -c "[ \$(grep -c 'type=DAEMON_CLOSE .* res=success' '$TMP/audit/log/audit.log') -eq 2 ]"

# --- phase 2: host.name in new_terms_fields makes terms per host ---------------------------
# The same streams again through a fresh aggregator whose plugin has
# host.name in its term (a new term identity: a fresh state file).
stop_auditd
rm -f "$TMP/audit/log/audit.log" "$STATE"
write_plugin_conf "new_terms_fields = process.executable process.parent.executable host.name"
from=$(($(wc -l <"$SYSLOG") + 1))
start_aggregator
start_sender a
start_sender b
check "per host: the marker alerts again (a new term under the new fields)" send_all 2
agg_alerts "$from" | sort >"$TMP/got2"
cat >"$TMP/want2" <<EOW
kme-agg-a /usr/sbin/lsmod - unknown 0 -
kme-agg-a /usr/sbin/lsmod /tmp/kme-agg/common/inventory audit 0 -
kme-agg-b /usr/sbin/lsmod /tmp/kme-agg/b/scan-b1 audit 1000 kme-bob
kme-agg-b /usr/sbin/lsmod /tmp/kme-agg/b/scan-b2 audit 1000 kme-bob
kme-agg-b /usr/sbin/lsmod /tmp/kme-agg/common/inventory audit 1000 kme-bob
EOW
check "per host: exactly the same alerts plus host A's inventory (5)" diff -u "$TMP/want2" "$TMP/got2"
check "per host: nothing suppressed" counter_is suppressed -eq 0
check "per host: host A's two lsmod under dkms still excluded" counter_is excluded -eq 2
stop_senders

check "the machine's $RCONF is untouched (the senders' files were bind-mounted in their namespaces)" \
	test "$(md5sum "$RCONF" 2>/dev/null)" = "$rconf_sum"
finish
