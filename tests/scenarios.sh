#!/bin/bash
# Scenarios for the golden audit logs (tests/data/kmod-*.log), driven by tests/capture.sh.
#
#   scenarios.sh setup     create /tmp/kme-scenario (fake tools, scenario dirs, module tree) and the
#                          four dpkg maintainer scripts under /var/lib/dpkg/info (refuses to overwrite)
#   scenarios.sh cleanup   remove exactly what setup created
#   scenarios.sh list      print the scenario names, in run order
#   scenarios.sh dpkg-scripts   print the paths of the dpkg maintainer scripts that setup creates
#   kme-run NN-name        run one scenario (capture.sh copies this file to /tmp/kme-scenario/bin/kme-run
#                          and execs it with the scenario dir as CWD)
#
# Why a copy named kme-run: the commands a scenario runs directly have kme-run as their parent, and the
# expected parent executable in tests/data/scenarios.tsv must not depend on where the repository lives.
# Why every scenario execs kme-run afresh: a parent is only known from its own exec event in the log.
#
# Shell facts the expectations rely on (checked against real logs, see tests/data/README):
# - `bash -c 'cmd'` and `sh -c 'cmd'` exec a single simple command in place (no fork): the command's
#   parent is then the shell's parent. `bash -c 'cmd; :'` forks, so the shell is the parent.
# - Every command's output is discarded: only the exec events matter (most of them fail here, as this
#   machine has no /proc/modules and no /lib/modules).

readonly ROOT=/tmp/kme-scenario
readonly BIN=$ROOT/bin
readonly MODROOT=$ROOT/modroot
readonly DPKG_INFO=/var/lib/dpkg/info
# Maintainer scripts that scenario 06 creates; cleanup removes exactly these names.
readonly DPKG_SCRIPTS=(
	linux-modules-6.1.0-9-generic.postinst
	linux-modules-extra-6.1.0-9-generic.postrm
	linux-image-x.postinst
	linux-modules-6.1.0-9-amd64.postinst
)
readonly SCENARIOS=(
	01-shell 02-direct 03-lookalike 04-repeat 05-exclusion 06-dpkg 07-args
	08-reparent 09-failed 10-execveat 11-relative 12-user 13-argv0 14-odd-paths
)
# A fixed PATH makes the executable found for a bare name predictable (lsmod -> /usr/sbin/lsmod,
# kmod -> /usr/bin/kmod, sh -> /usr/bin/sh, bash -> /usr/bin/bash).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL=C
. "$(dirname "${BASH_SOURCE[0]}")/scenario-lib.sh"   # die, make_script, run_scenario, scenario_main



setup() {
	[ "$(id -u)" = 0 ] || die "setup: must run as root (it writes to $DPKG_INFO)"
	local f
	for f in "${DPKG_SCRIPTS[@]}"; do
		[ ! -e "$DPKG_INFO/$f" ] || die "setup: $DPKG_INFO/$f exists already; not overwriting it"
	done
	make_tree "$MODROOT/lib/modules/0.0.0"

	# The depmod -a runs write only into this private module tree, never the system's.
	local dep="depmod -a -b $MODROOT 0.0.0 >/dev/null 2>&1"
	make_script "$BIN/dkms" "lsmod >/dev/null 2>&1
$dep"
	make_script "$BIN/mkinitramfs" "lsmod >/dev/null 2>&1
$dep"
	make_script "$BIN/whoopsie-upload-all" 'lsmod >/dev/null 2>&1'
	make_script "$BIN/thin-provisioning-tools" 'lsmod >/dev/null 2>&1'
	make_script "$BIN/dkms-helper" 'lsmod >/dev/null 2>&1'
	make_script "$BIN/my tool" 'lsmod >/dev/null 2>&1'
	cp /usr/bin/bash "$BIN/plymouth"
	cp /usr/bin/true "$BIN/lsmodx"
	cp /usr/bin/kmod "$BIN/lsmod"
	mkdir -p "$BIN/é dir"
	ln -s /usr/bin/kmod "$BIN/é dir/lsmod"
	# Symlinks to bash: the parent executable is the path as executed, not /usr/bin/bash.
	for f in systemd argv0-shell args-space args-quote args-bytes args-newline args-long args-multi \
		args-depmod; do
		ln -s /usr/bin/bash "$BIN/$f"
	done
	execveat_py "$BIN/execveat.py"
	cat >>"$BIN/execveat.py" <<'EOF'
child(lambda: fexecve("/usr/sbin/lsmod", ["lsmod"]))
child(lambda: fexecve("/usr/bin/kmod", ["kmod", "list"]))
child(lambda: execveat(os.open("/usr/sbin", os.O_RDONLY | os.O_DIRECTORY), "lsmod", ["lsmod"]))
child(lambda: execveat(AT_FDCWD, "/usr/sbin/modinfo", ["modinfo", "ext4"]))
EOF

	# 09: a file named lsmod that is not executable, and one named modinfo that is not a binary.
	printf '#!/bin/sh\nexit 0\n' >"$ROOT/09-failed/lsmod" && chmod 644 "$ROOT/09-failed/lsmod"
	printf ': not a binary and no interpreter line\n' >"$ROOT/09-failed/modinfo"
	chmod 755 "$ROOT/09-failed/modinfo"
	ln -s /usr/bin/kmod "$ROOT/11-relative/lsmod"
	mkdir -p "$ROOT/14-odd-paths/sub dir"
	ln -s /usr/bin/kmod "$ROOT/14-odd-paths/sub dir/lsmod"

	make_script "$DPKG_INFO/linux-modules-6.1.0-9-generic.postinst" "lsmod >/dev/null 2>&1
$dep"
	make_script "$DPKG_INFO/linux-modules-extra-6.1.0-9-generic.postrm" "$dep"
	make_script "$DPKG_INFO/linux-image-x.postinst" 'lsmod >/dev/null 2>&1'
	make_script "$DPKG_INFO/linux-modules-6.1.0-9-amd64.postinst" "$dep"
}

cleanup() {
	local f
	for f in "${DPKG_SCRIPTS[@]}"; do
		rm -f "$DPKG_INFO/$f"
	done
	rm -rf "$ROOT"
}

# Each s_* runs with its scenario dir as CWD; commands it runs directly have kme-run as parent.
s_01-shell() {
	# "Typed" commands: bash reading them from stdin forks each one.
	bash >/dev/null 2>&1 <<'EOF'
lsmod
EOF
	bash -c 'lsmod; :' >/dev/null 2>&1
}

s_02-direct() {
	/sbin/lsmod >/dev/null 2>&1
	/usr/sbin/lsmod >/dev/null 2>&1
	modinfo ext4 >/dev/null 2>&1
	kmod list >/dev/null 2>&1
	/usr/bin/kmod list >/dev/null 2>&1
	/bin/kmod list >/dev/null 2>&1
	depmod -a -b "$MODROOT" 0.0.0 >/dev/null 2>&1
	depmod --all -b "$MODROOT" 0.0.0 >/dev/null 2>&1
}

s_03-lookalike() {
	kmod static-nodes >/dev/null 2>&1
	kmod help >/dev/null 2>&1
	kmod List >/dev/null 2>&1
	kmod 'list ' >/dev/null 2>&1
	depmod -A -b "$MODROOT" 0.0.0 >/dev/null 2>&1
	depmod -an -b "$MODROOT" 0.0.0 >/dev/null 2>&1
	depmod -b "$MODROOT" 0.0.0 >/dev/null 2>&1
	"$BIN/lsmodx" >/dev/null 2>&1
	modprobe --help >/dev/null 2>&1
}

s_04-repeat() {
	lsmod >/dev/null 2>&1
	lsmod >/dev/null 2>&1
	lsmod >/dev/null 2>&1
	bash -c 'lsmod' >/dev/null 2>&1
	bash -c 'lsmod; :' >/dev/null 2>&1
}

s_05-exclusion() {
	"$BIN/dkms" >/dev/null 2>&1
	"$BIN/mkinitramfs" >/dev/null 2>&1
	"$BIN/whoopsie-upload-all" >/dev/null 2>&1
	"$BIN/thin-provisioning-tools" >/dev/null 2>&1
	"$BIN/plymouth" -c 'lsmod; :' >/dev/null 2>&1
	"$BIN/systemd" -c 'modinfo ext4; :' >/dev/null 2>&1
	sh -c "exec $BIN/dkms" >/dev/null 2>&1
	"$BIN/dkms-helper" >/dev/null 2>&1
}

s_06-dpkg() {
	"$DPKG_INFO/linux-modules-6.1.0-9-generic.postinst" configure >/dev/null 2>&1
	"$DPKG_INFO/linux-modules-extra-6.1.0-9-generic.postrm" remove >/dev/null 2>&1
	"$DPKG_INFO/linux-image-x.postinst" configure >/dev/null 2>&1
	"$DPKG_INFO/linux-modules-6.1.0-9-amd64.postinst" configure >/dev/null 2>&1
}

# shellcheck disable=SC2016 # the -c scripts are expanded by the inner shell
s_07-args() {
	# Each case has a parent of its own (a bash symlink), so each one alerts and its decoded args can
	# be compared. The arguments reach the program as the shell's positional parameters (no quoting);
	# the long ones are built inside the shell, so only the program's EXECVE carries them.
	"$BIN/args-space" -c 'modinfo "$@" >/dev/null 2>&1; :' modinfo 'a b'
	"$BIN/args-quote" -c 'modinfo "$@" >/dev/null 2>&1; :' modinfo 'x"y' "it's"
	"$BIN/args-bytes" -c 'modinfo "$@" >/dev/null 2>&1; :' modinfo $'\xff\xfe' 'é'
	"$BIN/args-newline" -c 'modinfo "$@" >/dev/null 2>&1; :' modinfo $'line1\nline2'
	"$BIN/args-long" -c 'printf -v b %10000s ""
		kmod list "${b// /x}" >/dev/null 2>&1; :'
	"$BIN/args-multi" -c 'printf -v b %9000s ""
		kmod "${b// /a}" "${b// /b}" "${b// /c}" list >/dev/null 2>&1; :'
	"$BIN/args-depmod" -c 'printf -v b %9000s ""
		depmod -b "$1" "${b// /d}" -a >/dev/null 2>&1; :' depmod "$MODROOT"
}

s_08-reparent() {
	# The subshell outlives its bash parent and is reparented before it execs lsmod.
	bash -c '( sleep 1; exec lsmod >/dev/null 2>&1 ) & exit 0' >/dev/null 2>&1
	sleep 3
}

s_09-failed() {
	./lsmod >/dev/null 2>&1
	/nonexistent/lsmod >/dev/null 2>&1
	./modinfo >/dev/null 2>&1
}

s_10-execveat() {
	/usr/bin/python3 -I "$BIN/execveat.py" >/dev/null 2>&1
}

s_11-relative() {
	sh -c '../../../usr/sbin/lsmod >/dev/null 2>&1; :'
	sh -c 'cd /usr/sbin && ./lsmod >/dev/null 2>&1; :'
	sh -c './lsmod >/dev/null 2>&1; :'
}

s_12-user() {
	runuser -u nobody -- modinfo ext4 >/dev/null 2>&1
	setpriv --reuid=65534 --regid=65534 --clear-groups /sbin/modinfo ext4 >/dev/null 2>&1
}

s_13-argv0() {
	"$BIN/argv0-shell" -c 'perl -e '\''exec {"/usr/bin/kmod"} "list"'\'' >/dev/null 2>&1; :'
	"$BIN/argv0-shell" -c 'perl -e '\''exec {"/usr/bin/kmod"} "lsmod"'\'' >/dev/null 2>&1; :'
	"$BIN/lsmod" >/dev/null 2>&1
}

s_14-odd-paths() {
	"$BIN/my tool" >/dev/null 2>&1
	"$BIN/é dir/lsmod" >/dev/null 2>&1
	# bash's exec builtin hands execve an absolute path for ./lsmod; dash passes ./lsmod as typed.
	(cd "sub dir" && exec ./lsmod >/dev/null 2>&1)
	sh -c 'cd "sub dir" && ./lsmod >/dev/null 2>&1; :'
}

dpkg_scripts() { printf "$DPKG_INFO/%s\n" "${DPKG_SCRIPTS[@]}"; }

scenario_main "$@"
