#!/usr/bin/env python3
"""profiles-table.py - README's profile comparison table, from replays.

    profiles-table.py CASES V211.explain V215.explain HARDENED.explain
                      [CASES V211.explain V215.explain HARDENED.explain ...]

Each EXPLAIN is the output of `audisp-kmod-enum --replay --explain -c PROFILE
tests/data/profiles-raw.log` (one line per exec of a program the profile
watches). CASES (tests/data/profiles-raw.cases.tsv) names each case:
scenario, the n-th watched exec of that scenario (1-based, in log order, over
the union of the three replays), and the text of the row; n = 0 is a
scenario none of the profiles watches any exec of (checked). A file rule's explain lines (an open: rule=
and file= before cwd) are cases like execs. Each group of four arguments is
one log (its cases and its three replays); the rows of every group make one
table. Prints the table (Markdown-like, as README shows it). Fails when an
exec has no case text or a case text no exec: the table is always the
replay's.
"""
import re
import sys

PROFILES = ("v211", "v215", "hardened")
LINE = re.compile(r"^\S+ (?P<id>\d+\.\d+:\d+) pid=.* cwd=(?P<cwd>\S+) => "
                  r"(?P<verdict>[a-z -]+): (?P<detail>.*)$")


def scenario(cwd):
    m = re.match(r'"?/tmp/kme-scenario/(\d\d-[^/"]+)', cwd)
    return m.group(1) if m else "?"


# A refused exclusion's reason, as short as the table wants it.
WHY = (("is not in a trusted_dir", "not in a trusted_dir"),
       ("not a plain absolute path", "'..' in its path"),
       ("writable by group or others", "a writable directory"),
       ("is not a file named", "not the file's own name"))


def refused(detail):
    m = re.search(r"(\S+) '([^']*)' \([^)]*\) refused: ([^;]*)", detail)
    if not m:
        return ""
    why = next((short for text, short in WHY if text in m.group(3)), m.group(3))
    return " (%s `%s` refused: %s)" % (m.group(1), m.group(2), why)


def cell(verdict, detail):
    how = refused(detail)
    if "multicall binary" in detail:
        m = re.search(r"run as '([^']*)' does what '([^']*)'", detail)
        how = " (run as `%s`: %s)" % (m.group(1), m.group(2))
    if verdict == "alert":
        return "alert" + how
    if verdict == "suppressed":
        return "match, term seen: suppressed" + how
    if verdict == "excluded":
        m = re.match(r"excluded by (\S+) '([^']*)'", detail)
        return "excluded (%s `%s`)" % (m.group(1), m.group(2))
    return verdict


def read_explain(path):
    out = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = LINE.match(line.rstrip("\n"))
            if not m:
                continue
            out[m.group("id")] = (scenario(m.group("cwd")),
                                  cell(m.group("verdict"), m.group("detail")))
    return out


def main(argv):
    if len(argv) < 5 or (len(argv) - 1) % 4 != 0:
        sys.exit(__doc__)
    rows = []
    for g in range(1, len(argv), 4):
        rows += group(argv[g:g + 4])
    rows.sort(key=lambda r: r[0])
    head = ["scenario", "case"] + list(PROFILES)
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for scen, text, cells in rows:
        print("| " + " | ".join([scen, text] + cells) + " |")


def group(argv):
    """The rows of one log: argv is CASES and its three explain files."""
    cases = {}
    with open(argv[0], encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            scen, n, text = line.rstrip("\n").split("\t")
            cases[(scen, int(n))] = text
    runs = [read_explain(p) for p in argv[1:]]
    unwatched = sorted(k[0] for k in cases if k[1] == 0)
    for scen in unwatched:
        if any(r[i][0] == scen for r in runs for i in r):
            sys.exit("profiles-table.py: %s has a watched exec" % scen)
    ids = sorted(set().union(*runs),
                 key=lambda i: (float(i.split(":")[0]), int(i.split(":")[1])))
    nth, rows, last = {}, [], "?"
    for i in ids:
        scen = next(r[i][0] for r in runs if i in r)
        # Outside the scenario tree (`cd /sys/module && ls`): the scenario
        # of the line before, as the scenarios run one after the other.
        scen = last = last if scen == "?" else scen
        nth[scen] = nth.get(scen, 0) + 1
        key = (scen, nth[scen])
        if key not in cases:
            sys.exit("profiles-table.py: no case text for %s #%d (event %s)"
                     % (scen, nth[scen], i))
        rows.append((scen, cases.pop(key),
                     [r[i][1] if i in r else "not watched" for r in runs]))
    for scen in unwatched:
        rows.append((scen, cases.pop((scen, 0)), ["not watched"] * 3))
    if cases:
        sys.exit("profiles-table.py: case text without an exec: %s"
                 % sorted(cases))
    return rows


if __name__ == "__main__":
    main(sys.argv)
