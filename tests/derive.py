#!/usr/bin/env python3
"""derive.py LOG OUT [--pick REGEX] [--at SECONDS[@EXE]] ... [--terms N@SECONDS]

Build a test log from one real event of LOG: the first event whose records
match REGEX (default: the first lsmod exec), repeated once per --at, with
its timestamp moved to SECONDS (an integer; "+N" is relative to the original
time) and fresh serials. "@EXE" also replaces the executable path in PATH
item 0, so each copy can be a different new term. Everything else of the
record stays as the kernel wrote it. --terms N@SECONDS adds N copies one
second apart from SECONDS, each with its own executable /opt/termI/lsmod
(N distinct new terms). --repeat N@SECONDS adds N copies of the event
itself, 100 per second from SECONDS (one term, over and over).

The parent pid of every copy is 4194305, above the largest pid_max Linux
allows (2^22): a plugin that reads /proc for an unseen parent (plugin mode)
never finds a process of this machine that happens to have the captured
ppid, so the parent is unknown in every mode and on every run.
"""
import re
import sys

STAMP = re.compile(r"msg=audit\((\d+)\.(\d+):(\d+)\)")
NO_PID = 4194305


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    log, out = args[0], args[1]
    pick = r'comm="lsmod"'
    ats = []
    i = 2
    while i < len(args):
        if args[i] == "--pick":
            pick = args[i + 1]
        elif args[i] == "--at":
            ats.append(args[i + 1])
        elif args[i] == "--repeat":
            n, _, start = args[i + 1].partition("@")
            ats += [str(int(start) + k // 100) for k in range(int(n))]
        elif args[i] == "--terms":
            n, _, start = args[i + 1].partition("@")
            ats += [f"{int(start) + k}@/opt/term{k}/lsmod" for k in range(int(n))]
        else:
            sys.exit(f"derive.py: unknown argument {args[i]}")
        i += 2
    lines = open(log, "rb").read().decode("latin-1").splitlines()
    serial = None
    for line in lines:
        m = STAMP.search(line)
        if m and re.search(pick, line) and "type=SYSCALL" in line:
            serial = m.group(3)
            break
    if serial is None:
        sys.exit(f"derive.py: no event matching {pick!r} in {log}")
    event = [l for l in lines if (m := STAMP.search(l)) and m.group(3) == serial]
    orig = int(STAMP.search(event[0]).group(1))
    with open(out, "wb") as f:
        for n, at in enumerate(ats):
            when, _, exe = at.partition("@")
            sec = orig + int(when[1:]) if when.startswith("+") else int(when)
            for rec in event:
                rec = STAMP.sub(f"msg=audit({sec}.000:{900000 + n})", rec)
                rec = re.sub(r" ppid=\d+ ", f" ppid={NO_PID} ", rec, count=1)
                if exe and "type=PATH" in rec and " item=0 " in rec:
                    rec = re.sub(r' name=("[^"]*"|\S+)', f' name="{exe}"', rec, count=1)
                f.write((rec + "\n").encode("latin-1"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
