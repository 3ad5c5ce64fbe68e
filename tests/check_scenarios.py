#!/usr/bin/env python3
"""check_scenarios.py [--log AUDIT_LOG] [--rule NAME] MANIFEST EXPLAIN_OUTPUT [ALERTS_JSON]

The specification of each captured log, checked against what the plugin said:
every row of the manifest (tests/data/scenarios.tsv) names a scenario (its
working directory under /tmp/kme-scenario/), the program it ran, the verdict the
rule prescribes (alert, suppressed, excluded, nomatch, failed) and the expected
parent. Rows of one (scenario, program) must match the plugin's --explain lines
for that (cwd, process.name) one for one, in order. With ALERTS_JSON (the
output of a plain --replay), every alert must be one of the 'alert' rows, and
every 'alert' row must have its alert, with the same parent fields.
With --log, an exec whose working directory is outside /tmp/kme-scenario/
(e.g. `cd /usr/sbin && ./lsmod`) belongs to the scenario of its nearest
ancestor that ran inside one, from the pid/ppid/cwd of the log's exec events.
With --rule NAME, the rows are the outcomes of the added rule NAME (a file
rule: its explain lines say rule=NAME, its alerts are file opens, named by the
opener's process.name); without, of the first rule (lines without rule=, exec
alerts).
Exit status 0 when all agree; otherwise every disagreement is printed.
"""
import collections
import json
import re
import sys

BASE = "/tmp/kme-scenario/"
V = r'("(?:[^"\\]|\\.)*"|[^ "]\S*)'
# host=NODE (records with a node= prefix) is optional and not captured: the
# groups' numbers stay those of a single host's log.
LINE = re.compile(r"^(\S+) (\S+)(?: host=(?:\"(?:[^\"\\]|\\.)*\"|[^ \"]\S*))? pid=(\d+) name=" + V + " exe=" + V + r" ppid=(-?\d+) "
                  r"parent_name=" + V + " parent_exe=" + V + r" source=(\S+)"
                  r"(?: rule=(\S+))?(?: file=" + V + r")? cwd=" + V +
                  r" => ([a-z -]+?): (.*)$")
RULE = None  # --rule NAME: the added rule whose lines are checked


def unquote(v):
    """A quoted explain value is a JSON string."""
    return json.loads(v) if v.startswith('"') else v
VERDICT = {"alert": "alert", "suppressed": "suppressed", "excluded": "excluded",
           "no match": "nomatch", "failed": "failed", "rate-limited": "rate-limited"}


TREE = {}  # pid -> (ppid, cwd) of the last exec event of that pid


def load_tree(path):
    rec = re.compile(r"msg=audit\([\d.]+:(\d+)\)")
    ev = {}
    with open(path, "rb") as f:
        for raw in f:
            line = raw.decode("latin-1").split("\x1d")[0]
            m = rec.search(line)
            if not m:
                continue
            e = ev.setdefault(m.group(1), {})
            if "type=SYSCALL" in line and (p := re.search(r" pid=(\d+)", line)):
                e["pid"] = int(p.group(1))
                e["ppid"] = int(re.search(r" ppid=(\d+)", line).group(1))
            elif "type=CWD" in line:
                c = re.search(r' cwd=("[^"]*"|\S+)', line).group(1)
                e["cwd"] = c[1:-1] if c.startswith('"') else bytes.fromhex(c).decode("utf-8", "replace")
    for e in ev.values():
        if "pid" in e and "cwd" in e:
            TREE[e["pid"]] = (e["ppid"], e["cwd"])


def scenario_of(cwd, ppid=None):
    for _ in range(64):
        if cwd.startswith(BASE):
            return cwd[len(BASE):].split("/")[0]
        if ppid is None or ppid not in TREE:
            return None
        ppid, cwd = TREE[ppid]
    return None


def load_manifest(path):
    rows = collections.OrderedDict()
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.startswith("#") or not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 6:
                sys.exit(f"{path}:{n}: expected 6 tab-separated columns")
            scen, prog, verdict, pname, pexe, desc = cols[:6]
            rows.setdefault((scen, prog), []).append(
                dict(line=n, verdict=verdict, pname=pname, pexe=pexe, desc=desc))
    return rows


def load_explain(path):
    seen = collections.OrderedDict()
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        for n, line in enumerate(f, 1):
            m = LINE.match(line.rstrip("\n"))
            if not m:
                sys.exit(f"{path}:{n}: unparsable explain line: {line!r}")
            g = [unquote(x) if x else x for x in m.groups()]
            if g[9] != RULE:
                continue
            scen = scenario_of(g[11], int(g[5]))
            if scen is None:
                continue
            seen.setdefault((scen, g[3]), []).append(dict(
                line=n, id=g[1], verdict=VERDICT.get(g[12], g[12]),
                pname=g[6], pexe=g[7], source=g[8], detail=g[13]))
    return seen


def parent_ok(row, got):
    errs = []
    if row["pexe"] == "unknown":
        if got["source"] != "unknown" or got["pexe"] != "?":
            errs.append(f"parent should be unknown, got {got['pexe']} [{got['source']}]")
        return errs
    if row["pexe"] not in ("-", "") and got["pexe"] != row["pexe"]:
        errs.append(f"parent_exe {got['pexe']!r} != {row['pexe']!r}")
    if row["pname"] not in ("-", "") and got["pname"] != row["pname"]:
        errs.append(f"parent_name {got['pname']!r} != {row['pname']!r}")
    return errs


def main():
    global RULE
    if len(sys.argv) > 2 and sys.argv[1] == "--log":
        load_tree(sys.argv[2])
        del sys.argv[1:3]
    if len(sys.argv) > 2 and sys.argv[1] == "--rule":
        RULE = sys.argv[2]
        del sys.argv[1:3]
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    manifest = load_manifest(sys.argv[1])
    explain = load_explain(sys.argv[2])
    errors = []
    checked = 0
    for key, rows in manifest.items():
        got = explain.get(key, [])
        # A program the rule does not watch has no explain line at all.
        if all(r["verdict"] == "nomatch" for r in rows) and not got:
            checked += len(rows)
            continue
        if len(got) != len(rows):
            errors.append(f"{key[0]} {key[1]}: manifest has {len(rows)} row(s) "
                          f"(lines {[r['line'] for r in rows]}), plugin explained "
                          f"{len(got)}: {[g['verdict'] for g in got]}")
            continue
        for row, g in zip(rows, got):
            checked += 1
            errs = []
            if g["verdict"] != row["verdict"]:
                errs.append(f"verdict {g['verdict']!r} != {row['verdict']!r} ({g['detail']})")
            if row["verdict"] != "failed":
                errs += parent_ok(row, g)
            for e in errs:
                errors.append(f"manifest line {row['line']} ({key[0]} {key[1]}: "
                              f"{row['desc']}), event {g['id']}: {e}")
    for key in explain:
        if key not in manifest:
            errors.append(f"{key[0]} {key[1]}: explained by the plugin but not in the manifest")

    if len(sys.argv) == 4:
        want = {}
        for key, rows in manifest.items():
            for row, g in zip(rows, explain.get(key, [])):
                if row["verdict"] == "alert":
                    want[g["id"]] = (key, row)
        got_ids = set()
        with open(sys.argv[3], encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                doc = json.loads(line)
                if (doc["event"]["action"] == "opened-file") != (RULE is not None):
                    continue
                eid = doc["event"]["id"]
                scen = scenario_of(doc["process"].get("working_directory", ""),
                                   doc["process"].get("parent", {}).get("pid"))
                if scen is None:
                    continue
                got_ids.add(eid)
                if eid not in want:
                    errors.append(f"alerts line {n}: unexpected alert {eid} "
                                  f"({scen} {doc['process'].get('name')})")
                    continue
                _, row = want[eid]
                parent = doc["process"].get("parent", {})
                if row["pexe"] == "unknown":
                    if "executable" in parent:
                        errors.append(f"alert {eid}: parent should be unknown")
                    if doc["audisp_kmod_enum"]["parent_source"] != "unknown":
                        errors.append(f"alert {eid}: parent_source should be unknown")
                elif row["pexe"] not in ("-", "") and parent.get("executable") != row["pexe"]:
                    errors.append(f"alert {eid}: parent.executable "
                                  f"{parent.get('executable')!r} != {row['pexe']!r}")
        for eid, (key, row) in want.items():
            if eid not in got_ids:
                errors.append(f"manifest line {row['line']} ({key[0]} {key[1]}): "
                              f"no alert {eid} in the replay output")

    for e in errors:
        print("FAIL:", e)
    print(f"{checked} scenario rows checked, {len(errors)} disagreement(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
