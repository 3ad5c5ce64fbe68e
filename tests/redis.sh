#!/bin/sh
# tests/redis.sh - the shared new-terms store against a real redis-server
# (started here, on unix sockets and a loopback port in a temporary
# directory, stopped by the cleanup trap): plugins as two hosts alert once
# per term; Redis killed (SIGKILL) mid-stream and restarted; Redis down at
# start; a wrong password and a wrong ACL user; a Redis that accepts and
# never answers (SIGSTOP); signals while the plugin connects to an
# endpoint that accepts late. The plugins run in plugin mode, each in its own
# mount namespace where /dev/log is a socket of this test, so no system
# syslog and no auditd are involved (and no e2e lock is needed).
# Under CI=true, a missing redis-server or unshare fails the test.
. "$(dirname "$0")/lib.sh"
[ -x "$KME_BIN" ] || { echo "Bail out! $KME_BIN not built"; exit 99; }
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH

PIDS=""
cleanup() {
	for p in $PIDS; do kill -CONT "$p" 2>/dev/null; kill -KILL "$p" 2>/dev/null; done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

command -v redis-server >/dev/null && command -v redis-cli >/dev/null ||
	cant_run "redis-server/redis-cli not installed (tests/deps.sh)"
"$KME_BIN" --replay --store unix:///nonexistent/x.sock </dev/null 2>&1 |
	grep -q "no Redis support" && cant_run "built without hiredis"
[ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null ||
	cant_run "plugin instances need root and unshare -m (a private /dev/log)"

derive() { $PYTHON "$KME_SRCDIR/tests/derive.py" "$DATA/kmod-raw.log" "$@"; }

# ---- redis ------------------------------------------------------------------
# start_redis NAME [ARGS...]: a server on $TMP/NAME.sock (no TCP unless
# ARGS say --port), nothing persisted; its pid in $RPID_NAME.
start_redis() {
	n=$1; shift
	rm -f "$TMP/$n.sock"
	redis-server --port 0 --unixsocket "$TMP/$n.sock" --unixsocketperm 700 \
		--dir "$TMP" --save '' --appendonly no --daemonize no \
		--logfile "$TMP/$n.redis.log" "$@" 3>&- 4>&- 5>&- &
	eval "RPID_$n=$!"
	PIDS="$PIDS $!"
	wait_for 10 sh -c "redis-cli -s '$TMP/$n.sock' ping 2>&1 | grep -Eq 'PONG|NOAUTH'" ||
		cant_run "redis-server did not start: $(tail -n 3 "$TMP/$n.redis.log")"
}
rcli() { n=$1; shift; redis-cli -s "$TMP/$n.sock" "$@"; }
nkeys() { rcli "$1" --scan --pattern 'kme:*:t:*' | wc -l; }

# ---- syslog and plugins --------------------------------------------------------
cat >"$TMP/syslogd.py" <<'EOP'
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1]); os.chmod(sys.argv[1], 0o666)
with open(sys.argv[2], "ab", buffering=0) as f:
    while True:
        f.write(s.recv(1 << 17).replace(b"\n", b" ") + b"\n")
EOP
$PYTHON "$TMP/syslogd.py" "$TMP/log.sock" "$TMP/syslog" &
PIDS="$PIDS $!"
wait_for 10 test -S "$TMP/log.sock" || cant_run "no syslog socket"

# conf NAME [KEY = VALUE...]: a plugin config (root's, 0600): the shipped
# one, each KEY's line replaced by the given one.
conf() {
	n=$1; shift
	sed -e "s|^state_file = .*|state_file = $TMP/$n.state.json|" \
	    -e "s|^state_save_interval = .*|state_save_interval = 1s|" \
	    -e "s|^eoe_timeout = .*|eoe_timeout = 1s|" \
	    -e "s|^max_alerts = .*|max_alerts = 0|" \
	    "$KME_BUILDDIR/conf/audisp-kmod-enum.conf" >"$TMP/$n.conf"
	for kv in "$@"; do
		key=${kv%% *}
		if grep -q "^$key = " "$TMP/$n.conf"; then
			grep -v "^$key = " "$TMP/$n.conf" >"$TMP/$n.conf.new"
			mv "$TMP/$n.conf.new" "$TMP/$n.conf"
		fi
		echo "$kv" >>"$TMP/$n.conf"
	done
	chmod 0600 "$TMP/$n.conf"
}
# start_plugin NAME HOST: plugin mode reading the FIFO $TMP/NAME.in (its
# writer end held open on fd 3, 4 or 5 until stop_plugin; no child keeps a
# copy, so closing it is the plugin's EOF), logging to our syslog as host
# HOST. Its pid in $PPID_NAME.
start_plugin() {
	n=$1
	mkfifo "$TMP/$n.in"
	# A private /dev (a tmpfs, in this mount namespace only) with null
	# and log, the latter our syslog socket.
	unshare -m --propagation private sh -c \
		"mount -t tmpfs -o mode=0755 kme-dev /dev && mknod -m 666 /dev/null c 1 3 &&
		 ln -s '$TMP/log.sock' /dev/log && exec '$KME_BIN' -c '$TMP/$n.conf' -H '$2'" \
		3>&- 4>&- 5>&- <"$TMP/$n.in" >"$TMP/$n.out" 2>&1 &
	eval "PPID_$n=$!"
	PIDS="$PIDS $!"
	exec 9>"$TMP/$n.in"     # the writer end, kept open
	eval "exec $(fdof "$n")>&9"
	exec 9>&-
	wait_for 10 grep -q "\[$(eval echo \$PPID_$n)\]: started" "$TMP/syslog"
}
fdof() { case $1 in a|h) echo 3 ;; b|i) echo 4 ;; *) echo 5 ;; esac; }
feed() { cat "$2" >&"$(fdof "$1")"; }
# The last summary of plugin NAME (SIGUSR1), one KEY=VALUE per line.
summary() {
	p=$(eval echo \$PPID_$1)
	c0=$(grep -c "\[$p\]: summary:" "$TMP/syslog")
	kill -USR1 "$p"
	wait_for 10 sh -c "[ \$(grep -c '\[$p\]: summary:' '$TMP/syslog') -gt $c0 ]" || return
	grep "\[$p\]: summary:" "$TMP/syslog" | tail -n 1 | tr ' ' '\n'
}
counter() { summary "$1" | sed -n "s/^$2=//p"; }
# until_counter NAME KEY OP N: poll the plugin's counter (deadline 30 s).
counter_is() { v=$(counter "$1" "$2"); [ "${v:-0}" "$3" "$4" ]; }
until_counter() { wait_for 30 counter_is "$@"; }
alerts_of() { grep "\[$(eval echo \$PPID_$1)\]: " "$TMP/syslog" | grep -c '"new_terms"'; }
fallback_alerts_of() { grep "\[$(eval echo \$PPID_$1)\]: " "$TMP/syslog" | grep -c '"store":"local-fallback"'; }
stop_plugin() {
	eval "exec $(fdof "$1")>&-"
	p=$(eval echo \$PPID_$1)
	wait_for 20 sh -c "! kill -0 $p 2>/dev/null"
}

T=$(date +%s)
derive "$TMP/t20.log" --terms "20@$((T - 3600))"
# The same 20 terms, later, as seen on another host.
derive "$TMP/t20b.log" --terms "20@$((T - 1800))"
# Other terms (and other event ids: each log its own time).
derive "$TMP/x.log" --terms "20@$((T - 1200))"
# (Serials grow from log to log, as auditd's do: a plugin skips a record
# whose serial it has passed.)
sed -e 's|/opt/term|/opt/second|g' -e 's|:900\([0-9]*)\)|:910\1|' "$TMP/x.log" >"$TMP/s20.log"
derive "$TMP/x.log" --terms "20@$((T - 1100))"
sed 's|/opt/term|/opt/third|g' "$TMP/x.log" >"$TMP/u20.log"
derive "$TMP/x.log" --terms "20@$((T - 1000))"
sed 's|/opt/term|/opt/fourth|g' "$TMP/x.log" >"$TMP/v20.log"
derive "$TMP/s20again.log" --terms "20@$((T - 900))"
sed -i -e 's|/opt/term|/opt/second|g' -e 's|:900\([0-9]*)\)|:920\1|' "$TMP/s20again.log"

# --- two hosts, one Redis: one alert per term ------------------------------------
start_redis r1
URL="unix://$TMP/r1.sock"
conf a "new_terms_store = $URL"
conf b "new_terms_store = $URL"
start_plugin a host-a
start_plugin b host-b
feed a "$TMP/t20.log"
check "host A alerts on 20 new terms" until_counter a alerts -eq 20
check "the terms are in Redis, one key each" test "$(nkeys r1)" -eq 20
feed b "$TMP/t20b.log"
check "host B sees the same 20 terms as known (suppressed)" until_counter b suppressed -eq 20
check "and alerts on none of them" test "$(counter b alerts)" -eq 0
check "20 alerts in all in syslog" test $(($(alerts_of a) + $(alerts_of b))) -eq 20
check "none decided locally while Redis answered" test "$(fallback_alerts_of a)" -eq 0
"$KME_BIN" --dump-state -c "$TMP/a.conf" >"$TMP/dump" 2>"$TMP/dump.err"
check "--dump-state of the Redis store lists the 20 shared terms" \
	grep -q ": 20 term(s), rule" "$TMP/dump"
check "with count 2 (both hosts)" test "$(grep -c "	2	/opt/term" "$TMP/dump")" -eq 20
# A replay sharing the store: the same terms are known to rule v211, and
# new to another rule version (an identity change never reuses history).
n=$("$KME_BIN" --replay -c "$TMP/a.conf" --store "$URL" "$TMP/t20.log" 2>/dev/null | wc -l)
check "replay --store: the fleet's terms are known (0 alerts)" test "$n" -eq 0
conf z "rule_version = 215"
n=$("$KME_BIN" --replay -c "$TMP/z.conf" --store "$URL" "$TMP/t20.log" 2>/dev/null | wc -l)
check "another rule version is another namespace (20 alerts)" test "$n" -eq 20
rcli r1 --scan --pattern 'kme:*:215:*:t:*' | wc -l >"$TMP/n215"
check "in keys of its own" test "$(cat "$TMP/n215")" -eq 20
rcli r1 --scan --pattern 'kme:*:215:*:t:*' | xargs redis-cli -s "$TMP/r1.sock" del >/dev/null
stop_plugin b

# --- Redis SIGKILLed mid-stream, then restarted --------------------------------------
kill -KILL "$RPID_r1"
feed a "$TMP/s20.log"
check "Redis gone: 20 new terms still alert (decided locally)" until_counter a alerts -eq 40
check "the alerts say local-fallback" test "$(fallback_alerts_of a)" -eq 20
check "the plugin still runs" kill -0 "$PPID_a"
check "the loss is said once" test "$(grep "\[$PPID_a\]: " "$TMP/syslog" | grep -c 'deciding with local history')" -eq 1
check "store_fallbacks counts the 20 local decisions" test "$(counter a store_fallbacks)" -ge 20
check "store_errors counts the failure" test "$(counter a store_errors)" -ge 1
start_redis r1
check "after restart, the locally decided terms are pushed into Redis" \
	wait_for 30 sh -c "[ \$(redis-cli -s '$TMP/r1.sock' --scan --pattern 'kme:*:t:*' | wc -l) -eq 20 ]"
# (The plugin reads Redis's answers at its next tick, a second on at most.)
check "store_pushed says 20" until_counter a store_pushed -eq 20
check "the return is said" wait_for 10 grep -q "\[$PPID_a\]: .*answering again; pushed 20" "$TMP/syslog"
"$KME_BIN" --dump-state --store "$URL" >"$TMP/dump" 2>&1
check "the pushed terms are the fallback's (/opt/second*)" \
	test "$(grep -c '/opt/second' "$TMP/dump")" -eq 20
feed a "$TMP/s20again.log"
check "once pushed, they are known fleet-wide (no new alert)" until_counter a suppressed -ge 20
check "still 40 alerts" test "$(alerts_of a)" -eq 40
stop_plugin a

# --- Redis down at start --------------------------------------------------------------
conf c "new_terms_store = unix://$TMP/r2.sock"
start_plugin c host-c
check "down at start: said once" wait_for 10 sh -c "grep '\[$PPID_c\]: ' '$TMP/syslog' | grep -q 'deciding with local history'"
feed c "$TMP/u20.log"
check "down at start: every new term alerts, decided locally" until_counter c alerts -eq 20
check "and says local-fallback" test "$(fallback_alerts_of c)" -eq 20
start_redis r2
check "Redis up later: the sightings are pushed" \
	wait_for 30 sh -c "[ \$(redis-cli -s '$TMP/r2.sock' --scan --pattern 'kme:*:t:*' | wc -l) -eq 20 ]"
# SIGHUP: the configuration is reloaded and a new connection opened.
kill -HUP "$PPID_c"
check "SIGHUP reloads with the Redis store" \
	wait_for 10 sh -c "grep -q '\[$PPID_c\]: reloaded configuration' '$TMP/syslog'"
derive "$TMP/x.log" --terms "5@$((T - 700))"
sed -e 's|/opt/term|/opt/fifth|g' -e 's|:900\([0-9]*)\)|:930\1|' "$TMP/x.log" >"$TMP/w5.log"
feed c "$TMP/w5.log"
check "after the reload, 5 new terms alert" until_counter c alerts -eq 25
check "decided by Redis (no more local-fallback)" test "$(fallback_alerts_of c)" -eq 20
check "and stored there" test "$(nkeys r2)" -eq 25
stop_plugin c
wait "$PPID_c"
check "the plugin exits cleanly (0) on EOF" test $? -eq 0

# --- wrong password, wrong ACL user -------------------------------------------------------
start_redis r3 --requirepass right-pw
rcli r3 -a right-pw --no-auth-warning ACL SETUSER kme on '>kme-pw' '~kme:*' '+@all' >/dev/null
printf 'wrong-pw\n' >"$TMP/pw"; chmod 0600 "$TMP/pw"
conf d "new_terms_store = unix://$TMP/r3.sock" "redis_password_file = $TMP/pw"
"$KME_BIN" --learn -c "$TMP/d.conf" "$TMP/t20.log" >/dev/null 2>"$TMP/err"
check "--learn with a wrong password fails (exit 1)" test $? -eq 1
check "and says AUTH was refused" grep -q "AUTH refused" "$TMP/err"
check "without showing the password" sh -c "! grep -q wrong-pw '$TMP/err'"
"$KME_BIN" --learn --store "redis://kme:bad@127.0.0.1:1/0" -c "$TMP/d.conf" "$TMP/t20.log" >/dev/null 2>"$TMP/err"
check "--learn against a closed port fails (exit 1)" test $? -eq 1
printf 'right-pw\n' >"$TMP/pw"
"$KME_BIN" --learn -c "$TMP/d.conf" "$TMP/t20.log" >/dev/null 2>"$TMP/err"
check "the right password works" \
	test "$(rcli r3 -a right-pw --no-auth-warning --scan --pattern 'kme:*:t:*' | wc -l)" -eq 20
"$KME_BIN" --dump-state --store "unix://kme:wrong@$TMP/r3.sock" -c "$TMP/a.conf" >/dev/null 2>"$TMP/err"
check "a unix:// URL takes no credentials (refused)" grep -q "new_terms_store:" "$TMP/err"
printf 'wrong-pw\n' >"$TMP/pw"
chmod 0644 "$TMP/pw"
conf f "new_terms_store = unix://$TMP/r3.sock" "redis_password_file = $TMP/pw"
start_plugin f host-f
check "plugin mode refuses a readable password file, says so" \
	wait_for 10 sh -c "grep '\[$PPID_f\]: ' '$TMP/syslog' | grep -q 'refusing password file'"
feed f "$TMP/v20.log"
check "and keeps detecting (history in memory)" until_counter f alerts -eq 20
stop_plugin f
chmod 0600 "$TMP/pw"
conf e "new_terms_store = unix://$TMP/r3.sock" "redis_password_file = $TMP/pw"
start_plugin e host-e
check "plugin with a wrong password: the refusal is logged" \
	wait_for 10 sh -c "grep '\[$PPID_e\]: ' '$TMP/syslog' | grep -q 'AUTH refused'"
feed e "$TMP/t20.log"
check "and it keeps detecting locally" until_counter e alerts -eq 20
check "marked local-fallback" test "$(fallback_alerts_of e)" -eq 20
stop_plugin e
# An ACL user over TCP on a loopback port: right and wrong.
PORT=$($PYTHON -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
start_redis r4 --port "$PORT" --bind 127.0.0.1
rcli r4 ACL SETUSER kme on '>kme-pw' '~kme:*' '+@all' >/dev/null
"$KME_BIN" --learn --store "redis://kme:kme-pw@127.0.0.1:$PORT/0" "$TMP/t20.log" >/dev/null 2>"$TMP/err"
check "an ACL user over TCP on loopback: --learn works" test "$(nkeys r4)" -eq 20
printf 'kme-pw\n' >"$TMP/aclpw"; chmod 0600 "$TMP/aclpw"
conf k "redis_password_file = $TMP/aclpw"
"$KME_BIN" --dump-state -c "$TMP/k.conf" --store "redis://kme@127.0.0.1:$PORT/0" >"$TMP/out" 2>"$TMP/err"
check "USER@ in the URL, the password in redis_password_file: works" grep -q ": 20 term(s)" "$TMP/out"
"$KME_BIN" --dump-state --store "redis://kme:nope@127.0.0.1:$PORT/0" >/dev/null 2>"$TMP/err"
check "a wrong ACL password is refused (AUTH as kme)" grep -q "AUTH as kme refused" "$TMP/err"
check "the message masks the password" sh -c "grep -q 'kme:\*\*\*@' '$TMP/err' && ! grep -q nope '$TMP/err'"
"$KME_BIN" --dump-state --store "redis://other:kme-pw@127.0.0.1:$PORT/0" >/dev/null 2>"$TMP/err"
check "an unknown ACL user is refused" grep -q "AUTH as other refused" "$TMP/err"

# --- a Redis that accepts and never answers ---------------------------------------------
start_redis r5
derive "$TMP/many.log" --terms "500@$((T - 600))"
conf g "new_terms_store = unix://$TMP/r5.sock" "redis_command_timeout = 30ms" "redis_connect_timeout = 30ms"
start_plugin g host-g
kill -STOP "$RPID_r5"
t0=$(date +%s)
feed g "$TMP/many.log"
check "Redis stopped (SIGSTOP): the 500 events are still decided" until_counter g matches -eq 500
t1=$(date +%s)
check "within seconds, not one timeout per event (took $((t1 - t0)) s)" test $((t1 - t0)) -le 15
check "all alert, decided locally" test "$(fallback_alerts_of g)" -eq 500
check "the timeout is said once" test "$(grep "\[$PPID_g\]: " "$TMP/syslog" | grep -c 'deciding with local history')" -eq 1
kill -CONT "$RPID_r5"
check "Redis resumed: the sightings are pushed" \
	wait_for 30 sh -c "[ \$(redis-cli -s '$TMP/r5.sock' --scan --pattern 'kme:*:t:*' | wc -l) -eq 500 ]"
stop_plugin g
# Replay mode too: a stopped Redis never stalls the reader.
kill -STOP "$RPID_r5"
t0=$(date +%s)
"$KME_BIN" --replay --store "unix://$TMP/r5.sock" -c "$TMP/g.conf" "$TMP/many.log" >"$TMP/out" 2>"$TMP/err"
t1=$(date +%s)
check "replay against a stopped Redis finishes (took $((t1 - t0)) s) with 500 alerts" \
	sh -c "[ $((t1 - t0)) -le 15 ] && [ \$(wc -l <'$TMP/out') -eq 500 ]"
kill -CONT "$RPID_r5"

# --- signals while the plugin connects ------------------------------------------------
# A TCP endpoint that accepts late: its accept queue is full for its first
# 0.7 s, so the kernel drops the plugin's SYN and the connect completes
# only at the SYN's retransmission (1 s on), then forwards to Redis. The
# plugin connects at start (redis_connect_timeout = 3s) while SIGUSR1 and
# SIGHUP arrive every 20 ms: a signal is not an outage (hiredis's own
# connect failed at the first one: "poll(2): Interrupted system call").
start_redis r8
cat >"$TMP/late.py" <<'EOP'
import socket, sys, threading, time
lst = socket.socket(); lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
lst.bind(("127.0.0.1", 0)); lst.listen(0)
filler = socket.create_connection(lst.getsockname())    # the queue is full
open(sys.argv[2], "w").write(str(lst.getsockname()[1]))
time.sleep(0.7)
lst.accept()[0].close(); filler.close()
def pipe(a, b):
    while True:
        d = a.recv(65536)
        if not d: break
        b.sendall(d)
    b.close()
while True:
    c = lst.accept()[0]
    r = socket.socket(socket.AF_UNIX); r.connect(sys.argv[1])
    threading.Thread(target=pipe, args=(c, r), daemon=True).start()
    threading.Thread(target=pipe, args=(r, c), daemon=True).start()
EOP
$PYTHON "$TMP/late.py" "$TMP/r8.sock" "$TMP/late.port" &
PIDS="$PIDS $!"
wait_for 10 test -s "$TMP/late.port" || cant_run "the late endpoint did not start"
conf j "new_terms_store = redis://127.0.0.1:$(cat "$TMP/late.port")/0" "redis_connect_timeout = 3s"
mkfifo "$TMP/j.in"
unshare -m --propagation private sh -c \
	"mount -t tmpfs -o mode=0755 kme-dev /dev && mknod -m 666 /dev/null c 1 3 &&
	 ln -s '$TMP/log.sock' /dev/log && exec '$KME_BIN' -c '$TMP/j.conf' -H host-j" \
	3>&- 4>&- 5>&- <"$TMP/j.in" >"$TMP/j.out" 2>&1 &
PPID_j=$!
PIDS="$PIDS $PPID_j"
exec 9>"$TMP/j.in"; exec 5>&9; exec 9>&-
t0=$(date +%s%N)
# Its handlers first (SigCgt: SIGHUP and SIGUSR1), else a signal kills it.
caught() { m=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$1/status"); [ $((0x$m & 0x201)) -eq $((0x201)) ]; }
wait_for 10 caught "$PPID_j" || not_ok "the plugin catches SIGHUP and SIGUSR1"
i=0
while [ $i -lt 75 ]; do
	kill -USR1 "$PPID_j" 2>/dev/null; kill -HUP "$PPID_j" 2>/dev/null
	sleep 0.02; i=$((i + 1))
done
check "signals during the connect: the plugin starts" \
	wait_for 10 grep -q "\[$PPID_j\]: started" "$TMP/syslog"
t1=$(date +%s%N)
check "once connected through the late accept ($(( (t1 - t0) / 1000000 )) ms)" \
	test $(( (t1 - t0) / 1000000 )) -ge 700
check "connected: no outage said" sh -c "! grep '\[$PPID_j\]: ' '$TMP/syslog' | grep -q 'deciding with local history'"
check "store_errors counts nothing" test "$(counter j store_errors)" -eq 0
feed j "$TMP/v20.log"
check "the events are decided by Redis (through the late endpoint)" until_counter j alerts -eq 20
check "none locally" test "$(fallback_alerts_of j)" -eq 0
check "and stored there" test "$(nkeys r8)" -eq 20
stop_plugin j

# --- the rate limit is the fleet's ------------------------------------------------------
# max_alerts = 5 per 5 minutes: 10 new terms on host H, then 10 others on
# host I, all in one interval: 5 alerts in all, 15 rate-limited.
start_redis r7
B0=$((T / 300 * 300 - 600 + 10))
derive "$TMP/x.log" --terms "10@$B0"
sed 's|/opt/term|/opt/rate-h|g' "$TMP/x.log" >"$TMP/h10.log"
derive "$TMP/x.log" --terms "10@$((B0 + 20))"
sed 's|/opt/term|/opt/rate-i|g' "$TMP/x.log" >"$TMP/i10.log"
conf h "new_terms_store = unix://$TMP/r7.sock"
sed -i 's|^max_alerts = .*|max_alerts = 5|' "$TMP/h.conf"
cp "$TMP/h.conf" "$TMP/i.conf"
start_plugin h host-h
start_plugin i host-i
feed h "$TMP/h10.log"
check "host H: 5 alerts (max_alerts), 5 rate-limited" until_counter h rate_limited -eq 5
feed i "$TMP/i10.log"
check "host I: the fleet's 5 are spent, 10 rate-limited" until_counter i rate_limited -eq 10
check "5 alerts in the fleet" test $(($(alerts_of h) + $(alerts_of i))) -eq 5
stop_plugin h
stop_plugin i

# --- --migrate-state ---------------------------------------------------------------------
"$KME_BIN" --learn --state "$TMP/m.state.json" "$TMP/t20.log" 2>/dev/null
start_redis r6
"$KME_BIN" --migrate-state "$TMP/m.state.json" --store "unix://$TMP/r6.sock" 2>"$TMP/err"
check "--migrate-state moves a state file into Redis" test "$(nkeys r6)" -eq 20
"$KME_BIN" --dump-state --state "$TMP/m.state.json" | tail -n +2 >"$TMP/d0"
"$KME_BIN" --dump-state --store "unix://$TMP/r6.sock" | tail -n +2 >"$TMP/d1"
check "and --dump-state lists the same terms, same format" cmp -s "$TMP/d0" "$TMP/d1"

finish
