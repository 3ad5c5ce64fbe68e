#!/usr/bin/env python3
"""tests/golden-diff.py - what a regeneration of the golden alerts changed,
field by field, for the reviewer (not run by make check: the old files are
in git history).

Usage: golden-diff.py OLD_DIR NEW_DIR     (e.g. OLD_DIR from
       `git show main:tests/golden/NAME`, NEW_DIR tests/golden)

Pairs the alerts of each *.alerts.jsonl by event.id (and host.name) and
sorts every difference into
  added      a field the old alert did not have;
  defined    a change issue 21 defines: an unknown new-terms value null ->
             "" (item 5); a parent argument the process table once dropped
             now clipped (item 4: process.parent.args/args_count/
             command_line grow, parent_args_omitted gives way to
             parent_args_clipped_count and parent_args_clip_bytes); a byte
             that is not UTF-8 once written \\xNN now U+FFFD (item 3); an
             alert too large for max_alert_size (args_omitted in both)
             listing fewer of the first args, as the added fields take room
             (process.args and command_line a prefix of the old, listed +
             args_omitted still the old sum);
  other      anything else: removed fields, changed values.
Prints one line per file and the totals; exit 1 when any difference is
"other" or an alert appeared or vanished.
"""
import json
import os
import re
import sys

ADDED_OK = re.compile(
    r"^(event\.sequence|host\.architecture|"
    r"process\.(entity_id|start|interactive|tty\..*|title|saved_user\.id|saved_group\.id)|"
    r"process\.parent\.(entity_id|start|working_directory|user\.id|real_user\.id|group\.id|real_group\.id)|"
    r"process\.entry_leader\.(entity_id|start)|"
    r"user\.audit\.(id|name)|"
    r"audisp_kmod_enum\.entity\.(process|parent|entry_leader)|"
    r"audisp_kmod_enum\.invalid_utf8\..*|"
    r"audisp_kmod_enum\.parent_args_clip(ped_count|_bytes))$")
PARENT_ARGS = ("process.parent.args", "process.parent.args_count",
               "process.parent.command_line")


def flat(d, p=""):
    for k, v in d.items():
        if isinstance(v, dict):
            yield from flat(v, p + k + ".")
        else:
            yield p + k, v


def xnn_as_fffd(old):
    """old's text with every \\xNN escape (an invalid byte) as U+FFFD."""
    return re.sub(r"\\x[0-9a-f]{2}", "\ufffd", old)


def partial_shrunk(old_flat, new_flat):
    """Both alerts list only the first args (the last resort of the
    fitting ladder, alert.h): the new list is a prefix of the old, its
    command line too, and listed + omitted is unchanged."""
    om = "audisp_kmod_enum.args_omitted"
    if om not in old_flat or om not in new_flat:
        return False
    a, b = old_flat["process.args"], new_flat["process.args"]
    return (len(b) <= len(a) and a[:len(b)] == b and
            old_flat["process.command_line"].startswith(new_flat["process.command_line"]) and
            len(a) + old_flat[om] == len(b) + new_flat[om])


def defined(path, o, n, old_flat, new_flat):
    if path in ("process.args", "process.command_line",
                "audisp_kmod_enum.args_omitted") and partial_shrunk(old_flat, new_flat):
        return True
    if path == "audisp_kmod_enum.new_terms.values":
        return len(o) == len(n) and all(
            a == b or (a is None and b == "") or
            (isinstance(a, str) and xnn_as_fffd(a) == b) for a, b in zip(o, n))
    if path in PARENT_ARGS and "audisp_kmod_enum.parent_args_omitted" in old_flat:
        return True
    if path == "audisp_kmod_enum.parent_args_omitted":
        return n is None
    if isinstance(o, str) and isinstance(n, str):
        return "\\x" in o and xnn_as_fffd(o) == n
    if isinstance(o, list) and isinstance(n, list) and len(o) == len(n):
        return all(a == b or (isinstance(a, str) and xnn_as_fffd(a) == b)
                   for a, b in zip(o, n))
    return False


def load(path):
    out = {}
    if not os.path.exists(path):
        return out
    for line in open(path, encoding="utf-8"):
        d = json.loads(line)
        key = (d["event"]["id"], d.get("host", {}).get("name"),
               d.get("audisp_kmod_enum", {}).get("mode"))
        out.setdefault(key, []).append(d)
    return out


def main(old_dir, new_dir):
    totals = {"alerts": 0, "changed": 0, "added": 0, "defined": 0, "other": 0,
              "unpaired": 0}
    added_names = {}
    bad = False
    for name in sorted(os.listdir(new_dir)):
        if not name.endswith(".alerts.jsonl"):
            continue
        if not os.path.exists(os.path.join(old_dir, name)):
            n = sum(len(v) for v in load(os.path.join(new_dir, name)).values())
            print(f"{name}: a new golden file, {n} alerts")
            continue
        old, new = load(os.path.join(old_dir, name)), load(os.path.join(new_dir, name))
        f = dict.fromkeys(totals, 0)
        for key in sorted(set(old) | set(new), key=str):
            a, b = old.get(key, []), new.get(key, [])
            if len(a) != len(b):
                f["unpaired"] += abs(len(a) - len(b))
                bad = True
            for x, y in zip(a, b):
                f["alerts"] += 1
                fx, fy = dict(flat(x)), dict(flat(y))
                kinds = {"added": 0, "defined": 0, "other": 0}
                for p in sorted(set(fx) | set(fy)):
                    if p == "event.created":
                        continue
                    if p not in fx:
                        k = "added" if ADDED_OK.match(p) else "other"
                        if k == "added":
                            added_names[p] = added_names.get(p, 0) + 1
                    elif p not in fy:
                        k = "defined" if defined(p, fx[p], None, fx, fy) else "other"
                    elif fx[p] != fy[p]:
                        k = "defined" if defined(p, fx[p], fy[p], fx, fy) else "other"
                    else:
                        continue
                    kinds[k] += 1
                    if k == "other":
                        bad = True
                        print(f"  {name} {key[0]}: {p}: {json.dumps(fx.get(p))[:80]}"
                              f" -> {json.dumps(fy.get(p))[:80]}")
                for k, v in kinds.items():
                    f[k] += v
                f["changed"] += any(kinds.values())
        print(f"{name}: {f['alerts']} alerts paired, {f['changed']} changed; "
              f"fields added {f['added']}, defined changes {f['defined']}, "
              f"other {f['other']}, unpaired {f['unpaired']}")
        for k in totals:
            totals[k] += f[k]
    print(f"total: {totals['alerts']} alerts paired, {totals['changed']} changed; "
          f"fields added {totals['added']}, defined changes {totals['defined']}, "
          f"other {totals['other']}, unpaired {totals['unpaired']}")
    print("added fields: " + ", ".join(f"{k} {v}" for k, v in sorted(added_names.items())))
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
