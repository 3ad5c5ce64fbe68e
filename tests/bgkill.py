#!/usr/bin/env python3
"""tests/bgkill.py BINARY SHIPPED_CONF LOG - a SIGKILL of either side of a
background save, at any point of it, leaves a loadable state file (issue
18; the synchronous saves' kill test is in tests/state-safety.sh).

Each round: the plugin (plugin mode, tests/plugrun.py) starts from a state
file of 50,000 terms (tests/mkstate.py), saves every second in a forked
child (bgsave.h), and is fed 50 new enumerations (tests/derive.py from
LOG). When a child is writing the temporary file, at a size between 0 and
100 % of the file, the watcher SIGKILLs
  - the child (rounds "child"): the parent must go on, and its next
    background save must complete and hold the 50 new terms;
  - or the parent (rounds "parent"): the child must die with it (it must
    never outlive the plugin: bgsave.h).
After every kill the state file must parse as one complete state of ours
(identity, every term well formed) holding the 50,000 terms (and, after a
completed save, the 50 new ones); no file is ever set aside as bad.
Exit 0, 1, or 77 without root (1 under CI=true).
"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from plugrun import PluginRun  # noqa: E402

ROUNDS = int(os.environ.get("KME_BGKILL_ROUNDS", "16"))
OLD_TERMS = 50000
NEW_TERMS = 50
failed = passed = 0


def check(desc, ok):
    global failed, passed
    print(("ok - " if ok else "not ok - ") + desc)
    if ok:
        passed += 1
    else:
        failed += 1


def terms_of(path):
    """The set of first values of a complete state of ours; None when the
    file is not one."""
    try:
        doc = json.load(open(path, encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or doc.get("format") != "audisp-kmod-enum-state":
        return None
    out = set()
    for t in doc.get("terms", []):
        if not (isinstance(t, dict) and isinstance(t.get("v"), list)
                and isinstance(t.get("count"), int)):
            return None
        out.add(t["v"][0])
    return out


def children(pid):
    """Pids of pid's children (the background save)."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def gone(pid):
    try:
        st = open(f"/proc/{pid}/stat").read()
    except OSError:
        return True
    return st[st.rindex(")") + 2] == "Z"


def new_terms(log, d):
    out = os.path.join(d, "new.log")
    subprocess.run([sys.executable, os.path.join(HERE, "derive.py"), log, out,
                    "--terms", f"{NEW_TERMS}@{int(time.time()) - 600}"],
                   check=True)
    return open(out, "rb").read().replace(b"/opt/term", b"/opt/new")


def one_round(binary, shipped, log, old, i, kind, frac):
    """One kill; returns a dict of what happened."""
    with tempfile.TemporaryDirectory(prefix="kme-bgkill.") as d:
        sd = os.path.join(d, "state")
        os.makedirs(sd, mode=0o700)
        state = os.path.join(sd, "state.json")
        with open(state, "wb") as f:
            f.write(old)
        os.chmod(state, 0o600)
        tmp = state + ".tmp"
        run = PluginRun(binary, d, [f"state_file = {state}",
                                    "state_save_interval = 1s",
                                    "max_alerts = 0"], shipped=shipped)
        run.feed(new_terms(log, d))
        run.wait_line(r'"/opt/new%d/lsmod"' % (NEW_TERMS - 1), 20)
        # Wait for a child writing at least frac of the old file's size.
        end = time.monotonic() + 20
        child = None
        while time.monotonic() < end:
            kids = children(run.pid)
            try:
                size = os.path.getsize(tmp)
            except OSError:
                size = -1
            if kids and size >= frac * len(old):
                child = kids[0]
                break
        r = {"kind": kind, "frac": frac, "caught": child is not None}
        if child is None:
            run.stop()
            return r
        victim = child if kind == "child" else run.pid
        os.kill(victim, signal.SIGKILL)
        if kind == "parent":
            run.proc.wait(10)
            end = time.monotonic() + 5
            while not gone(child) and time.monotonic() < end:
                time.sleep(0.005)
            r["child_died"] = gone(child)
            run.stop()
        else:
            # The parent goes on; its next background save completes.
            end = time.monotonic() + 15
            saves = 0
            while time.monotonic() < end and saves < 1:
                saves = int(run.counters().get("saves", "0"))
                time.sleep(0.1)
            r["parent_alive"] = run.proc.poll() is None
            r["saved_after"] = saves >= 1
            r["after"] = terms_of(state)
            run.stop()
        r["state"] = terms_of(state)
        r["bad"] = [n for n in os.listdir(sd) if ".bad-" in n]
        return r


def main():
    if os.geteuid() != 0:
        if os.environ.get("CI") == "true":
            print("not ok - needs root (a mount namespace), and CI=true")
            return 1
        print("SKIP: needs root (a mount namespace of its own)")
        return 77
    binary, shipped, log = sys.argv[1:4]
    old = subprocess.run([sys.executable, os.path.join(HERE, "mkstate.py"),
                          "--terms", str(OLD_TERMS)],
                         check=True, stdout=subprocess.PIPE).stdout
    new_names = {f"/opt/new{k}/lsmod" for k in range(NEW_TERMS)}
    caught = loadable = complete = child_ok = parent_ok = 0
    for i in range(ROUNDS):
        kind = "child" if i % 2 == 0 else "parent"
        frac = (i // 2) / max(1, ROUNDS // 2 - 1)
        r = one_round(binary, shipped, log, old, i, kind, frac)
        st = r.get("state")
        ok = (st is not None and len(st) >= OLD_TERMS and not r.get("bad"))
        desc = "old" if st is not None and len(st) == OLD_TERMS else \
            "new" if st is not None and new_names <= st else \
            "TORN" if st is None else f"{len(st)} terms"
        extra = ""
        if kind == "child" and r.get("caught"):
            good = (r.get("parent_alive") and r.get("saved_after")
                    and r.get("after") is not None and new_names <= r["after"])
            child_ok += bool(good)
            extra = ", parent went on and saved again" if good else \
                f", AFTER: {r.get('parent_alive')}/{r.get('saved_after')}"
        if kind == "parent" and r.get("caught"):
            parent_ok += bool(r.get("child_died"))
            extra = ", the child died with it" if r.get("child_died") else \
                ", THE CHILD SURVIVED"
        print(f"# round {i:2d}: kill the {kind} at {frac * 100:3.0f}% of a save: "
              + ("caught, " if r["caught"] else "no save seen, ")
              + f"state {desc}{extra}")
        caught += r["caught"]
        loadable += ok
        complete += st is not None
    half = ROUNDS // 2
    check(f"every kill found a background save running ({caught} of {ROUNDS})",
          caught == ROUNDS)
    check(f"after every kill the state file is a complete, loadable state "
          f"({loadable} of {ROUNDS})", loadable == ROUNDS)
    check(f"a killed child never stops the parent, whose next save completes "
          f"({child_ok} of {ROUNDS - half})", child_ok == ROUNDS - half)
    check(f"a killed parent never leaves its child running "
          f"({parent_ok} of {half})", parent_ok == half)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
