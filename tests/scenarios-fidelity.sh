#!/bin/bash
# Scenarios for the fidelity audit logs (tests/data/fidelity-*.log*, issue 9), driven by tests/capture.sh
# --set fidelity. Each one is a way an attacker or a busy sysadmin runs things that the plugin once
# decided wrongly.
#
#   scenarios-fidelity.sh setup          create /tmp/kme-scenario (tools, scenario dirs, module tree)
#   scenarios-fidelity.sh cleanup        remove it
#   scenarios-fidelity.sh list           print the scenario names, in run order
#   scenarios-fidelity.sh dpkg-scripts   print nothing: this set writes nothing outside /tmp/kme-scenario
#   kme-run NN-name                      run one scenario (capture.sh copies this file to
#                                        /tmp/kme-scenario/bin/kme-run and execs it in the scenario dir)
#
#   21-dotdot      `..` after a symlinked directory: t/s -> e/f/g/h, so t/s/.. is t/e/f/g, not t.
#                  sh -c 't/s/../lsmod' runs t/e/f/g/lsmod (a symlink to kmod); the text "collapse" would
#                  name t/lsmod, which does not exist. And the dpkg-exclusion forgery: a #!/bin/sh script
#                  at $D/var/lib/dpkg/info/linux-modules-9-generic.postinst (five `..` from t/e/f/g/h
#                  lead back to $D) run as $D/t/s/../../../../../var/lib/dpkg/info/linux-modules-9-generic
#                  .postinst, which a lexical collapse turns into /var/lib/dpkg/info/... (D is three levels
#                  deep) and so into the excluded maintainer script. It runs lsmod and depmod -a.
#   22-too-long    a working directory longer than PATH_MAX: the kernel logs cwd="<too_long>". ./lsmod
#                  there (from kme-run, and from sh -c) and ./dkms (a #!/bin/sh script running lsmod).
#   23-pid-reuse   a bash ("reuse-shell", a symlink to bash) runs dkms in the background (its child X
#                  execs dkms, which runs lsmod and depmod -a: excluded), waits for it, then steers the
#                  kernel's next pid to X (writes X-1 to /proc/sys/kernel/ns_last_pid, as root) and forks a
#                  subshell; when the subshell got pid X it runs lsmod (else it exits 3 and the shell tries
#                  again). lsmod's parent is the subshell -- a copy of reuse-shell -- not dkms.
#   24-subshell    a #!/bin/sh script named mkinitramfs runs lsmod inside `$(lsmod | cat)` and `( lsmod;
#                  : )`: dash forks a subshell that never execs, and the subshell forks lsmod. Only fork
#                  records say who the subshell is. `x=$(lsmod)` (dash execs in place) is the control.
#   25-many-args   more arguments than the plugin stores (262,144): kmod x... list and depmod -n... -a with
#                  270,000 arguments before the one that matters (after `ulimit -s unlimited`: argv then
#                  has room up to 6 MiB), and kmod list x... with 100,000 arguments (an alert too large for
#                  one line). Each from its own parent (symlinks to bash), so each is a term of its own.
#
# The logs: fidelity-raw.log (21-24), fidelity-fork-raw.log (21-24, fork records too) and
# fidelity-args-raw.log.xz (25 only; about 9 MB uncompressed). See tests/data/README.

readonly ROOT=/tmp/kme-scenario
readonly BIN=$ROOT/bin
readonly MODROOT=$ROOT/modroot
readonly SCENARIOS=(21-dotdot 22-too-long 23-pid-reuse 24-subshell 25-many-args)
# 22: 24 directory levels of 200 bytes: 4.8 kB, beyond PATH_MAX (4096) and the kernel's d_path buffer
# for audit (PATH_MAX + 11).
readonly DEEP_LEVELS=24
readonly DEEP_NAME=dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL=C
. "$(dirname "${BASH_SOURCE[0]}")/scenario-lib.sh"   # die, make_script, run_scenario, scenario_main



# Enter the deep directory of 22 one level at a time (a single chdir(2) of the whole path would fail
# with ENAMETOOLONG).
enter_deep() {
	local i
	cd "$ROOT/22-too-long" || return 1
	for ((i = 0; i < DEEP_LEVELS; i++)); do
		cd "$DEEP_NAME" 2>/dev/null || return 1
	done
}

setup() {
	[ "$(id -u)" = 0 ] || die "setup: must run as root"
	local f d=$ROOT/21-dotdot
	make_tree "$MODROOT/lib/modules/0.0.0"
	local dep="depmod -a -b $MODROOT 0.0.0 >/dev/null 2>&1"

	# 21
	mkdir -p "$d/t/e/f/g/h" "$d/var/lib/dpkg/info"
	ln -s e/f/g/h "$d/t/s"
	ln -s /usr/bin/kmod "$d/t/e/f/g/lsmod"
	make_script "$d/var/lib/dpkg/info/linux-modules-9-generic.postinst" "lsmod >/dev/null 2>&1
$dep"

	# 22: created from inside, one level at a time, like the scenario enters it
	(
		cd "$ROOT/22-too-long" || exit 1
		for ((i = 0; i < DEEP_LEVELS; i++)); do
			mkdir "$DEEP_NAME" && cd "$DEEP_NAME" || exit 1
		done
		ln -s /usr/bin/kmod lsmod
		make_script dkms "lsmod >/dev/null 2>&1"
	) || die "setup: cannot build the deep directory of 22-too-long"

	# 23, 24
	make_script "$BIN/dkms" "lsmod >/dev/null 2>&1
$dep"
	ln -s /usr/bin/bash "$BIN/reuse-shell"
	make_script "$BIN/mkinitramfs" 'mods=$(lsmod | cat)
( lsmod >/dev/null 2>&1; : )
x=$(lsmod)'

	# 25
	for f in args-270k-kmod args-270k-depmod args-100k-list; do
		ln -s /usr/bin/bash "$BIN/$f"
	done
}

cleanup() {
	# rm -rf walks the deep tree of 22 with openat(2): no path length limit.
	rm -rf "$ROOT"
}

# Each s_* runs with its scenario dir as CWD; commands it runs directly have kme-run as parent.
s_21-dotdot() {
	sh -c 't/s/../lsmod >/dev/null 2>&1; :'
	"$PWD/t/s/../../../../../var/lib/dpkg/info/linux-modules-9-generic.postinst" configure >/dev/null 2>&1
}

s_22-too-long() {
	enter_deep || die "22-too-long: cannot enter the deep directory"
	./lsmod >/dev/null 2>&1
	sh -c './lsmod >/dev/null 2>&1; :'
	./dkms >/dev/null 2>&1
	cd "$ROOT/22-too-long" || die "22-too-long: cannot leave the deep directory"
}

# shellcheck disable=SC2016 # the -c script is expanded by the inner shell
s_23-pid-reuse() {
	# Root steers pids here: ns_last_pid is the last pid handed out in this pid namespace. Another
	# process on the machine may take pid X first; then the subshell exits 3 and the shell retries.
	"$BIN/reuse-shell" -c '
		"$1/dkms" >/dev/null 2>&1 &
		x=$!
		wait "$x"
		for ((try = 0; try < 500; try++)); do
			echo $((x - 1)) >/proc/sys/kernel/ns_last_pid || exit 1
			(
				[ "$BASHPID" = "$x" ] || exit 3
				# Let the fork record of this subshell reach the log well before lsmod is started.
				for ((i = 0; i < 20000; i++)); do :; done
				lsmod >/dev/null 2>&1
				:
			)
			[ $? = 3 ] || exit 0
		done
		echo "23-pid-reuse: pid $x never came back" >&2
		exit 1' reuse-shell "$BIN" || die "23-pid-reuse failed"
}

s_24-subshell() {
	"$BIN/mkinitramfs" >/dev/null 2>&1
}

# shellcheck disable=SC2016
s_25-many-args() {
	"$BIN/args-270k-kmod" -c 'ulimit -s unlimited || exit 1
		a=(); for ((i = 0; i < 270000; i++)); do a[i]=x; done
		kmod "${a[@]}" list >/dev/null 2>&1; :'
	"$BIN/args-270k-depmod" -c 'ulimit -s unlimited || exit 1
		a=(); for ((i = 0; i < 270000; i++)); do a[i]=-n; done
		depmod "${a[@]}" -a -b "$1" 0.0.0 >/dev/null 2>&1; :' args-270k-depmod "$MODROOT"
	"$BIN/args-100k-list" -c 'a=(); for ((i = 0; i < 100000; i++)); do a[i]=x; done
		kmod list "${a[@]}" >/dev/null 2>&1; :'
}

scenario_main "$@"
