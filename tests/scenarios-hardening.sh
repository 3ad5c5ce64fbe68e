#!/bin/bash
# Scenarios for the hardening log (tests/data/hardening-raw.log, issue 19), driven by tests/capture.sh
# --set hardening: exclusions an attacker earns by naming a file (51-56), and the module list read without
# the programs (61-64). tests/hardening.sh replays the log under the v211, v215 and hardened profiles.
#
#   scenarios-hardening.sh setup          create /tmp/kme-scenario, and the system files below
#   scenarios-hardening.sh cleanup        remove them
#   scenarios-hardening.sh list           print the scenario names, in run order
#   scenarios-hardening.sh dpkg-scripts   print the paths this set writes outside /tmp/kme-scenario
#   scenarios-hardening.sh audit-rules S  print the audit rules of the file scenarios, for session S
#   kme-run NN-name                       run one scenario (capture.sh copies this file to
#                                         /tmp/kme-scenario/bin/kme-run and execs it in the scenario dir)
#
# Exclusions that prove themselves (the parent of each lsmod is named after an excluded parent):
#   51-copy-dkms      a copy of /bin/sh named dkms, in a directory any user may write (mode 1777), runs
#                     sh -c 'lsmod; :': v211 excludes it by name; hardened refuses (not in a trusted_dir).
#   52-link-dracut    a symbolic link named dracut to /bin/sh in that directory: the same.
#   53-dotdot-dkms    the copy run as /usr/lib/../../tmp/kme-scenario/53-dotdot-dkms/u/dkms: the path
#                     as executed begins with /usr/lib, but '..' may follow a link (rule.md): refused.
#   54-system-dkms    a root-owned #!/bin/sh script /usr/lib/kme-hardening/dkms (a system directory)
#                     running lsmod: excluded by both (hardened: a file named dkms in /usr/lib).
#   55-trusted-paths  root-owned scripts where the distribution puts them: /etc/kernel/postinst.d/dkms
#                     (lsmod) and /var/lib/dpkg/info/linux-modules-0.0.0-kme-generic.postinst (lsmod,
#                     depmod -a): excluded by both.
#   56-writable-dir   a script dkms in /usr/lib/kme-hardening-w, a directory made writable by all
#                     (mode 0777): in a trusted_dir by location, so a replay (which cannot see owners and
#                     modes) excludes it under hardened too; the live plugin refuses it (tests/e2e-hardening.sh).
# The module list read without the programs (the audit rules of audit-rules below, on this session):
#   61-proc-read      the stand-in for /proc/modules is /proc/version: this kernel has no module support,
#                     so /proc/modules does not exist and auditctl refuses a path rule for it. cat (twice:
#                     one new term), python3's open(), grep, a copy of cat named python3 and one named
#                     chef-client in a directory any user may write.
#   62-sys-module     /sys/module listed for real: ls /sys/module, python3's os.listdir, and `ls` in
#                     /sys/module (openat of ".": a relative name joined to the CWD).
#   63-aliases        /proc/version opened by other names: /proc/self/../version, and through a symbolic
#                     link p -> /proc (p/version): the kernel matched the file, the key says so.
#   64-lsmod-opens    lsmod, whose own read of /proc/modules fails here (no such file: no open event);
#                     a control for the exec rule beside the file rule.

readonly ROOT=/tmp/kme-scenario
readonly BIN=$ROOT/bin
readonly SYS_DIR=/usr/lib/kme-hardening
readonly SYS_WDIR=/usr/lib/kme-hardening-w
readonly KERNEL_HOOK=/etc/kernel/postinst.d/dkms
readonly DPKG_SCRIPT=/var/lib/dpkg/info/linux-modules-0.0.0-kme-generic.postinst
readonly SCENARIOS=(51-copy-dkms 52-link-dracut 53-dotdot-dkms 54-system-dkms 55-trusted-paths
	56-writable-dir 61-proc-read 62-sys-module 63-aliases 64-lsmod-opens)
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL=C
. "$(dirname "${BASH_SOURCE[0]}")/scenario-lib.sh"   # die, make_script, run_scenario, scenario_main

# A directory any user may write, as /tmp is (1777).
user_dir() {
	mkdir -p "$1" && chmod 1777 "$1"
}

setup() {
	make_tree
	user_dir "$ROOT/51-copy-dkms/u" && cp /bin/sh "$ROOT/51-copy-dkms/u/dkms"
	user_dir "$ROOT/52-link-dracut/u" && ln -s /bin/sh "$ROOT/52-link-dracut/u/dracut"
	user_dir "$ROOT/53-dotdot-dkms/u" && cp /bin/sh "$ROOT/53-dotdot-dkms/u/dkms"
	mkdir -p "$SYS_DIR" "$SYS_WDIR" && chmod 0777 "$SYS_WDIR"
	make_script "$SYS_DIR/dkms" 'lsmod >/dev/null 2>&1'
	make_script "$SYS_WDIR/dkms" 'lsmod >/dev/null 2>&1'
	make_script "$KERNEL_HOOK" 'lsmod >/dev/null 2>&1'
	make_script "$DPKG_SCRIPT" 'lsmod >/dev/null 2>&1
depmod -a -b /nonexistent-kme 0.0.0 >/dev/null 2>&1'
	user_dir "$ROOT/61-proc-read/u"
	cp /bin/cat "$ROOT/61-proc-read/u/python3"
	cp /bin/cat "$ROOT/61-proc-read/u/chef-client"
	ln -s /proc "$ROOT/63-aliases/p"
}

cleanup() {
	rm -rf "$ROOT" "$SYS_DIR" "$SYS_WDIR"
	rm -f "$KERNEL_HOOK" "$DPKG_SCRIPT"
}

# The file scenarios' audit rules (capture.sh adds them to the session's): /proc/version under the key
# of the stand-in, /sys/module under the shipped key (conf/kmod-enum-proc.rules).
audit_rules() {
	local ses=$1 arch
	for arch in b64 b32; do
		printf '%s\n' "always,exit -F arch=$arch -S open,openat,openat2 -F path=/proc/version -F perm=r -F sessionid=$ses -k kme-standin"
		printf '%s\n' "always,exit -F arch=$arch -S open,openat,openat2 -F path=/sys/module -F perm=r -F sessionid=$ses -k kmod-enum-sysmod"
	done
}

# Each s_* runs with its scenario dir as CWD; commands it runs directly have kme-run as parent.
s_51-copy-dkms() {
	u/dkms -c 'lsmod >/dev/null 2>&1; :'
}

s_52-link-dracut() {
	u/dracut -c 'lsmod >/dev/null 2>&1; :'
}

s_53-dotdot-dkms() {
	/usr/lib/../../tmp/kme-scenario/53-dotdot-dkms/u/dkms -c 'lsmod >/dev/null 2>&1; :'
}

s_54-system-dkms() {
	"$SYS_DIR/dkms"
}

s_55-trusted-paths() {
	"$KERNEL_HOOK"
	"$DPKG_SCRIPT"
}

s_56-writable-dir() {
	"$SYS_WDIR/dkms"
}

s_61-proc-read() {
	cat /proc/version >/dev/null
	cat /proc/version >/dev/null
	python3 -c "open('/proc/version').read()"
	grep -q . /proc/version
	u/python3 /proc/version >/dev/null
	u/chef-client /proc/version >/dev/null
}

s_62-sys-module() {
	ls /sys/module >/dev/null
	python3 -c "import os; os.listdir('/sys/module')"
	sh -c 'cd /sys/module && ls >/dev/null'
}

s_63-aliases() {
	cat /proc/self/../version >/dev/null
	cat p/version >/dev/null
}

s_64-lsmod-opens() {
	lsmod >/dev/null 2>&1
	:
}

dpkg_scripts() { printf '%s\n' "$SYS_DIR" "$SYS_WDIR" "$KERNEL_HOOK" "$DPKG_SCRIPT"; }

scenario_main "$@"
