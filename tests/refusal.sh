#!/bin/sh
# tests/refusal.sh - an operation that is refused changes nothing.
#
# For every entry point that opens the new-terms history (--learn, --replay
# --state, --dump-state, plugin start, SIGHUP reload) and every state file it
# may meet (valid state of our rule, valid state of another rule version,
# garbage), with the state file's lock held by another process: the files
# of the state directory are byte for byte what they were (names, modes,
# sizes, contents, mtimes). --dump-state never locks, so it also runs
# without the lock and must leave an unusable file where it is and create no
# lock file. Logs are derived from the real captured log (tests/derive.py).
. "$(dirname "$0")/lib.sh"

derive() { $PYTHON "$KME_SRCDIR/tests/derive.py" "$DATA/kmod-raw.log" "$@"; }
T=1700000000
derive "$TMP/a.log" --at $T
derive "$TMP/b.log" --at $((T + 60))@/opt/other/lsmod

# A config of our own (root-owned 0600, as plugin mode demands), the same
# with another rule_version, and one with no periodic save (for reload).
conf() { # conf FILE STATE [KEY = VALUE]
	sed -e "s|^state_file = .*|state_file = $2|" "$KME_BUILDDIR/conf/audisp-kmod-enum.conf" >"$1"
	[ $# -ge 3 ] && printf '%s\n' "$3" >>"$1"
	sed -i -e '/^state_save_interval/d' "$1"
	echo "state_save_interval = 1d" >>"$1"
	chmod 0600 "$1"
}

# snap DIR: every entry's name, type, mode, size, mtime and content hash.
snap() {
	(cd "$1" && find . -mindepth 1 -printf '%P %y %m %s %T@\n' | sort &&
	 find . -mindepth 1 -type f -exec sha256sum {} + | sort -k 2)
}

# fill DIR KIND: a state file of KIND (valid | other | garbage) in DIR.
fill() {
	rm -rf "$1"; mkdir -m 0700 "$1"
	case $2 in
	valid)	"$KME_BIN" --learn --state "$1/state.json" "$TMP/a.log" 2>/dev/null ;;
	other)	conf "$TMP/v999.conf" "$1/state.json"
		sed -i 's/^rule_version = .*/rule_version = 999/' "$TMP/v999.conf"
		"$KME_BIN" --learn -c "$TMP/v999.conf" "$TMP/a.log" 2>/dev/null ;;
	garbage) printf '{"format":"audisp-kmod-enum-state", garbage' >"$1/state.json" ;;
	esac
	: >"$1/state.json.lock"; chmod 0600 "$1/state.json.lock"
	test -f "$1/state.json" || not_ok "setup: no $2 state file in $1"
}

# held DIR CMD...: run CMD while another process holds DIR's lock; CMD's
# stderr goes to $TMP/err, its status to $TMP/rc.
held() {
	d=$1; shift
	(
		exec 8>>"$d/state.json.lock"
		flock -n 8 || { echo "cannot take $d/state.json.lock" >"$TMP/err"; echo 99 >"$TMP/rc"; exit; }
		"$@" >/dev/null 2>"$TMP/err" </dev/null 8>&-
		echo $? >"$TMP/rc"
	)
}

D=$TMP/st
for kind in valid other garbage; do
	# --- --learn and --replay --state: writers, refused --------------------
	fill "$D" $kind; before=$(snap "$D")
	held "$D" "$KME_BIN" --learn --state "$D/state.json" "$TMP/b.log"
	check "--learn, lock held, $kind file: refused with exit 1" test "$(cat "$TMP/rc")" -eq 1
	check "--learn, lock held, $kind file: says who holds it" grep -q "in use by another audisp-kmod-enum" "$TMP/err"
	check "--learn, lock held, $kind file: the state directory is unchanged" test "$(snap "$D")" = "$before"

	conf "$TMP/v998.conf" "$D/state.json"
	sed -i 's/^rule_version = .*/rule_version = 998/' "$TMP/v998.conf"
	fill "$D" $kind; before=$(snap "$D")
	held "$D" "$KME_BIN" --learn -c "$TMP/v998.conf" "$TMP/b.log"
	check "--learn -c OTHER.conf, lock held, $kind file: refused with exit 1" test "$(cat "$TMP/rc")" -eq 1
	check "--learn -c OTHER.conf, lock held, $kind file: the state directory is unchanged" \
		test "$(snap "$D")" = "$before"

	fill "$D" $kind; before=$(snap "$D")
	held "$D" "$KME_BIN" --replay --state "$D/state.json" "$TMP/b.log"
	check "--replay --state, lock held, $kind file: refused with exit 1" test "$(cat "$TMP/rc")" -eq 1
	check "--replay --state, lock held, $kind file: the state directory is unchanged" \
		test "$(snap "$D")" = "$before"

	# --- --dump-state: a reader, never refused, never writes ---------------
	fill "$D" $kind; before=$(snap "$D")
	held "$D" "$KME_BIN" --dump-state --state "$D/state.json"
	check "--dump-state, lock held, $kind file: reads (exit 0)" test "$(cat "$TMP/rc")" -eq 0
	check "--dump-state, lock held, $kind file: the state directory is unchanged" \
		test "$(snap "$D")" = "$before"
	fill "$D" $kind; rm -f "$D/state.json.lock"; before=$(snap "$D")
	"$KME_BIN" --dump-state -c "$TMP/v998.conf" >/dev/null 2>"$TMP/err"
	check "--dump-state -c OTHER.conf, $kind file: the state directory is unchanged, no lock file made" \
		test "$(snap "$D")" = "$before"
done

# --- plugin mode: start and SIGHUP reload (config files must be root's) -----
# The plugin logs to /dev/log. So that its messages can be read here and
# never reach a real syslog daemon (an end-to-end test's, perhaps), it runs
# in a private mount namespace whose /dev is a tmpfs holding the usual
# character devices and a /dev/log served by a small listener that appends
# every message to $SYSLOG.
[ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null ||
	cant_run "plugin-mode refusals need root and unshare"

SYSLOG=$TMP/syslog.txt
cat >"$TMP/listen.py" <<'EOP'
import os, select, socket, sys
path, out, parent = sys.argv[1], sys.argv[2], os.getppid()
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
with open(out, "ab", buffering=0) as f:
    while os.getppid() == parent:
        if select.select([s], [], [], 0.1)[0]:
            f.write(s.recv(65536) + b"\n")
EOP
cat >"$TMP/inns.sh" <<EOS
#!/bin/sh
# inns.sh PROGRAM ARGS...: PROGRAM with a private /dev and /dev/log (see above).
mkdir -p "$TMP/realdev"
mount --bind /dev "$TMP/realdev" && mount -t tmpfs -o mode=0755 tmpfs /dev || exit 98
for n in null zero random urandom; do : >/dev/\$n; mount --bind "$TMP/realdev/\$n" /dev/\$n; done
$PYTHON "$TMP/listen.py" /dev/log "$SYSLOG" </dev/null >/dev/null 2>&1 &
i=0; while [ ! -S /dev/log ] && [ \$i -lt 100 ]; do sleep 0.05; i=\$((i + 1)); done
exec "\$@"
EOS
chmod 0755 "$TMP/inns.sh"
plugin() { unshare -m --propagation private "$TMP/inns.sh" "$KME_BIN" "$@"; }

for kind in valid other garbage; do
	fill "$D" $kind; before=$(snap "$D")
	conf "$TMP/p.conf" "$D/state.json"
	[ $kind = other ] && sed -i 's/^rule_version = .*/rule_version = 998/' "$TMP/p.conf"
	: >"$SYSLOG"
	# stdin is the log: the plugin reads it to the end and exits.
	(
		exec 8>>"$D/state.json.lock"; flock -n 8 || exit 99
		plugin -c "$TMP/p.conf" <"$TMP/b.log" >/dev/null 2>"$TMP/err" 8>&-
	)
	check "plugin start, lock held, $kind file: runs on (exit 0 at end of input)" test $? -eq 0
	# The listener writes a message after the plugin has sent it: poll.
	check "plugin start, lock held, $kind file: says why the history is in memory only" \
		wait_for 10 grep -q "in use by another audisp-kmod-enum.*kept in memory only" "$SYSLOG"
	check "plugin start, lock held, $kind file: the state directory is unchanged" \
		test "$(snap "$D")" = "$before"
done

# Reload: the plugin runs on state A; SIGHUP switches to a config whose
# state B is locked by someone else. The plugin keeps A (and its lock),
# says why, and leaves B alone.
A=$TMP/sa
for kind in valid other garbage; do
	rm -rf "$A"; mkdir -m 0700 "$A"
	fill "$D" $kind; before=$(snap "$D")
	conf "$TMP/r.conf" "$A/state.json"
	: >"$SYSLOG"
	rm -f "$TMP/in"; mkfifo "$TMP/in"
	# Not through the function: $! must be the plugin itself (unshare and
	# inns.sh exec it).
	unshare -m --propagation private "$TMP/inns.sh" "$KME_BIN" -c "$TMP/r.conf" \
		<"$TMP/in" >/dev/null 2>&1 &
	pid=$!
	exec 7>"$TMP/in"
	cat "$TMP/a.log" >&7
	check "reload to a locked $kind state: the plugin starts on its own state" \
		wait_for 10 grep -q "started (rule" "$SYSLOG"
	exec 8>>"$D/state.json.lock"; flock -n 8
	conf "$TMP/r.conf" "$D/state.json"
	[ $kind = other ] && sed -i 's/^rule_version = .*/rule_version = 998/' "$TMP/r.conf"
	kill -HUP $pid
	check "reload to a locked $kind state: refused, saying why" \
		wait_for 10 grep -q "reload: keeping the running .*in use by another audisp-kmod-enum" "$SYSLOG"
	check "reload to a locked $kind state: the plugin keeps its own lock" sh -c "! flock -n '$A/state.json.lock' true"
	check "reload to a locked $kind state: that state directory is unchanged" test "$(snap "$D")" = "$before"
	exec 8>&-
	exec 7>&-
	wait $pid
	check "reload to a locked $kind state: the plugin ends normally at end of input" test $? -eq 0
	check "reload to a locked $kind state: still unchanged after the plugin's exit" test "$(snap "$D")" = "$before"
	check "reload to a locked $kind state: the running state kept the term learned before" \
		sh -c "'$KME_BIN' --dump-state --state '$A/state.json' | grep -q '	/usr/sbin/lsmod	'"
done
finish
