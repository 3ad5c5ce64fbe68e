#!/bin/sh
# tests/e2e-siem.sh (root) - issue 21 live, with nothing mocked: the SIEM kit
# (conf/siem/rsyslog-audisp-kmod-enum.conf, shipped in the package's
# examples) in a real rsyslogd, the plugin under a real auditd, and then a
# replay of the audit.log that auditd wrote in the same run:
#   - every alert the plugin sent is filed by the kit as its document, byte
#     for byte the alert plus event.ingested (the time rsyslogd received
#     it), one a line, and nothing else is (the plugin's notices);
#   - the documents are ECS (with event.ingested) and within rsyslog's 8 KiB;
#   - the live alerts and the replay's carry the same entity ids, starts,
#     terminal and fields (the live plugin's host name given to the replay),
#     and every id is derived again from the audit.log (tests/entity.py);
#   - a session (sshd -> login shell) whose processes run lsmod on a pty
#     (interactive, tty 136/N) and as a cron-like job (not interactive); two
#     parents at one pid (ns_last_pid) are two entities; an exec chain one;
#     the entry leader is the login shell; host.id is this machine's id live
#     and absent in the replay.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/e2e-lib.sh"

[ -x "$KME_BIN" ] || { echo "Bail out! $KME_BIN not built"; exit 99; }
[ "$(id -u)" -eq 0 ] || cant_run "needs root (auditd, audit rules, /dev/log, ns_last_pid)"
for t in script setsid; do
	command -v "$t" >/dev/null || cant_run "$t is not installed (util-linux, bsdutils)"
done

KIT=$KME_SRCDIR/conf/siem/rsyslog-audisp-kmod-enum.conf
DOCS=$TMP/siem/alerts.ndjson
B=$TMP/bin
W=$TMP/w
mkdir -p "$TMP/rsyslog.d" "$B" "$W"
sed "s|/var/log/audisp-kmod-enum/alerts.ndjson|$DOCS|" "$KIT" >"$TMP/rsyslog.d/kit.conf"
check "the kit is a valid rsyslog configuration (rsyslogd -N1)" \
	rsyslogd -N1 -f "$TMP/rsyslog.d/kit.conf"

# The session's programs: bash and dash under other names, and scripts
# (#!/bin/sh ones end with `exit 0`: dash forks their last command).
for f in sshd login-shell pty-shell reuse-host-1 reuse-host-2; do ln -s /usr/bin/bash "$B/$f"; done
ln -s /usr/bin/dash "$B/longarg-sh"
for f in cron reuse-a reuse-b; do printf '#!/bin/sh\nlsmod >/dev/null 2>&1\nexit 0\n' >"$B/$f"; done
printf '#!/bin/sh\nlsmod "$(printf %s)" >/dev/null 2>&1\nexit 0\n' "'\\377\\376'" >"$B/bytes-raw"
printf '#!/bin/sh\nlsmod %s >/dev/null 2>&1\nexit 0\n' "'\\xff\\xfe'" >"$B/bytes-text"
printf '#!/bin/bash\nlsmod >/dev/null 2>&1\nexec modinfo ext4 >/dev/null 2>&1\n' >"$B/chain"
# shellcheck disable=SC2016 # expanded by the session's shells
cat >"$B/session" <<'EOS'
B=$1
cd "$2" || exit 1
SHELL=/bin/sh script -qec "$B/pty-shell -c 'lsmod >/dev/null 2>&1; :'" /dev/null \
	</dev/null >/dev/null 2>&1
setsid -w "$B/cron" </dev/null >/dev/null 2>&1
x=$("$B/reuse-host-1" -c '"$1/reuse-a" >/dev/null 2>&1 & x=$!; wait "$x"; echo "$x"' r1 "$B")
"$B/reuse-host-2" -c '
	for ((try = 0; try < 500; try++)); do
		echo $(($2 - 1)) >/proc/sys/kernel/ns_last_pid || exit 1
		( [ "$BASHPID" = "$2" ] || exit 3; exec "$1/reuse-b" >/dev/null 2>&1 )
		[ $? = 3 ] || exit 0
	done
	exit 1' r2 "$B" "$x" || echo "session: pid $x never came back" >&2
"$B/chain"
"$B/bytes-raw"
"$B/bytes-text"
"$B/longarg-sh" -c "lsmod >/dev/null 2>&1; : $(head -c 9000 /dev/zero | tr '\0' x); exit 0"
exit 0
EOS
chmod 755 "$B"/*

start_rsyslogd
write_plugin_conf
load_rules
start_auditd

"$B/sshd" -c '"$1/login-shell" "$1/session" "$1" "$2"; :' sshd "$B" "$W"
check "the session's enumerations reached syslog (a marker after them did)" sync_alert siem
check "the kernel lost no audit record" no_kernel_loss
stop_auditd
LIVE_HOST=$(uname -n)
"$KME_BIN" --replay --host "$LIVE_HOST" -c "$PCONF" "$TMP/audit/log/audit.log" \
	>"$TMP/replay.jsonl" 2>"$TMP/replay.err"
check "the replay of this run's audit.log exits 0" test $? -eq 0

$PYTHON - "$KME_SRCDIR/tests" "$SYSLOG" "$DOCS" "$TMP/replay.jsonl" \
	"$TMP/audit/log/audit.log" "$W" "$LIVE_HOST" <<'EOP' >"$TMP/results"
import json, os, re, sys
from datetime import datetime
sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[1])
from entity import AuditLog

syslog, docs_path, replay, log, work, host = sys.argv[2:8]

def check(desc, cond, why=""):
    print(("ok " if cond else "not ok ") + desc + ("" if cond else ": " + str(why)[:300]))

# Each alert as the plugin sent it: the text after "audisp-kmod-enum[PID]: ".
sent = []
for line in open(syslog, "rb"):
    m = re.search(rb"audisp-kmod-enum\[\d+\]: (\{.*)$", line.rstrip(b"\n"))
    if m:
        sent.append(m.group(1))
docs = open(docs_path, "rb").read().split(b"\n")
check("the kit filed one document a line, each ending in a newline", docs[-1] == b"", docs[-1][:80])
docs = docs[:-1]
check("as many documents (%d) as alerts sent (%d), no notice" % (len(docs), len(sent)),
      len(docs) == len(sent) and len(sent) >= 10)
bad, ing = [], []
for a, d in zip(sent, docs):
    m = re.search(rb'^(.*?"event":\{)"ingested":"([^"]*)",(.*)$', d)
    if m is None or m.group(1) + m.group(3) != a:
        bad.append(d[:120])
        continue
    ing.append((m.group(2).decode(), json.loads(a)["event"]["created"]))
check("every document is byte for byte its alert plus event.ingested", not bad and ing, bad[:1])
def when(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00"))
check("event.ingested is RFC 3339 UTC, at or after the plugin's event.created",
      all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00", i) and
          when(i) >= when(c) for i, c in ing), ing[:1])
check("every document fits rsyslog's 8 KiB (the longest: %d bytes)" % max(map(len, docs)),
      max(map(len, docs)) <= 8096)
open(os.path.dirname(docs_path) + "/ours.jsonl", "wb").write(b"\n".join(docs) + b"\n")

live = [json.loads(a) for a in sent]
live = [d for d in live if d["process"].get("working_directory") == work]
rep = {d["event"]["id"]: d for d in map(json.loads, open(replay, encoding="utf-8"))}
check("9 alerts of the session, live", len(live) == 9, [d["process"]["parent"].get("name") for d in live])
FIELDS = [("process", "entity_id"), ("process", "start"), ("process", "interactive"),
          ("process", "tty"), ("process", "title"), ("event", "sequence"),
          ("host", "architecture"), ("audisp_kmod_enum", "entity")]
def sub(d, *path):
    for k in path:
        d = d.get(k, {}) if isinstance(d, dict) else {}
    return d
diff, nid = [], 0
for d in live:
    r = rep.get(d["event"]["id"])
    if r is None:
        diff.append(("no replay alert", d["event"]["id"]))
        continue
    for who in ((), ("parent",), ("entry_leader",)):
        for k in ("entity_id", "start"):
            a, b = sub(d["process"], *who).get(k), sub(r["process"], *who).get(k)
            nid += k == "entity_id" and a is not None
            if a != b:
                diff.append((who, k, a, b))
    for top, k in FIELDS:
        if sub(d, top).get(k) != sub(r, top).get(k):
            diff.append((top, k))
check("live and replay agree on every entity id (%d), start, terminal and "
      "issue 21 field" % nid, not diff and nid >= 20, diff[:3])
audit = AuditLog(log)
probs = [p for d in live for p in audit.check(d, host)]
check("every live entity id is derived again from the audit.log", not probs, probs[:2])

def by(parent=None, name="lsmod"):
    return [d for d in live if d["process"]["name"] == name and
            (parent is None or d["process"]["parent"].get("name") == parent)][0]
pty = by("pty-shell")
tty = pty.get("auditd", {}).get("data", {}).get("tty", "")
check("lsmod on script's pty: interactive, tty 136/N (%s)" % tty,
      pty["process"]["interactive"] is True and tty.startswith("pts") and
      pty["process"].get("tty") == {"char_device": {"major": 136, "minor": int(tty[3:])}},
      json.dumps(pty["process"].get("tty")))
cron = by("cron")
check("lsmod of a cron-like job (setsid, no terminal): not interactive",
      cron["process"]["interactive"] is False and "tty" not in cron["process"])
a, b = by("reuse-a")["process"]["parent"], by("reuse-b")["process"]["parent"]
check("reuse-a and reuse-b at one pid (%d): two entities" % a["pid"],
      a["pid"] == b["pid"] and a["entity_id"] != b["entity_id"])
check("an exec chain is one entity: modinfo's id is chain's",
      by(name="modinfo")["process"]["entity_id"] == by("chain")["process"]["parent"]["entity_id"])
el = pty["process"].get("entry_leader", {})
check("the entry leader is the login shell sshd started, the same in every alert",
      el.get("name") == "login-shell" and
      len({d["process"].get("entry_leader", {}).get("entity_id") for d in live}) == 1)
raw = by("bytes-raw")
check("argument bytes FF FE: U+FFFD, named with their hex; the typed text stays text",
      raw["process"]["args"][1] == "\ufffd\ufffd" and
      {"field": "process.args", "index": 1, "hex": "fffe"} in
      raw["audisp_kmod_enum"]["invalid_utf8"]["values"] and
      by("bytes-text")["process"]["args"][1] == "\\xff\\xfe" and
      "invalid_utf8" not in by("bytes-text")["audisp_kmod_enum"])
la = by("longarg-sh")
check("a 9,033-byte parent argument is clipped to 1,024 bytes, not dropped",
      [len(x) for x in la["process"]["parent"]["args"]][2] == 1024 and
      la["audisp_kmod_enum"].get("parent_args_clipped_count") == 1)
mid = open("/etc/machine-id").read().strip() if os.path.exists("/etc/machine-id") else None
check("host.id is this machine's id live, absent in the replay",
      all(d["host"].get("id") == mid for d in live) and
      all("id" not in rep[d["event"]["id"]]["host"] for d in live if d["event"]["id"] in rep))
EOP
results "$TMP/results"
check "the checks ran (16 results)" test "$(wc -l <"$TMP/results")" -eq 16
check "the documents are ECS, event.ingested included (ecs-check.py --ingested)" \
	$PYTHON "$KME_SRCDIR/tests/ecs-check.py" --ingested \
	"$KME_SRCDIR/tests/ecs/ecs_flat_subset.yml:$KME_SRCDIR/tests/ecs/beats_auditd_subset.yml" \
	"$TMP/siem/ours.jsonl"
[ -n "${KME_SIEM_SHOW:-}" ] && { echo "# a document:"; grep -F "\"working_directory\":\"$W\"" "$DOCS" | head -n 1; }
finish
