#!/usr/bin/env python3
"""tests/signals.py BINARY SHIPPED_CONF - signals act at once (issue 18).

The plugin idles in plugin mode (tests/plugrun.py: no auditd, nothing on
its stdin). Each signal is sent TRIES times and timed from the kill(2) to
the message that shows it was acted upon, as syslog receives it:
  SIGUSR1  its summary line,
  SIGHUP   "reloaded configuration",
  SIGTERM  its final summary, after the last save (once per plugin: each
           try a plugin of its own, TERM_TRIES of them).
The median must be under LIMIT_MS (10 ms; a loop that waits for its poll
timeout takes up to 1000 ms, 500 on average) and every try under 10 times
that (a try may meet the scheduler of a busy machine, never a timeout).
SIGTERM's time includes the last save, two fsync(2)s whose time is the
disk's (one try took 11 ms in CI's ASan run while a build wrote): its limit
is TERM_LIMIT_MS (50 ms; five tries of a loop that waits for its timeout
have a median under it about once in 900).
Prints TAP-like lines; exit 0, 1 on a failed check, 77 without root (1
under CI=true).
"""
import os
import signal
import statistics
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from plugrun import PluginRun  # noqa: E402

TRIES = 9
TERM_TRIES = 5
LIMIT_MS = 10.0
TERM_LIMIT_MS = 50.0
failed = 0


def check(desc, ok):
    global failed
    print(("ok - " if ok else "not ok - ") + desc)
    if not ok:
        failed += 1


def timed(run, sig, pattern):
    t0 = run.signal(sig)
    t1, _ = run.wait_line(pattern, 5)
    return (t1 - t0) * 1000.0


def judge(name, ms, limit=LIMIT_MS):
    med = statistics.median(ms)
    print(f"# {name}: " + " ".join(f"{m:.2f}" for m in ms) + f" ms; median {med:.2f}")
    check(f"{name} is acted upon within {limit:g} ms (median {med:.2f} ms of {len(ms)})",
          med < limit)
    check(f"{name}: no try waited for a timeout (longest {max(ms):.2f} ms)",
          max(ms) < 10 * limit)


def start(binary, shipped, d):
    """A plugin of its own in directory d, started (PluginRun waits for
    its start message)."""
    os.makedirs(os.path.join(d, "state"), mode=0o700)
    return PluginRun(binary, d, [f"state_file = {d}/state/state.json"],
                     shipped=shipped)


def main():
    if os.geteuid() != 0:
        if os.environ.get("CI") == "true":
            print("not ok - needs root (a mount namespace), and CI=true")
            return 1
        print("SKIP: needs root (a mount namespace of its own)")
        return 77
    binary, shipped = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory(prefix="kme-signals.") as top:
        runs = [start(binary, shipped, os.path.join(top, str(i)))
                for i in range(TERM_TRIES)]
        run = runs[0]
        judge("SIGUSR1", [timed(run, signal.SIGUSR1, r"summary: ")
                          for _ in range(TRIES)])
        judge("SIGHUP", [timed(run, signal.SIGHUP, r"reloaded configuration")
                         for _ in range(TRIES)])
        # The last save included: the final summary comes after it.
        judge("SIGTERM", [timed(r, signal.SIGTERM, r"summary: ") for r in runs],
              TERM_LIMIT_MS)
        codes = [r.stop() for r in runs]
        check(f"and each exits with status 0 ({codes})", codes == [0] * len(runs))
    print(f"{3 * 2 + 1 - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
