#!/bin/bash
# Scenarios for the profile comparison log (tests/data/profiles-raw.log, issue 12), driven by
# tests/capture.sh --set profiles. The same log is replayed under the v211, v215 and hardened
# profiles by tests/profiles.sh; tests/profiles-table.sh turns the replays into README's table.
#
#   scenarios-profiles.sh setup          create /tmp/kme-scenario (tools, scenario dirs)
#   scenarios-profiles.sh cleanup        remove it (and the /var/tmp script of 39)
#   scenarios-profiles.sh list           print the scenario names, in run order
#   scenarios-profiles.sh dpkg-scripts   print the files this set writes outside /tmp/kme-scenario
#   kme-run NN-name                      run one scenario (capture.sh copies this file to
#                                        /tmp/kme-scenario/bin/kme-run and execs it in the scenario dir)
#
#   31-lsmod          lsmod from a shell: every profile alerts.
#   32-exec-a-lsmod   `exec -a lsmod /usr/bin/kmod`: kmod lists the modules (it dispatches on argv[0]);
#                     process.name is kmod, args [lsmod].
#   33-link-as-kmod   a symlink bin/kmod-link -> /usr/bin/kmod run as `exec -a kmod kmod-link list`:
#                     process.name kmod-link; kmod sees "kmod list" and lists.
#   34-hardlink       a hard link bin/hl of /usr/bin/kmod run as `exec -a lsmod bin/hl`: lists; the
#                     kernel's exe is the link's own path, not /usr/bin/kmod.
#   35-busybox        `busybox lsmod` and `busybox modinfo ext4`.
#   36-exec-a-x-list  `exec -a x /usr/bin/kmod list`: kmod 30 refuses ("x" is no kmod command, exit 254)
#                     and lists nothing, but process.name is kmod with an argument list.
#   37-not-listing    `kmod static-nodes` and `depmod -A`: no enumeration.
#   38-parent-args    `sh -c 'lsmod; :' /var/lib/dpkg/info/x`: an ordinary shell whose $0 names a dpkg
#                     path -- v215's exclude_parent_args '/var/lib/dpkg/info/*' matches any argument.
#   39-rpm-tmp        a #!/bin/sh script /var/tmp/rpm-tmp.kme-profiles (like an rpm scriptlet) runs lsmod.
#   40-orphan-job     a #!/bin/sh script bin/daily-job started as an orphan (its parent exits first, so
#                     its exec has ppid 1: like a service started by init) runs lsmod: the entry leader
#                     is daily-job itself, child of init.
#   41-ssh-like       a bash run by a program named sshd (a symlink to bash) runs bash -c 'lsmod; :':
#                     the entry leader is the shell under sshd.

readonly ROOT=/tmp/kme-scenario
readonly BIN=$ROOT/bin
readonly RPM_SCRIPT=/var/tmp/rpm-tmp.kme-profiles
readonly SCENARIOS=(31-lsmod 32-exec-a-lsmod 33-link-as-kmod 34-hardlink 35-busybox 36-exec-a-x-list
	37-not-listing 38-parent-args 39-rpm-tmp 40-orphan-job 41-ssh-like)
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL=C
. "$(dirname "${BASH_SOURCE[0]}")/scenario-lib.sh"   # die, make_script, run_scenario, scenario_main



setup() {
	[ "$(id -u)" = 0 ] || die "setup: must run as root"
	make_tree
	command -v busybox >/dev/null || die "setup: busybox is needed (tests/deps.sh)"
	ln -s /usr/bin/kmod "$BIN/kmod-link"
	# A hard link needs /tmp on the file system of /usr/bin/kmod; 34 says so when it is not.
	ln /usr/bin/kmod "$BIN/hl" 2>/dev/null || true
	ln -s /bin/bash "$BIN/sshd"
	make_script "$RPM_SCRIPT" 'lsmod >/dev/null 2>&1'
	make_script "$BIN/daily-job" "lsmod >/dev/null 2>&1
touch $ROOT/40-orphan-job/done"
}

cleanup() {
	rm -rf "$ROOT"
	rm -f "$RPM_SCRIPT"
}

# Each s_* runs with its scenario dir as CWD; commands it runs directly have kme-run as parent.
s_31-lsmod() {
	lsmod >/dev/null 2>&1
}

s_32-exec-a-lsmod() {
	bash -c 'exec -a lsmod /usr/bin/kmod' >/dev/null 2>&1
}

s_33-link-as-kmod() {
	bash -c 'exec -a kmod "$1" list' x "$BIN/kmod-link" >/dev/null 2>&1
}

s_34-hardlink() {
	[ -e "$BIN/hl" ] || die "34-hardlink: cannot hard-link /usr/bin/kmod into $BIN (another file system)"
	bash -c 'exec -a lsmod "$1"' x "$BIN/hl" >/dev/null 2>&1
}

s_35-busybox() {
	busybox lsmod >/dev/null 2>&1
	busybox modinfo ext4 >/dev/null 2>&1
}

s_36-exec-a-x-list() {
	local rc
	bash -c 'exec -a x /usr/bin/kmod list' >/dev/null 2>&1
	rc=$?
	[ "$rc" = 254 ] || die "36-exec-a-x-list: kmod run as x exited $rc, expected 254 (not a kmod command)"
}

s_37-not-listing() {
	kmod static-nodes >/dev/null 2>&1
	depmod -A >/dev/null 2>&1
}

s_38-parent-args() {
	sh -c 'lsmod >/dev/null 2>&1; :' /var/lib/dpkg/info/x
}

s_39-rpm-tmp() {
	sh "$RPM_SCRIPT"
}

# shellcheck disable=SC2016
s_40-orphan-job() {
	local i
	# The subshell exits at once; sh waits until it has been adopted by init (its ppid, field 4 of
	# /proc/$$/stat, is 1), then execs daily-job, whose exec then has ppid 1. Waiting polls the
	# positive fact (the job's marker file), with a deadline.
	# fd 9 is capture.sh's hold on the audit lock: the orphan must not keep it.
	( sh -c 'while [ "$(cut -d" " -f4 /proc/$$/stat)" != 1 ]; do sleep 0.05; done; exec "$1"' \
		x "$BIN/daily-job" 9>&- & )
	for ((i = 0; i < 200; i++)); do
		[ -e "$ROOT/40-orphan-job/done" ] && return 0
		sleep 0.05
	done
	die "40-orphan-job: the job did not finish within 10 s"
}

s_41-ssh-like() {
	"$BIN/sshd" -c 'bash -c "lsmod >/dev/null 2>&1; :"; :'
}

dpkg_scripts() { printf '%s\n' "$RPM_SCRIPT"; }

scenario_main "$@"
