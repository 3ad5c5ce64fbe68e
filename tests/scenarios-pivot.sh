#!/bin/bash
# Scenarios for the pivot audit log (tests/data/pivot-enriched.log, issue 21: alerts an analyst can
# pivot on), driven by tests/capture.sh --set pivot. Each one makes a field of issue 21 matter.
#
#   scenarios-pivot.sh setup          create /tmp/kme-scenario (tools, scenario dirs)
#   scenarios-pivot.sh cleanup        remove it
#   scenarios-pivot.sh list           print the scenario names, in run order
#   scenarios-pivot.sh dpkg-scripts   print nothing: this set writes nothing outside /tmp/kme-scenario
#   kme-run NN-name                   run one scenario (capture.sh copies this file to
#                                     /tmp/kme-scenario/bin/kme-run and execs it in the scenario dir)
#
#   51-pty         `script` gives bash a pseudo-terminal; bash runs lsmod there: tty pts<N>,
#                  process.interactive true, process.tty.char_device 136/<N>.
#   52-cron-like   a #!/bin/sh script named cron, started by setsid (a session of its own, no
#                  controlling terminal, as cron starts its jobs), runs lsmod: interactive false.
#   53-pid-reuse   reuse-a runs lsmod, as a background child of one shell (reuse-host-1), at pid X;
#                  after it exited, another shell (reuse-host-2) steers the kernel's next pid to X
#                  (/proc/sys/kernel/ns_last_pid, as root) and its subshell execs reuse-b there,
#                  which runs lsmod: two parents with pid X, two lives, two entity ids.
#   54-exec-chain  a bash script named chain runs lsmod (its child), then `exec modinfo ext4`: the
#                  same process (same pid, same parent) before and after the exec, one entity id.
#   55-bytes       lsmod with the argument bytes FF FE (from bytes-raw) and with the typed text
#                  \xff\xfe (from bytes-text); a symlink lsmod in a directory whose name holds the
#                  byte FF: invalid UTF-8 in process.args and process.executable, flagged, with
#                  the raw bytes; the text stays text.
#   56-long-arg    a shell (longarg-sh, a symlink to dash) run as `longarg-sh -c SCRIPT` with a
#                  9,030-byte SCRIPT that runs lsmod: the parent's third argument is over the
#                  process table's 2,048 bytes, clipped to 1,024, not dropped.
#   57-session     a program named sshd (a symlink to bash) runs a login shell (login-shell, a
#                  symlink to bash) that runs lsmod: the entry leader is the login shell, from the
#                  stream, with its entity id.
#
# See tests/data/README.

readonly ROOT=/tmp/kme-scenario
readonly BIN=$ROOT/bin
readonly SCENARIOS=(51-pty 52-cron-like 53-pid-reuse 54-exec-chain 55-bytes 56-long-arg 57-session)
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL=C
. "$(dirname "${BASH_SOURCE[0]}")/scenario-lib.sh"   # die, make_script, run_scenario, scenario_main

setup() {
	[ "$(id -u)" = 0 ] || die "setup: must run as root"
	local f
	make_tree
	for f in pty-shell reuse-host-1 reuse-host-2 sshd login-shell; do
		ln -s /usr/bin/bash "$BIN/$f"
	done
	ln -s /usr/bin/dash "$BIN/longarg-sh"
	make_script "$BIN/cron" "lsmod >/dev/null 2>&1"
	make_script "$BIN/reuse-a" "lsmod >/dev/null 2>&1"
	make_script "$BIN/reuse-b" "lsmod >/dev/null 2>&1"
	make_script "$BIN/bytes-raw" "lsmod \"\$(printf '\\377\\376')\" >/dev/null 2>&1"
	make_script "$BIN/bytes-text" "lsmod '\\xff\\xfe' >/dev/null 2>&1"
	printf '#!/bin/bash\nlsmod >/dev/null 2>&1\nexec modinfo ext4 >/dev/null 2>&1\n' >"$BIN/chain" &&
		chmod 755 "$BIN/chain"
	mkdir "$ROOT/55-bytes/d$(printf '\377')" &&
		ln -s /usr/bin/kmod "$ROOT/55-bytes/d$(printf '\377')/lsmod"
}

cleanup() {
	rm -rf "$ROOT"
}

# Each s_* runs with its scenario dir as CWD; commands it runs directly have kme-run as parent.
s_51-pty() {
	SHELL=/bin/sh script -qec "$BIN/pty-shell -c 'lsmod >/dev/null 2>&1; :'" /dev/null \
		</dev/null >/dev/null 2>&1 || die "51-pty: script failed"
}

s_52-cron-like() {
	setsid -w "$BIN/cron" </dev/null >/dev/null 2>&1 || die "52-cron-like: setsid failed"
}

# shellcheck disable=SC2016 # the -c scripts are expanded by the inner shells
s_53-pid-reuse() {
	local x
	x=$("$BIN/reuse-host-1" -c '"$1/reuse-a" >/dev/null 2>&1 & x=$!; wait "$x"; echo "$x"' \
		reuse-host-1 "$BIN") || die "53-pid-reuse: reuse-a failed"
	# Another process on the machine may take pid X first; then the subshell exits 3 (it has
	# exec'd nothing: no audit record) and the shell tries again.
	"$BIN/reuse-host-2" -c '
		for ((try = 0; try < 500; try++)); do
			echo $(($2 - 1)) >/proc/sys/kernel/ns_last_pid || exit 1
			(
				[ "$BASHPID" = "$2" ] || exit 3
				exec "$1/reuse-b" >/dev/null 2>&1
			)
			[ $? = 3 ] || exit 0
		done
		echo "53-pid-reuse: pid $2 never came back" >&2
		exit 1' reuse-host-2 "$BIN" "$x" || die "53-pid-reuse: reuse-b failed"
}

s_54-exec-chain() {
	"$BIN/chain" || :   # modinfo ext4 fails here (no modules): the exec is what counts
}

s_55-bytes() {
	"$BIN/bytes-raw"
	"$BIN/bytes-text"
	"$ROOT/55-bytes/d$(printf '\377')/lsmod" >/dev/null 2>&1 || :
}

s_56-long-arg() {
	local pad
	pad=$(head -c 9000 /dev/zero | tr '\0' x)
	"$BIN/longarg-sh" -c "lsmod >/dev/null 2>&1; : $pad; exit 0" || die "56-long-arg failed"
}

s_57-session() {
	"$BIN/sshd" -c '"$1/login-shell" -c "lsmod >/dev/null 2>&1; :"; :' sshd "$BIN" ||
		die "57-session failed"
}

scenario_main "$@"
