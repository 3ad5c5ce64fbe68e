#!/bin/sh
# bench/redis.sh - what the Redis new-terms store costs (issue 8 item 6).
#
#   bench/redis.sh [--build DIR] [--calls N] [--terms N]
#
# DIR is a configured build with hiredis (default _build/dev; its
# libkme.a, config.h and plugin/audisp-kmod-enum are used). A private
# redis-server is started on a loopback port and a unix socket in a
# temporary directory (nothing persisted) and stopped at exit.
#   1. Latency per match: bench/redislat.c times N (default 20000)
#      nt_check_touch calls, half new terms, half repeats, against the
#      in-memory table, Redis on a unix socket and Redis on TCP loopback:
#      p50/p90/p99/max in microseconds (target: p99 < 1 ms over TCP).
#   2. --learn of N (default 100000) distinct terms into Redis: a log of N
#      exec events (tests/derive.py, from the real capture), timed start
#      to exit, and the same into a state file for comparison; the keys in
#      Redis are counted (target < 5 s).
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$SRC/_build/dev
CALLS=20000
TERMS=100000
while [ $# -gt 0 ]; do
	case $1 in
	--build) BUILD=$(cd "$2" && pwd); shift 2 ;;
	--calls) CALLS=$2; shift 2 ;;
	--terms) TERMS=$2; shift 2 ;;
	*) echo "usage: $0 [--build DIR] [--calls N] [--terms N]" >&2; exit 2 ;;
	esac
done
BIN=$BUILD/plugin/audisp-kmod-enum
[ -x "$BIN" ] && [ -f "$BUILD/libkme.a" ] || { echo "$0: build $BUILD first" >&2; exit 1; }
grep -q 'define HAVE_HIREDIS 1' "$BUILD/config.h" || { echo "$0: $BUILD has no hiredis" >&2; exit 1; }
TMP=$(mktemp -d /tmp/kme-bench-redis.XXXXXX)
RPID=
cleanup() { [ -n "$RPID" ] && kill "$RPID" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
trap 'exit 1' INT TERM

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$PORT" --bind 127.0.0.1 --unixsocket "$TMP/r.sock" \
	--unixsocketperm 700 --dir "$TMP" --save '' --appendonly no \
	--logfile "$TMP/redis.log" &
RPID=$!
i=0
until redis-cli -s "$TMP/r.sock" ping >/dev/null 2>&1; do
	i=$((i + 1)); [ $i -lt 100 ] || { echo "redis-server did not start" >&2; exit 1; }
	sleep 0.1
done
echo "# $(redis-server --version | cut -d' ' -f1-3), hiredis $(dpkg-query -W -f='${Version}' libhiredis-dev 2>/dev/null || echo '?'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"

# --- 1. latency per match -------------------------------------------------------
gcc -O2 -std=gnu11 -D_GNU_SOURCE -I"$BUILD" -I"$SRC/include" \
	"$SRC/bench/redislat.c" "$BUILD/libkme.a" -lhiredis -lauparse -laudit \
	-lyajl -o "$TMP/redislat"
echo "## latency of one decision (nt_check_touch), $CALLS calls per store"
"$TMP/redislat" "$CALLS" memory "unix://$TMP/r.sock" "redis://127.0.0.1:$PORT"
redis-cli -s "$TMP/r.sock" flushall >/dev/null

# --- 2. --learn of many terms -----------------------------------------------------
python3 "$SRC/tests/derive.py" "$SRC/tests/data/kmod-raw.log" "$TMP/terms.log" \
	--terms "$TERMS@1700000000"
echo "## --learn of $TERMS terms ($(wc -l <"$TMP/terms.log") lines, $(($(stat -c %s "$TMP/terms.log") / 1048576)) MiB)"
t() { s=$(date +%s%N); "$@"; e=$(date +%s%N); echo $(((e - s) / 1000000)); }
for url in "redis://127.0.0.1:$PORT" "unix://$TMP/r.sock"; do
	redis-cli -s "$TMP/r.sock" flushall >/dev/null
	ms=$(t "$BIN" --learn --store "$url" "$TMP/terms.log" 2>"$TMP/learn.err")
	keys=$(redis-cli -s "$TMP/r.sock" dbsize)
	echo "learn into $url: ${ms} ms, $keys keys in Redis"
done
ms=$(t "$BIN" --learn --state "$TMP/state.json" "$TMP/terms.log" 2>/dev/null)
echo "learn into a state file: ${ms} ms"
ms=$(t sh -c '"$1" --dump-state --store "$2" >"$3"' sh "$BIN" "unix://$TMP/r.sock" "$TMP/dump")
echo "dump-state of the Redis store: ${ms} ms, $(grep -vc '^#' "$TMP/dump") terms listed"
redis-cli -s "$TMP/r.sock" flushall >/dev/null
ms=$(t "$BIN" --migrate-state "$TMP/state.json" --store "unix://$TMP/r.sock" 2>/dev/null)
echo "migrate-state of $TERMS terms: ${ms} ms, $(redis-cli -s "$TMP/r.sock" dbsize) keys"
