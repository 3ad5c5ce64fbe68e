# tests/scenario-lib.sh - the frame every scenario set shares (bash; sourced by
# tests/scenarios.sh, tests/scenarios-fidelity.sh, tests/scenarios-profiles.sh,
# which tests/capture.sh runs as `bash SET.sh setup|cleanup|list|dpkg-scripts|audit-rules SES|NN-name`).
#
# A set defines SCENARIOS (its names, NN-name), ROOT (each scenario runs with
# $ROOT/NN-name as its working directory), the functions setup, cleanup and
# s_NN-name for each scenario, and optionally dpkg_scripts (prints the dpkg
# maintainer scripts the set plants, one per line; none by default) and
# audit_rules (prints audit rule specs the capture loads besides its exec
# rules, for session $1; none by default). It then ends with
# `scenario_main "$@"`.

SCENARIO_SET=${0##*/}

die() {
	printf '%s: %s\n' "$SCENARIO_SET" "$*" >&2
	exit 1
}

# A #!/bin/sh script at $1 whose body is $2. It ends with `exit 0` so that
# dash forks the last command instead of exec-ing it in place: the script
# must stay the parent of what it runs.
make_script() {
	printf '#!/bin/sh\n%s\nexit 0\n' "$2" >"$1" && chmod 755 "$1"
}

# The start of a python3 script (FILE) whose cases, appended by the set, each
# fork a child that calls execveat(2) directly (so that python3 is the parent
# of the program): child(fn), fexecve(path, argv) (glibc's: execveat(fd, "",
# argv, envp, AT_EMPTY_PATH)) and execveat(dirfd, path, argv); AT_FDCWD.
execveat_py() {
	cat >"$1" <<'EOF'
import ctypes, os

SYS_EXECVEAT = 322          # x86_64
AT_FDCWD = -100
libc = ctypes.CDLL(None, use_errno=True)

def child(fn):
    pid = os.fork()
    if pid == 0:
        null = os.open("/dev/null", os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        try:
            fn()
        finally:
            os._exit(127)
    os.waitpid(pid, 0)

def fexecve(path, argv):
    fd = os.open(path, os.O_RDONLY)
    os.execve(fd, argv, {"PATH": os.environ["PATH"]})

def execveat(dirfd, path, argv):
    cargv = (ctypes.c_char_p * (len(argv) + 1))(*[a.encode() for a in argv], None)
    cenv = (ctypes.c_char_p * 1)(None)
    libc.syscall(SYS_EXECVEAT, dirfd, path.encode(), cargv, cenv, 0)

EOF
}

# Copy this set to BIN/kme-run (the name its scenarios' commands see as their
# parent), with this library beside it, which kme-run sources.
install_runner() {
	cp "$0" "$1/kme-run" && chmod 755 "$1/kme-run" &&
		cp "$(dirname "${BASH_SOURCE[0]}")/scenario-lib.sh" "$1/scenario-lib.sh"
}

# make_tree [DIR...]: the set's tree, made afresh (root only): ROOT emptied,
# BIN and DIRs made, a directory per scenario, the runner installed (umask
# 022: the scenarios' programs run as other users too).
make_tree() {
	[ "$(id -u)" = 0 ] || die "setup: must run as root"
	local f
	umask 022
	rm -rf "$ROOT"
	mkdir -p "$BIN" "$@" || die "setup: cannot create $ROOT"
	for f in "${SCENARIOS[@]}"; do
		mkdir -p "$ROOT/$f" || die "setup: cannot create $ROOT/$f"
	done
	install_runner "$BIN"
}

# Run one scenario by name, in its own directory (the manifest's cwd).
run_scenario() {
	local name=$1 s
	for s in "${SCENARIOS[@]}"; do
		[ "$s" = "$name" ] || continue
		[ "$PWD" = "$ROOT/$name" ] || die "run $name: CWD is $PWD, expected $ROOT/$name"
		"s_$name"
		return 0
	done
	die "run: unknown scenario '$name'"
}

scenario_main() {
	case "${1-}" in
	setup)
		# Any failed step aborts the setup: a half-built tree would make a
		# log that fails its check.
		set -e
		setup
		;;
	cleanup) cleanup ;;
	list) printf '%s\n' "${SCENARIOS[@]}" ;;
	dpkg-scripts) if declare -F dpkg_scripts >/dev/null; then dpkg_scripts; fi ;;
	audit-rules) if declare -F audit_rules >/dev/null; then audit_rules "$2"; fi ;;
	[0-9][0-9]-*) run_scenario "$1" ;;
	*) die "usage: $SCENARIO_SET setup|cleanup|list|dpkg-scripts|audit-rules SES|NN-name" ;;
	esac
}
