#!/usr/bin/env python3
"""Paced exec load for bench/live.sh: RATE execs of /bin/true per second for SECONDS.

   loadgen.py RATE SECONDS

posix_spawn()s /bin/true (argv varies per exec) in batches of RATE/100 every
10 ms of a fixed schedule, reaping children as it goes, so the rate holds on
average even when one batch is late. Prints "execs=N seconds=S rate=R".
"""
import os
import sys
import time


def main():
    rate, seconds = int(sys.argv[1]), float(sys.argv[2])
    tick = 0.01
    per_tick = max(1, round(rate * tick))
    start = time.monotonic()
    n = 0
    k = 0
    running = 0
    while True:
        now = time.monotonic()
        if now - start >= seconds:
            break
        due = start + k * tick
        if due > now:
            time.sleep(due - now)
        for _ in range(per_tick):
            os.posix_spawn("/bin/true", ["/bin/true", "load", str(n)], {})
            n += 1
            running += 1
        k += 1
        while running:
            pid, _ = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
            running -= 1
    while running:
        os.waitpid(-1, 0)
        running -= 1
    took = time.monotonic() - start
    print("execs=%d seconds=%.2f rate=%.0f" % (n, took, n / took))


if __name__ == "__main__":
    main()
