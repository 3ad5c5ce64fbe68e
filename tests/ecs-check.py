#!/usr/bin/env python3
"""tests/ecs-check.py - every field path, JSON type and value of alert lines
against the ECS field definitions in tests/ecs/ecs_flat_subset.yml (and the
two of Elastic's auditd field set in tests/ecs/beats_auditd_subset.yml).

Usage: ecs-check.py [--ingested] DEFS[:DEFS...] ALERTS.jsonl...   (one
       python for all files; DEFS files in the form of ecs_flat_subset.yml;
       --ingested: documents a SIEM stored, which must carry
       event.ingested)

For each alert (one JSON object per line):
  - every leaf path is a field of DEFS, or a custom field under
    audisp_kmod_enum.* or auditd.* (nothing else);
  - such a field has the JSON type its type maps to (keyword, wildcard,
    match_only_text: string; long: integer in the signed 64-bit range;
    float: number; boolean: true or false; date: RFC 3339 string), as an
    array exactly when it normalizes to an array;
  - its values are among its allowed_values and expected_values, when it
    has them, and every event.type is one of the expected_event_types of
    every event.category;
  - ecs.version is present; event.ingested is not (the SIEM sets it), or
    with --ingested is.
Prints one line per problem and a summary "N alerts, M field paths (K
distinct), V values"; exit 1 on any problem, 2 on bad input.
"""
import json
import re
import sys

CUSTOM = ("audisp_kmod_enum.", "auditd.")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$")


LISTS = ("normalize", "allowed_values", "expected_values", "expected_event_types")


def load_defs(paths):
    """The subset files: top-level `name:` lines, then `  key: value`, or
    `  key:` (or `  key: []`) and the `  - item` lines of a list. (A
    restricted YAML: no need for a YAML library.)"""
    defs = {}
    for path in paths.split(":"):
        cur, lst = None, None
        for raw in open(path, encoding="utf-8"):
            line = raw.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            if not line.startswith(" "):
                name = line.rstrip(":").strip("'")
                cur = defs.setdefault(name, {k: [] for k in LISTS})
            elif line.startswith("  - ") and lst is not None:
                lst.append(line[4:].strip())
            elif cur is not None:
                key, _, val = line.strip().partition(":")
                val = val.strip()
                if key in LISTS:
                    lst = cur[key]   # "[]" or the items that follow
                    continue
                lst = None
                cur[key] = val.strip("'")
    for name, d in defs.items():
        if "type" not in d:
            raise SystemExit(f"{paths}: {name} has no type")
    return defs


def leaves(obj, prefix=""):
    """(path, value) for every leaf; a list is a leaf (an array field)."""
    for k, v in obj.items():
        path = prefix + k
        if isinstance(v, dict):
            yield from leaves(v, path + ".")
        else:
            yield path, v


def type_ok(ecs_type, v):
    if ecs_type in ("keyword", "wildcard", "match_only_text", "constant_keyword"):
        return isinstance(v, str)
    if ecs_type == "long":
        return isinstance(v, int) and not isinstance(v, bool) and \
            -2**63 <= v < 2**63
    if ecs_type in ("float", "scaled_float", "double"):
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    if ecs_type == "date":
        return isinstance(v, str) and DATE.match(v) is not None
    if ecs_type == "boolean":
        return isinstance(v, bool)
    return False


def main(argv):
    ingested = len(argv) > 1 and argv[1] == "--ingested"
    if ingested:
        argv = argv[:1] + argv[2:]
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    defs = load_defs(argv[1])
    problems = alerts = paths = values = 0
    distinct, custom = set(), set()

    def bad(where, msg):
        nonlocal problems
        problems += 1
        if problems <= 50:
            print(f"{where}: {msg}")

    for fname in argv[2:]:
        for n, line in enumerate(open(fname, encoding="utf-8"), 1):
            where = f"{fname}:{n}"
            try:
                doc = json.loads(line)
            except ValueError as e:
                bad(where, f"not JSON: {e}")
                continue
            if not isinstance(doc, dict):
                bad(where, "not a JSON object")
                continue
            alerts += 1
            flat = dict(leaves(doc))
            if "ecs.version" not in flat:
                bad(where, "ecs.version missing")
            if "event.ingested" in flat and not ingested:
                bad(where, "event.ingested is set (the SIEM's pipeline sets it)")
            if "event.ingested" not in flat and ingested:
                bad(where, "event.ingested missing (a SIEM's document)")
            for path, v in flat.items():
                paths += 1
                distinct.add(path)
                if path.startswith(CUSTOM):
                    custom.add(path)
                    values += len(v) if isinstance(v, list) else 1
                    continue
                d = defs.get(path)
                if d is None:
                    bad(where, f"{path}: not an ECS field, not under "
                               f"{' or '.join(CUSTOM)}")
                    continue
                is_array = "array" in d["normalize"]
                if isinstance(v, list) != is_array:
                    bad(where, f"{path}: {'an array' if is_array else 'a scalar'}"
                               f" in ECS, got {type(v).__name__}")
                    continue
                for e in v if isinstance(v, list) else [v]:
                    values += 1
                    if not type_ok(d["type"], e):
                        bad(where, f"{path}: {json.dumps(e)[:60]} is not an "
                                   f"ECS {d['type']}")
                    for k in ("allowed_values", "expected_values"):
                        if d[k] and e not in d[k]:
                            bad(where, f"{path}: {json.dumps(e)[:60]} is not "
                                       f"one of its {k}")
            for cat in flat.get("event.category", []):
                want = defs.get("event.category", {}).get("expected_event_types", [])
                types = dict(t.partition("=")[::2] for t in want).get(cat)
                for t in flat.get("event.type", []):
                    if types is not None and t not in types.split(","):
                        bad(where, f"event.type {t} is not expected with "
                                   f"event.category {cat}")
    print(f"ECS check: {alerts} alerts, {paths} field paths "
          f"({len(distinct)} distinct, {len(distinct) - len(custom)} ECS, "
          f"{len(custom)} custom), {values} values; {problems} problems")
    if alerts == 0:
        print("no alerts to check")
        return 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
