#!/usr/bin/env python3
"""tests/alerts.py - the plugin's alerts in a file, for the shell tests.

  alerts.py FILE --field CWD EXPR  EXPR (python, on the document d) of the
                                   first alert whose process.working_directory
                                   is CWD; "-" when EXPR fails on it, "no
                                   alert" when there is none

As a module: documents(FILE, FIRST=1), every alert's document from line FIRST
(1-based) on. FILE holds JSON lines (a replay's output) or syslog lines
("... audisp-kmod-enum[PID]: {...}"), or both: any other line is passed over.
"""
import json
import sys


def documents(path, first=1):
    with open(path, encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f, 1):
            if n < first:
                continue
            if line.startswith("{"):
                yield json.loads(line)
                continue
            i = line.find("audisp-kmod-enum[")
            j = line.find("]: {", i)
            if i >= 0 and j >= 0:
                yield json.loads(line[j + 3:])


def field(path, cwd, expr):
    for d in documents(path):
        if d["process"].get("working_directory") == cwd:
            try:
                return str(eval(expr, {"d": d}))
            except (KeyError, IndexError, TypeError):
                return "-"
    return "no alert"


def main(argv):
    if len(argv) != 4 or argv[1] != "--field":
        sys.exit(__doc__)
    print(field(argv[0], argv[2], argv[3]))


if __name__ == "__main__":
    main(sys.argv[1:])
