# bench/audit-lib.sh - claim and give back the kernel's audit subsystem, for
# the bench scripts that run a private auditd (sourced by capture-corpus.sh and
# live.sh; bash). The caller defines say() and die(), and sources
# tests/auditd-lib.sh too (audit_restore is its auditd_release).
#
#   audit_claim WAIT_S   wait up to WAIT_S seconds until no auditd runs, no
#                        process is registered as the audit daemon and no rule
#                        is loaded; then note enabled0, backlog0 and lost0
#   audit_restore        delete the rules listed in $rules_file, stop
#                        $daemon_pid, remove an auditd pid file we created,
#                        and put back the enabled flag and backlog_limit
#
# Variables the caller fills as it goes: rules_file (one rule spec a line, as
# given to auditctl -a), daemon_pid.

rules_file=
daemon_pid=
pidfile_existed=0
[ -e /var/run/auditd.pid ] && pidfile_existed=1

audit_busy() {
	local st
	if pidof auditd >/dev/null; then
		echo "an auditd is running (pid $(pidof auditd))"
		return 0
	fi
	st=$(auditctl -s 2>/dev/null) || { echo "auditctl -s failed"; return 0; }
	if [ "$(printf '%s\n' "$st" | awk '$1 == "pid" { print $2 }')" != 0 ]; then
		echo "a process is registered as the audit daemon"
		return 0
	fi
	if [ "$(auditctl -l 2>/dev/null)" != "No rules" ]; then
		echo "audit rules are loaded"
		return 0
	fi
	return 1
}

audit_claim() {
	local deadline=$((SECONDS + $1)) why status
	# One user of the kernel audit subsystem at a time: the lock the
	# end-to-end tests and tests/capture.sh take.
	exec 9>"${TMPDIR:-/tmp}/kme-e2e.lock"
	flock -w "$1" 9 || die "kernel audit subsystem busy: its lock is held (try --wait)"
	while why=$(audit_busy); do
		[ "$SECONDS" -lt "$deadline" ] || die "kernel audit subsystem busy: $why (try --wait)"
		say "busy ($why); retrying"
		sleep 5
	done
	status=$(auditctl -s) || die "auditctl -s failed: no audit support in this kernel?"
	enabled0=$(printf '%s\n' "$status" | awk '$1 == "enabled" { print $2 }')
	backlog0=$(printf '%s\n' "$status" | awk '$1 == "backlog_limit" { print $2 }')
	lost0=$(printf '%s\n' "$status" | awk '$1 == "lost" { print $2 }')
	[ "$enabled0" != 2 ] || die "the audit configuration is locked (enabled 2): nothing can be changed"
}

audit_restore() {
	auditd_release "$rules_file" "$daemon_pid" "$pidfile_existed" "${enabled0:-}" "${backlog0:-}" ||
		say "cleanup: the audit subsystem was not all put back (see above)"
}
