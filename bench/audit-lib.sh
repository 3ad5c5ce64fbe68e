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

audit_claim() {
	local deadline=$((SECONDS + $1)) why
	auditd_lock "$1" || die "kernel audit subsystem busy: its lock is held (try --wait)"
	while why=$(auditd_busy); do
		[ "$SECONDS" -lt "$deadline" ] || die "kernel audit subsystem busy: $why (try --wait)"
		say "busy ($why); retrying"
		sleep 5
	done
	auditd_note_state || die "cannot use the kernel audit subsystem"
}

audit_restore() {
	auditd_release "$rules_file" "$daemon_pid" "$pidfile_existed" "${enabled0:-}" "${backlog0:-}" ||
		say "cleanup: the audit subsystem was not all put back (see above)"
}
