#!/usr/bin/env python3
"""check.py - the output assertions of tests/hostile.sh, all in one process.

hostile.sh replays every case first and queues the checks that need a JSON
parser into a spec file; this script then runs them all (one Python start for
the whole suite, not one per check: starting Python costs ~0.1-0.5 s).

  check.py batch SPECFILE
      SPECFILE holds records of NUL-terminated fields: the number of fields
      that follow, a description, then a check and its arguments (below).
      Prints "ok - DESC" or "not ok - DESC" (with the reason as a "#" line)
      for each, in order; exits 1 if any failed.

Checks:

  lines FILE [--json] [--count N]
      Every line of FILE ends with '\\n', is not empty and holds no raw
      control byte (C0, DEL, UTF-8 C1, U+2028/9); with --json each line is
      one JSON object (strict UTF-8). --count: the number of lines.

  alert FILE KEY=VALUE... [--raw-contains TEXT]...
      Some JSON line of FILE has every dotted KEY equal to VALUE, where VALUE
      is a JSON literal (e.g. process.name='"lsmod"', process.args='["a"]').
      --raw-contains: the raw text of that line contains TEXT (Python
      escapes allowed: '\\\\u001b' is the six characters \\u001b).
"""
import json
import re
import sys

RAW = re.compile(rb"[\x00-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xa8\xa9]")


class Failed(Exception):
    pass


def read_lines(path):
    with open(path, "rb") as f:
        data = f.read()
    if data and not data.endswith(b"\n"):
        raise Failed("%s: last line has no newline" % path)
    return data.split(b"\n")[:-1] if data else []


def check_lines(args):
    path, want_json, count = args[0], False, None
    i = 1
    while i < len(args):
        if args[i] == "--json":
            want_json = True
        elif args[i] == "--count":
            i += 1
            count = int(args[i])
        else:
            raise Failed("lines: unknown option %r" % args[i])
        i += 1
    lines = read_lines(path)
    for n, ln in enumerate(lines, 1):
        if not ln:
            raise Failed("%s:%d: empty line" % (path, n))
        m = RAW.search(ln)
        if m:
            raise Failed("%s:%d: raw control byte %r at %d"
                         % (path, n, m.group(0), m.start()))
        if want_json:
            try:
                d = json.loads(ln.decode("utf-8", "strict"))
            except (UnicodeDecodeError, ValueError) as ex:
                raise Failed("%s:%d: not JSON: %s" % (path, n, ex))
            if not isinstance(d, dict):
                raise Failed("%s:%d: not a JSON object" % (path, n))
    if count is not None and len(lines) != count:
        raise Failed("%s: %d lines, want %d" % (path, len(lines), count))


def dig(d, key):
    for k in key.split("."):
        if not isinstance(d, dict) or k not in d:
            return KeyError
        d = d[k]
    return d


def check_alert(args):
    path, want, raws = args[0], [], []
    i = 1
    while i < len(args):
        if args[i] == "--raw-contains":
            i += 1
            raws.append(args[i].encode("latin-1").decode("unicode_escape"))
        else:
            k, v = args[i].split("=", 1)
            want.append((k, json.loads(v)))
        i += 1
    best = None
    for ln in read_lines(path):
        try:
            d = json.loads(ln.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            continue   # check_lines reports it
        bad = [(k, v, dig(d, k)) for k, v in want if dig(d, k) != v]
        if not bad:
            text = ln.decode("utf-8")
            missing = [r for r in raws if r not in text]
            if missing:
                raise Failed("%s: the alert lacks the raw text %r" % (path, missing))
            return
        if best is None or len(bad) < len(best):
            best = bad
    if best is None:
        raise Failed("%s: no alert at all" % path)
    raise Failed("%s: no alert with %s; closest differs in %s" % (
        path, " ".join("%s=%s" % (k, json.dumps(v)) for k, v in want),
        "; ".join("%s=%s" % (k, "(absent)" if g is KeyError else json.dumps(g))
                  for k, _, g in best)))


CHECKS = {"lines": check_lines, "alert": check_alert}


def batch(specfile):
    with open(specfile, "rb") as f:
        fields = f.read().split(b"\0")
    failed = 0
    i = 0
    while i < len(fields) - 1:
        n = int(fields[i])
        rec = [x.decode("utf-8", "surrogateescape") for x in fields[i + 1:i + 1 + n]]
        i += 1 + n
        desc, name, args = rec[0], rec[1], rec[2:]
        try:
            CHECKS[name](args)
            print("ok - " + desc)
        except (Failed, OSError) as ex:
            failed += 1
            print("not ok - " + desc)
            print("#   " + str(ex))
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "batch":
        sys.exit("usage: check.py batch SPECFILE")
    sys.exit(batch(sys.argv[2]))
