# shellcheck shell=dash
# tests/auditd-lib.sh - the private auditd of the capture scripts, the
# end-to-end tests and the benches: its config, its start and its stop
# (sourced; sh, since tests/e2e-lib.sh is sourced by /bin/sh tests: POSIX
# plus `local`, which dash, bash and busybox sh all have).
#
#   auditd_conf FILE KEY=VALUE...  write a complete auditd.conf to FILE (mode
#                          0600, written aside and renamed): the defaults of
#                          the table below, each KEY=VALUE replacing its
#                          key's value in place. log_file and plugin_dir have
#                          no default; keys marked "-" are written only when
#                          given. 1 (and nothing written) on an unknown key,
#                          a missing log_file/plugin_dir or a write error.
#   auditd_enable PID [BACKLOG]
#                          poll (10 s) until the auditd PID is the kernel's
#                          audit daemon, then set the kernel's enabled flag
#                          to 1 and, if given, its backlog_limit. 1 if PID
#                          exited, did not register, or auditctl failed.
#   auditd_stop PID        TERM, up to 10 s to exit, then KILL; reaped.
#   auditd_restore ENABLED [BACKLOG]
#                          put back the kernel's enabled flag and, if given,
#                          its backlog_limit, each only where it differs now
#                          (an empty ENABLED: left alone). 1 if auditctl
#                          refused.
#   auditd_session         give the calling shell process a new loginuid (0),
#                          hence an audit session of its own that its
#                          descendants inherit, and set ses to its id. Call
#                          it in the (sub)shell to be filtered on, not in
#                          $(...), which is another process. 1 if the
#                          loginuid is immutable or no session came of it.
#   auditd_add_rules FILE SPEC...
#                          auditctl -a each rule SPEC, noting it in FILE
#                          first (so that auditd_delete_rules also finds a
#                          half-loaded one); 1 at the first refused.
#   auditd_delete_rules FILE
#                          auditctl -d each rule spec of FILE (one a line,
#                          as given to auditctl -a); FILE is emptied when
#                          all went, else kept (for another try) and 1.
#   auditd_lock WAIT_S     hold the audit-subsystem lock (fd 9 on
#                          ${TMPDIR:-/tmp}/kme-e2e.lock: the end-to-end
#                          tests, captures and benches take turns), waiting
#                          up to WAIT_S seconds; 1 if it stayed taken.
#   auditd_busy            whether the kernel audit subsystem is in use: 0
#                          with the reason on stdout (an auditd runs,
#                          another process is registered as the audit
#                          daemon, rules are loaded, auditctl fails), 1 when
#                          it is free for us.
#   auditd_note_state      note enabled0, backlog0 and lost0 (for
#                          auditd_release and the lost-event check); 1 with
#                          the reason on stderr if auditctl fails or the
#                          configuration is locked (enabled 2).
#   auditd_release RULES_FILE DAEMON_PID PIDFILE_EXISTED ENABLED [BACKLOG]
#                          the end of a run with a private auditd, each step
#                          only where there is something to undo (an empty
#                          argument: nothing): delete the rules listed in
#                          RULES_FILE, stop DAEMON_PID, remove
#                          /var/run/auditd.pid unless PIDFILE_EXISTED is 1
#                          (it was there before the run), put back ENABLED
#                          and BACKLOG. Every step is tried; 1 if one failed.
#
# Errors are said on stderr, prefixed with the script's name; the caller
# decides whether they end it. Nothing here takes the audit-subsystem lock
# (/tmp/kme-e2e.lock): the callers hold it before they touch auditd.

# The config table: "KEY VALUE" in the order written, VALUE "-" = only when
# given, "@" = must be given. A complete config of our own, never a copy of
# the system's: nothing in it can send events elsewhere, rotate the log, or
# suspend logging (or halt the machine) on a full disk in the middle of a run.
AUDITD_CONF_TABLE='
# The kernel'"'"'s events; an aggregator (e2e-lib.sh) takes network events only.
local_events yes
write_logs yes
log_file @
log_group root
# RAW: records exactly as the kernel sent them (what the plugin reads);
# ENRICHED captures resolve uids, syscalls and addresses on top.
log_format RAW
# Flushed every freq records without waiting for the disk: the callers poll
# the log for their last marker, and a bench raises freq to write less often.
flush INCREMENTAL_ASYNC
freq 50
# Never rotate: a capture is one file. num_logs 0 and max_log_file_action
# IGNORE make max_log_file (MiB) count for nothing.
max_log_file 0
num_logs 0
max_log_file_action IGNORE
# auditd renices itself by 4 by default; 0 keeps it an ordinary process
# beside the plugin it runs (and what a bench measures).
priority_boost 0
# NONE: no node= prefix (tests/merge-hosts.sh adds one); USER with name = N
# makes auditd write node=N itself, as a sending host does.
name_format NONE
name -
# Just above nothing (MiB), with every disk action IGNORE: auditd must never
# suspend logging, go single-user or halt mid-run. auditd wants
# admin_space_left below space_left, hence 2 and 1.
space_left 2
space_left_action IGNORE
admin_space_left 1
admin_space_left_action IGNORE
disk_full_action IGNORE
# A write error is said in syslog, not acted upon.
disk_error_action SYSLOG
use_libwrap no
# An aggregator'"'"'s TCP listener (e2e-lib.sh start_aggregator): none unless given.
tcp_listen_port -
tcp_listen_queue -
tcp_max_per_addr -
tcp_client_ports -
tcp_client_max_idle -
transport -
# Only local events go to the plugins; an aggregator hands them the
# network'"'"'s too.
distribute_network no
# auditd'"'"'s default dispatcher queue; a bench at 1000 execs/s raises it so
# that a burst does not overflow it. An overflow is said in syslog (the lost
# events then show in the counts), never suspend/single/halt.
q_depth 2000
overflow_action SYSLOG
max_restarts 10
plugin_dir @
# auditd'"'"'s default: seconds after which a plugin'"'"'s parser takes an event as
# complete.
end_of_event_timeout 2
'

auditd_conf() {
	local ac_file
	ac_file=$1
	shift
	printf '%s\n' "$AUDITD_CONF_TABLE" | awk -v me="${0##*/}: auditd_conf $ac_file" '
		BEGIN {
			for (i = 1; i < ARGC; i++) {
				eq = index(ARGV[i], "=")
				if (eq < 2) { print me ": not KEY=VALUE: " ARGV[i] | "cat >&2"; bad = 1; continue }
				k = substr(ARGV[i], 1, eq - 1)
				given[k] = substr(ARGV[i], eq + 1)
			}
			ARGC = 1
		}
		/^#/ || NF == 0 { next }
		{
			k = $1; v = $2
			known[k] = 1
			if (k in given) v = given[k]
			else if (v == "-") next
			else if (v == "@") { print me ": " k " must be given" | "cat >&2"; bad = 1; next }
			print k " = " v
		}
		END {
			for (k in given)
				if (!(k in known)) { print me ": unknown key " k | "cat >&2"; bad = 1 }
			exit bad
		}' "$@" >"$ac_file.new" &&
		chmod 0600 "$ac_file.new" && mv "$ac_file.new" "$ac_file" && return 0
	rm -f "$ac_file.new"
	return 1
}

auditd_enable() {
	local ae_n
	ae_n=0
	until [ "$(auditctl -s | awk '$1 == "pid" { print $2 }')" = "$1" ]; do
		if ! kill -0 "$1" 2>/dev/null; then
			echo "${0##*/}: auditd (pid $1) exited at start" >&2
			return 1
		fi
		if [ "$ae_n" -ge 100 ]; then
			echo "${0##*/}: auditd (pid $1) did not register with the kernel" >&2
			return 1
		fi
		sleep 0.1
		ae_n=$((ae_n + 1))
	done
	auditctl -e 1 >/dev/null || { echo "${0##*/}: auditctl -e 1 failed" >&2; return 1; }
	[ -z "${2:-}" ] || auditctl -b "$2" >/dev/null ||
		{ echo "${0##*/}: auditctl -b $2 failed" >&2; return 1; }
}

auditd_stop() {
	local as_n
	as_n=0
	kill -TERM "$1" 2>/dev/null
	while [ "$as_n" -lt 100 ] && kill -0 "$1" 2>/dev/null; do
		sleep 0.1
		as_n=$((as_n + 1))
	done
	kill -0 "$1" 2>/dev/null && kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

auditd_delete_rules() {
	local adr_spec adr_rc
	adr_rc=0
	[ -s "$1" ] || return 0
	while IFS= read -r adr_spec; do
		# shellcheck disable=SC2086 # a rule spec is a list of words
		auditctl -d $adr_spec >/dev/null 2>&1 || {
			echo "${0##*/}: cannot delete audit rule $adr_spec" >&2
			adr_rc=1
		}
	done <"$1"
	[ "$adr_rc" = 1 ] || : >"$1"
	return "$adr_rc"
}

auditd_restore() {
	local ar_rc
	ar_rc=0
	if [ -n "$1" ] && [ "$(auditctl -s | awk '$1 == "enabled" { print $2 }')" != "$1" ]; then
		auditctl -e "$1" >/dev/null || {
			echo "${0##*/}: could not restore the audit enabled flag $1" >&2
			ar_rc=1
		}
	fi
	if [ -n "${2:-}" ] && [ "$(auditctl -s | awk '$1 == "backlog_limit" { print $2 }')" != "$2" ]; then
		auditctl -b "$2" >/dev/null || {
			echo "${0##*/}: could not restore the audit backlog_limit $2" >&2
			ar_rc=1
		}
	fi
	return "$ar_rc"
}

auditd_session() {
	ses=
	if ! echo 0 >/proc/self/loginuid 2>/dev/null; then
		echo "${0##*/}: cannot set a loginuid (immutable?): no audit session to filter on" >&2
		return 1
	fi
	read -r ses </proc/self/sessionid
	[ -n "$ses" ] && [ "$ses" != 4294967295 ] && return 0
	echo "${0##*/}: a new loginuid gave no audit session id" >&2
	return 1
}

auditd_add_rules() {
	local aar_file aar_spec
	aar_file=$1
	shift
	for aar_spec in "$@"; do
		printf '%s\n' "$aar_spec" >>"$aar_file" || return 1
		# shellcheck disable=SC2086 # a rule spec is a list of words
		auditctl -a $aar_spec >/dev/null || {
			echo "${0##*/}: auditctl -a $aar_spec failed" >&2
			return 1
		}
	done
}

auditd_release() {
	local arl_rc
	arl_rc=0
	[ -z "$1" ] || auditd_delete_rules "$1" || arl_rc=1
	[ -z "$2" ] || auditd_stop "$2"
	[ "$3" = 1 ] || rm -f /var/run/auditd.pid
	auditd_restore "$4" "${5:-}" || arl_rc=1
	return "$arl_rc"
}

auditd_lock() {
	exec 9>"${TMPDIR:-/tmp}/kme-e2e.lock"
	flock -w "$1" 9
}

auditd_busy() {
	local ab_pids ab_pid
	if ab_pids=$(pidof auditd); then
		echo "an auditd is running (pid $ab_pids)"
		return 0
	fi
	ab_pid=$(auditctl -s 2>/dev/null | awk '$1 == "pid" { print $2 }') ||
		{ echo "auditctl -s failed"; return 0; }
	if [ -z "$ab_pid" ]; then
		echo "auditctl -s failed: no audit support in this kernel?"
		return 0
	fi
	if [ "$ab_pid" != 0 ]; then
		echo "another process (pid $ab_pid) is registered as the audit daemon"
		return 0
	fi
	if [ "$(auditctl -l 2>/dev/null)" != "No rules" ]; then
		echo "audit rules are loaded"
		return 0
	fi
	return 1
}

auditd_note_state() {
	local ans_status
	ans_status=$(auditctl -s) || {
		echo "${0##*/}: auditctl -s failed: no audit support in this kernel?" >&2
		return 1
	}
	enabled0=$(printf '%s\n' "$ans_status" | awk '$1 == "enabled" { print $2 }')
	backlog0=$(printf '%s\n' "$ans_status" | awk '$1 == "backlog_limit" { print $2 }')
	lost0=$(printf '%s\n' "$ans_status" | awk '$1 == "lost" { print $2 }')
	if [ "$enabled0" = 2 ]; then
		echo "${0##*/}: the audit configuration is locked (enabled 2): nothing can be changed" >&2
		return 1
	fi
}
