#!/bin/bash
# Scenarios for the ausearch-forms log (tests/data/interp/interp-raw.log, issue 20), driven by
# tests/capture.sh --set interp --with-fork. The raw log is then printed by ausearch -i (and its
# other forms) and tests/interp.sh checks that every form decides as the raw log does. Each scenario
# puts in a value the interpreted form prints differently from the raw one.
#
#   scenarios-interp.sh setup|cleanup|list|dpkg-scripts, kme-run NN-name (tests/scenario-lib.sh)
#
#   51-shell      lsmod from bash -c 'lsmod; :' and kmod list, modinfo ext4, depmod -a (names of
#                 arch, syscall, uid root; a0..a3 as 0x...; fork records: clone's a0, vfork)
#   52-users      the same enumerations as other users: setpriv to uid/gid 65534 (nobody/nogroup:
#                 a name ausearch prints, no number) running /bin/kmod list, and to uid 4242 (no passwd
#                 entry: unknown(4242)) running lsmod
#   53-args       arguments the kernel hex-encodes: a space, a double quote, a tab and a newline
#                 (ausearch prints \011 and \012), a backslash (printed as itself), UTF-8, and
#                 "x a1=list" (the text of another field: kmod's argc says it is one argument)
#   54-failed     ./lsmod not executable (exit=EACCES(Permission denied)), /nonexistent/lsmod
#                 (ENOENT): failed
#   55-paths      ./lsmod in "sub dir" (a cwd with a space) and in a directory whose name holds a
#                 newline (cwd printed with \012); a #!/bin/sh script "my tool" (comm with a space)
#                 running modinfo
#   56-exclusion  a #!/bin/sh script dkms running lsmod and depmod -a: excluded
#   57-execveat   fexecve of kmod list (PATH name "" printed as an empty value), execveat with
#                 AT_FDCWD of modinfo

readonly ROOT=/tmp/kme-scenario
readonly BIN=$ROOT/bin
readonly MODROOT=$ROOT/modroot
readonly SCENARIOS=(51-shell 52-users 53-args 54-failed 55-paths 56-exclusion 57-execveat)
readonly NLDIR=$'nl\ndir'
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL=C
. "$(dirname "${BASH_SOURCE[0]}")/scenario-lib.sh"   # die, make_script, run_scenario, scenario_main

setup() {
	[ "$(id -u)" = 0 ] || die "setup: must run as root"
	make_tree "$MODROOT/lib/modules/0.0.0"
	make_script "$BIN/dkms" "lsmod >/dev/null 2>&1
depmod -a -b $MODROOT 0.0.0 >/dev/null 2>&1"
	make_script "$BIN/my tool" 'modinfo ext4 >/dev/null 2>&1'
	ln -s /usr/bin/bash "$BIN/args-shell"
	printf '#!/bin/sh\nexit 0\n' >"$ROOT/54-failed/lsmod" && chmod 644 "$ROOT/54-failed/lsmod"
	mkdir -p "$ROOT/55-paths/sub dir" "$ROOT/55-paths/$NLDIR"
	ln -s /usr/bin/kmod "$ROOT/55-paths/sub dir/lsmod"
	ln -s /usr/bin/kmod "$ROOT/55-paths/$NLDIR/lsmod"
	execveat_py "$BIN/execveat.py"
	cat >>"$BIN/execveat.py" <<'EOF'
child(lambda: fexecve("/usr/bin/kmod", ["kmod", "list"]))
child(lambda: execveat(AT_FDCWD, "/usr/sbin/modinfo", ["modinfo", "ext4"]))
EOF
}

cleanup() {
	rm -rf "$ROOT"
}

s_51-shell() {
	bash -c 'lsmod >/dev/null 2>&1; :'
	kmod list >/dev/null 2>&1
	modinfo ext4 >/dev/null 2>&1
	depmod -a -b "$MODROOT" 0.0.0 >/dev/null 2>&1
}

s_52-users() {
	setpriv --reuid=65534 --regid=65534 --clear-groups /bin/kmod list >/dev/null 2>&1
	setpriv --reuid=4242 --regid=4242 --clear-groups lsmod >/dev/null 2>&1
}

# shellcheck disable=SC2016
s_53-args() {
	"$BIN/args-shell" -c 'kmod "$@" >/dev/null 2>&1; :' x list 'a b' 'x"y' $'tab\there' \
		$'line1\nline2' 'back\slash' 'café'
	"$BIN/args-shell" -c 'kmod "$@" >/dev/null 2>&1; :' x 'x a1=list'
}

s_54-failed() {
	./lsmod >/dev/null 2>&1
	/nonexistent/lsmod >/dev/null 2>&1
	:
}

s_55-paths() {
	(cd "sub dir" && ./lsmod >/dev/null 2>&1; :)
	(cd "$NLDIR" && ./lsmod >/dev/null 2>&1; :)
	"$BIN/my tool"
}

s_56-exclusion() {
	"$BIN/dkms"
}

s_57-execveat() {
	/usr/bin/python3 -I "$BIN/execveat.py" >/dev/null 2>&1
}

scenario_main "$@"
