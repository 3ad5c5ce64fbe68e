#!/usr/bin/env python3
"""check.py - the assertions of tests/hostile.sh.

  check.py run RSSFILE OUT ERR -- CMD...
      Run CMD with stdout to OUT and stderr to ERR; write the child's peak
      RSS in KiB (getrusage RUSAGE_CHILDREN ru_maxrss) to RSSFILE; exit with
      CMD's status (128+N when killed by signal N).

  check.py lines FILE [--json] [--count N] [--min N]
      Every line of FILE ends with '\\n', is not empty and holds no raw
      control byte (C0, DEL, UTF-8 C1, U+2028/9); with --json each line is
      one JSON object (strict UTF-8). --count/--min: number of lines.

  check.py alert FILE KEY=VALUE... [--raw-contains TEXT]...
      Some JSON line of FILE has every dotted KEY equal to VALUE, where VALUE
      is a JSON literal (e.g. process.name='"lsmod"', process.args='["a"]').
      --raw-contains: the raw text of that line contains TEXT (Python
      escapes allowed: '\\\\u001b' is the six characters \\u001b).

  check.py summary ERR COUNTER OP N
      The summary line of ERR has COUNTER (e.g. parse_errors) OP N, OP one
      of eq, ge, gt.
"""
import json
import re
import resource
import subprocess
import sys

RAW = re.compile(rb"[\x00-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xa8\xa9]")


def fail(msg):
    print("  check.py: " + msg, file=sys.stderr)
    sys.exit(1)


def cmd_run(args):
    rssfile, out, err = args[0], args[1], args[2]
    assert args[3] == "--"
    with open(out, "wb") as o, open(err, "wb") as e:
        rc = subprocess.call(args[4:], stdout=o, stderr=e)
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    with open(rssfile, "w") as f:
        f.write("%d\n" % rss)
    sys.exit(rc if rc >= 0 else 128 - rc)


def read_lines(path):
    data = open(path, "rb").read()
    if data and not data.endswith(b"\n"):
        fail("%s: last line has no newline" % path)
    return data.split(b"\n")[:-1] if data else []


def cmd_lines(args):
    path, want_json, count, least = args[0], False, None, None
    i = 1
    while i < len(args):
        if args[i] == "--json":
            want_json = True
        elif args[i] == "--count":
            i += 1
            count = int(args[i])
        elif args[i] == "--min":
            i += 1
            least = int(args[i])
        i += 1
    lines = read_lines(path)
    for n, ln in enumerate(lines, 1):
        if not ln:
            fail("%s:%d: empty line" % (path, n))
        m = RAW.search(ln)
        if m:
            fail("%s:%d: raw control byte %r at %d" % (path, n, m.group(0), m.start()))
        if want_json:
            try:
                d = json.loads(ln.decode("utf-8", "strict"))
            except (UnicodeDecodeError, ValueError) as ex:
                fail("%s:%d: not JSON: %s" % (path, n, ex))
            if not isinstance(d, dict):
                fail("%s:%d: not a JSON object" % (path, n))
    if count is not None and len(lines) != count:
        fail("%s: %d lines, want %d" % (path, len(lines), count))
    if least is not None and len(lines) < least:
        fail("%s: %d lines, want at least %d" % (path, len(lines), least))


def dig(d, key):
    for k in key.split("."):
        if not isinstance(d, dict) or k not in d:
            return KeyError
        d = d[k]
    return d


def cmd_alert(args):
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
    lines = read_lines(path)
    best = None
    for ln in lines:
        d = json.loads(ln.decode("utf-8"))
        bad = [(k, v, dig(d, k)) for k, v in want if dig(d, k) != v]
        if not bad:
            text = ln.decode("utf-8")
            missing = [r for r in raws if r not in text]
            if missing:
                fail("%s: the alert lacks the raw text %r" % (path, missing))
            return
        if best is None or len(bad) < len(best):
            best = bad
    if best is None:
        fail("%s: no alert at all" % path)
    fail("%s: no alert with %s; closest differs in %s" % (
        path, " ".join("%s=%s" % (k, json.dumps(v)) for k, v in want),
        "; ".join("%s=%s" % (k, "(absent)" if g is KeyError else json.dumps(g))
                  for k, _, g in best)))


def cmd_summary(args):
    path, counter, op, n = args[0], args[1], args[2], int(args[3])
    text = open(path, "rb").read().decode("utf-8", "replace")
    m = re.search(r"summary: .*\b%s=(\d+)" % re.escape(counter), text)
    if not m:
        fail("%s: no summary line with %s" % (path, counter))
    v = int(m.group(1))
    ok = {"eq": v == n, "ge": v >= n, "gt": v > n}[op]
    if not ok:
        fail("%s: %s=%d, want %s %d" % (path, counter, v, op, n))


if __name__ == "__main__":
    {"run": cmd_run, "lines": cmd_lines, "alert": cmd_alert,
     "summary": cmd_summary}[sys.argv[1]](sys.argv[2:])
