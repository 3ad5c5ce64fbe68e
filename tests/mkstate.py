#!/usr/bin/env python3
"""Write a new-terms state file of N terms (stateformat.h, format_version 2),
for tests and benches that need a full history without replaying millions
of events.

   mkstate.py --terms N [--rule-id ID] [--rule-version V]
              [--fields F,F] [--last MS] > state.json

Term K is ("/opt/kme-state/K/lsmod", "/bin/sh") for two fields (one value per
field, "/bin/sh" for each field after the first); every term was first and
last seen at --last (default: now - 1 day, inside any window), count 1, so
that a save at the current time keeps them all. The identity defaults to
the shipped v211 configuration's.
"""
import argparse
import json
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--terms", type=int, required=True)
    ap.add_argument("--rule-id", default="2d8043ed-5bda-4caf-801c-c1feb7410504")
    ap.add_argument("--rule-version", default="211")
    ap.add_argument("--fields", default="process.executable,process.parent.executable")
    ap.add_argument("--window", type=int, default=14 * 86400 * 1000)
    ap.add_argument("--last", type=int, default=int(time.time() * 1000) - 86400 * 1000)
    a = ap.parse_args()
    fields = a.fields.split(",")
    head = {"format": "audisp-kmod-enum-state", "format_version": 2,
            "rule_id": a.rule_id, "rule_version": a.rule_version,
            "fields": fields, "window": a.window,
            "saved_at": int(time.time() * 1000)}
    out = sys.stdout
    out.write(json.dumps(head, separators=(",", ":"))[:-1] + ',"terms":[')
    rest = ',"/bin/sh"' * (len(fields) - 1)
    tail = '],"first":%d,"last":%d,"count":1}' % (a.last, a.last)
    chunk = []
    for k in range(a.terms):
        chunk.append('%s{"v":["/opt/kme-state/%d/lsmod"%s%s'
                     % ("," if k else "", k, rest, tail))
        if len(chunk) == 10000:
            out.write("".join(chunk))
            chunk = []
    out.write("".join(chunk))
    out.write("]}\n")


if __name__ == "__main__":
    main()
