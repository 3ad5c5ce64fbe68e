#!/usr/bin/env python3
"""profiles-table.py - README's profile comparison table, from replays.

    profiles-table.py CASES V211.explain V215.explain HARDENED.explain

Each EXPLAIN is the output of `audisp-kmod-enum --replay --explain -c PROFILE
tests/data/profiles-raw.log` (one line per exec of a program the profile
watches). CASES (tests/data/profiles-raw.cases.tsv) names each case:
scenario, the n-th watched exec of that scenario (1-based, in log order, over
the union of the three replays), and the text of the row; n = 0 is a
scenario none of the profiles watches any exec of (checked). Prints the table
(Markdown-like, as README shows it). Fails when an exec has no case text or a
case text no exec: the table is always the replay's.
"""
import re
import sys

PROFILES = ("v211", "v215", "hardened")
LINE = re.compile(r"^\S+ (?P<id>\d+\.\d+:\d+) pid=.* cwd=(?P<cwd>\S+) => "
                  r"(?P<verdict>[a-z -]+): (?P<detail>.*)$")


def scenario(cwd):
    m = re.match(r'"?/tmp/kme-scenario/(\d\d-[^/"]+)', cwd)
    return m.group(1) if m else "?"


def cell(verdict, detail):
    how = ""
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
    if len(argv) != 5:
        sys.exit(__doc__)
    cases = {}
    with open(argv[1], encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            scen, n, text = line.rstrip("\n").split("\t")
            cases[(scen, int(n))] = text
    runs = [read_explain(p) for p in argv[2:]]
    unwatched = sorted(k[0] for k in cases if k[1] == 0)
    for scen in unwatched:
        if any(r[i][0] == scen for r in runs for i in r):
            sys.exit("profiles-table.py: %s has a watched exec" % scen)
    ids = sorted(set().union(*runs),
                 key=lambda i: (float(i.split(":")[0]), int(i.split(":")[1])))
    nth, rows = {}, []
    for i in ids:
        scen = next(r[i][0] for r in runs if i in r)
        nth[scen] = nth.get(scen, 0) + 1
        key = (scen, nth[scen])
        if key not in cases:
            sys.exit("profiles-table.py: no case text for %s #%d (event %s)"
                     % (scen, nth[scen], i))
        rows.append((scen, cases.pop(key),
                     [r[i][1] if i in r else "not watched" for r in runs]))
    for scen in unwatched:
        rows.append((scen, cases.pop((scen, 0)), ["not watched"] * 3))
    rows.sort(key=lambda r: r[0])
    if cases:
        sys.exit("profiles-table.py: case text without an exec: %s"
                 % sorted(cases))
    head = ["scenario", "case"] + list(PROFILES)
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for scen, text, cells in rows:
        print("| " + " | ".join([scen, text] + cells) + " |")


if __name__ == "__main__":
    main(sys.argv)
