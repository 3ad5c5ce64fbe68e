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
#   audit_setup WAIT_S LABEL TOOL...
#                        the start every auditd bench makes: root and TOOLs
#                        required, audit_claim WAIT_S, the exit trap (the
#                        caller's bench_atexit when it defines one, then
#                        audit_restore, then $tmp removed; INT/TERM/HUP exit
#                        130/143), $tmp made (/tmp/kme-bench-LABEL.XXXXXX)
#                        and $rules_file in it
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

audit_cleanup() {
	local rc=$?
	trap - EXIT INT TERM HUP
	! declare -F bench_atexit >/dev/null || bench_atexit
	audit_restore
	[ -n "${tmp:-}" ] && rm -rf "$tmp"
	exit "$rc"
}

audit_setup() {
	local wait_s=$1 label=$2 tool
	shift 2
	[ "$(id -u)" = 0 ] || die "must run as root: it starts auditd and loads kernel audit rules"
	for tool in "$@"; do
		command -v "$tool" >/dev/null || die "$tool not found"
	done
	audit_claim "$wait_s"
	tmp=
	trap audit_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM HUP
	tmp=$(mktemp -d "/tmp/kme-bench-$label.XXXXXX") || die "mktemp failed"
	rules_file=$tmp/rules
	: >"$rules_file"
}
