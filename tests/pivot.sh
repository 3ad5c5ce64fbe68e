#!/bin/sh
# tests/pivot.sh - issue 21, the fields an analyst pivots on, each on the real
# audit log tests/capture.sh --set pivot captured under a real auditd
# (tests/data/pivot-enriched.log; scenarios: tests/scenarios-pivot.sh). The
# golden replay of the same log is tests/golden.sh's; this file states,
# field by field, what the alerts must say.
#
#   entity ids      every one derived again from the log by tests/entity.py
#                   (not the plugin's code); equal for one life (an exec
#                   chain), different for a reused pid (53), the same in a
#                   second replay and in --all
#   terminal        interactive for a pty (51), not for a cron-like job (52)
#   lossless bytes  FF FE flagged with their hex, the typed text \xff\xfe
#                   not (55)
#   parent args     a 9,033-byte parent argument clipped, not dropped (56)
#   the rest        title, sequence, architecture, saved ids, login user,
#                   the parent's identity, the entry leader (57)
. "$(dirname "$0")/lib.sh"

[ -x "$KME_BIN" ] || { echo "Bail out! $KME_BIN not built"; exit 99; }
LOG=$DATA/pivot-enriched.log
CONF=$KME_BUILDDIR/conf/audisp-kmod-enum.conf
[ -f "$CONF" ] || CONF=/dev/null
run() { "$KME_BIN" --replay --host golden-host -c "$CONF" "$@" "$LOG" 2>/dev/null; }
run >"$TMP/a.jsonl"
run >"$TMP/b.jsonl"
run --all >"$TMP/all.jsonl"

# Each check: one "ok DESCRIPTION" or "not ok DESCRIPTION: why" line.
$PYTHON - "$KME_SRCDIR/tests" "$LOG" "$TMP" <<'EOP' >"$TMP/results"
import json, sys
sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[1])
from entity import AuditLog

log, tmp = sys.argv[2], sys.argv[3]
A = [json.loads(l) for l in open(tmp + "/a.jsonl", encoding="utf-8")]
B = [json.loads(l) for l in open(tmp + "/b.jsonl", encoding="utf-8")]
ALL = [json.loads(l) for l in open(tmp + "/all.jsonl", encoding="utf-8")]
audit = AuditLog(log)

def check(desc, cond, why=""):
    print(("ok " if cond else "not ok ") + desc + ("" if cond else ": " + why))

def scen(d):
    return d["process"]["working_directory"].split("/")[3]

def by(s, parent=None, name="lsmod"):
    for d in A:
        if scen(d) == s and d["process"]["name"] == name and \
           (parent is None or d["process"].get("parent", {}).get("name") == parent):
            return d
    raise SystemExit("no alert of %s %s %s" % (s, parent, name))

check("11 alerts, one per scenario outcome", len(A) == 11, str(len(A)))
probs = [(d["event"]["id"], p) for d in A for p in audit.check(d)]
n = sum(1 for d in A for k in ("", "parent", "entry_leader")
        if (d["process"] if not k else d["process"].get(k, {})).get("entity_id"))
check("every entity id (%d) is derived again from the log: its host, pid, "
      "start event" % n, not probs and n >= 22, str(probs[:3]))
check("a second replay gives the same ids, starts and tokens",
      [(d["process"].get("entity_id"), d["process"].get("parent", {}).get("entity_id"),
        d["audisp_kmod_enum"].get("entity")) for d in A] ==
      [(d["process"].get("entity_id"), d["process"].get("parent", {}).get("entity_id"),
        d["audisp_kmod_enum"].get("entity")) for d in B])
check("--all gives every alert the same ids", all(
    any(x["event"]["id"] == d["event"]["id"] and
        x["process"].get("entity_id") == d["process"].get("entity_id") and
        x["process"].get("parent", {}).get("entity_id") ==
        d["process"].get("parent", {}).get("entity_id") for x in ALL) for d in A))

pty = by("51-pty")
tty = pty["auditd"]["data"]["tty"]
check("51: lsmod on a pty is interactive", pty["process"]["interactive"] is True)
check("51: process.tty is the pty's device, 136/N for %s" % tty,
      pty["process"].get("tty") == {"char_device": {"major": 136, "minor": int(tty[3:])}},
      json.dumps(pty["process"].get("tty")))
cron = by("52-cron-like")
check("52: lsmod of a cron-like job (no terminal) is not interactive",
      cron["process"]["interactive"] is False and "tty" not in cron["process"])

a, b = by("53-pid-reuse", "reuse-a"), by("53-pid-reuse", "reuse-b")
pa, pb = a["process"]["parent"], b["process"]["parent"]
check("53: reuse-a and reuse-b had the same pid (%d)" % pa["pid"], pa["pid"] == pb["pid"])
check("53: ... and are two entities", pa["entity_id"] != pb["entity_id"] and
      pa["start"] < pb["start"])

lsm, mod = by("54-exec-chain", "chain"), by("54-exec-chain", name="modinfo")
check("54: one life across an exec: modinfo's entity is chain's (its parent's)",
      mod["process"]["entity_id"] == lsm["process"]["parent"]["entity_id"] and
      mod["process"]["start"] == lsm["process"]["parent"]["start"] and
      mod["process"]["pid"] == lsm["process"]["parent"]["pid"])
check("54: ... whose start is chain's exec, not modinfo's", mod["process"]["start"] <
      mod["@timestamp"], mod["process"]["start"] + " " + mod["@timestamp"])

raw, text = by("55-bytes", "bytes-raw"), by("55-bytes", "bytes-text")
check("55: the bytes FF FE are U+FFFD twice", raw["process"]["args"][1] == "\ufffd\ufffd")
iu = raw["audisp_kmod_enum"].get("invalid_utf8", {})
check("55: ... named, with their bytes", {"field": "process.args", "index": 1, "hex": "fffe"}
      in iu.get("values", []) and "process.args" in iu.get("fields", []), json.dumps(iu))
check("55: the typed text \\xff\\xfe stays text, flagged nowhere",
      text["process"]["args"][1] == "\\xff\\xfe" and "invalid_utf8" not in text["audisp_kmod_enum"])
dx = by("55-bytes", "kme-run")
iu = dx["audisp_kmod_enum"].get("invalid_utf8", {})
check("55: an executable path that is not UTF-8 is flagged, and so is its term value",
      "process.executable" in iu.get("fields", []) and
      "audisp_kmod_enum.new_terms.values" in iu.get("fields", []) and
      dx["process"]["executable"] == "/tmp/kme-scenario/55-bytes/d\ufffd/lsmod")

la = by("56-long-arg")
pp, ours = la["process"]["parent"], la["audisp_kmod_enum"]
check("56: the parent's 9,033-byte argument is kept, clipped to 1,024 bytes",
      [len(x) for x in pp["args"]][2] == 1024 and pp["args_count"] == 3 and
      pp["args"][2].startswith("lsmod >/dev/null 2>&1; : xxx"), str([len(x) for x in pp["args"]]))
check("56: ... and the alert says so", ours.get("parent_args_clipped_count") == 1 and
      ours.get("parent_args_clip_bytes") == 1024 and "parent_args_omitted" not in ours and
      ours["args_truncated"] is True, json.dumps({k: v for k, v in ours.items() if "arg" in k}))

se = by("57-session")
el = se["process"].get("entry_leader", {})
check("57: the entry leader is the login shell sshd started, with its entity id",
      el.get("name") == "login-shell" and el.get("entity_id") == se["process"]["parent"]["entity_id"]
      and el.get("start") == se["process"]["parent"]["start"])

for d in A:
    sid = int(d["event"]["id"].rsplit(":", 1)[1])
    if d["event"].get("sequence") != sid:
        break
else:
    d = None
check("event.sequence is the audit serial of event.id, in every alert", d is None)
check("host.architecture, process.title, saved ids, the login user (ENRICHED), in every alert",
      all(x["host"]["architecture"] == "x86_64" and x["process"].get("title") and
          x["process"]["saved_user"] == {"id": "0"} and x["process"]["saved_group"] == {"id": "0"}
          and x["user"]["audit"] == {"id": "0", "name": "root"} for x in A))
check("the parent's working directory, ids and start, where its exec is in the log",
      all(x["process"]["parent"].get("working_directory", "").startswith("/tmp/kme-scenario/")
          and x["process"]["parent"].get("user") == {"id": "0"} and x["process"]["parent"].get("start")
          for x in A))
check("every alert fits max_alert_size (7168 bytes)",
      max(len(l.encode()) for l in open(tmp + "/a.jsonl", encoding="utf-8")) <= 7169)

# Every golden alert of every real capture (fork records' starts too).
import glob, lzma, os
data, golden = os.path.dirname(log), os.path.join(os.path.dirname(os.path.dirname(log)), "golden")
n = bad = files = 0
for path in sorted(glob.glob(data + "/*.log") + glob.glob(data + "/*.log.xz")):
    name = os.path.basename(path).split(".log")[0]
    g = os.path.join(golden, name + ".alerts.jsonl")
    if not os.path.exists(g):
        continue
    if path.endswith(".xz"):
        with lzma.open(path) as f, open(tmp + "/x.log", "wb") as o:
            o.write(f.read())
        path = tmp + "/x.log"
    al, files = AuditLog(path), files + 1
    for line in open(g, encoding="utf-8"):
        d = json.loads(line)
        n += sum(1 for o in (d["process"], d["process"].get("parent", {}),
                             d["process"].get("entry_leader", {})) if "entity_id" in o)
        probs = al.check(d)
        if probs:
            bad += 1
            print("# %s %s: %s" % (name, d["event"]["id"], probs[0]), file=sys.stderr)
check("every entity id of the golden alerts (%d ids, %d captures) is derived again "
      "from its log" % (n, files), bad == 0 and files >= 8 and n >= 200, "%d alerts wrong" % bad)
EOP
results "$TMP/results"
check "the checks ran (23 results)" test "$(wc -l <"$TMP/results")" -eq 23
finish
