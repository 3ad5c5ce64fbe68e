#!/usr/bin/env python3
"""Synthetic flood of exec events for bench/flood.sh, written to stdout.

   flood.py [--events N] [--pids P] [--terms T] [--arg-bytes B]

Every event has the exact record shape auditd 3.0.9 writes for a root execve
(see tests/data/kmod-raw.log): SYSCALL, BPRM_FCAPS, EXECVE, CWD, PATH item 0,
PATH item 1 (the ELF interpreter) and PROCTITLE, RAW format, no EOE (as in a
log file). Event i (serial 1000+i, time t0 + i ms):
  - pid = 1000 + (i * 7919) mod P: P distinct pids, each reused N/P times,
    in an order unrelated to the serial;
  - ppid = the pid of event i-1, so every parent was seen (one exec before);
  - one event in N/T is `lsmod` run from /opt/flood/K/lsmod, K = 0..T-1: a
    match of the rule whose term (process.executable, parent executable) is
    new every time, so T distinct terms; the rest run /bin/true or
    /usr/bin/env with arguments that vary per event.
"""
import argparse
import sys

FCAPS = ("fver=0 fp=0 fi=0 fe=0 old_pp=000001fffeffffff old_pi=0 old_pe=000001fffeffffff "
         "old_pa=0 pp=000001fffeffffff pi=0 pe=000001fffeffffff pa=0 frootid=0")
PATHTAIL = ("dev=fe:00 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 "
            "cap_fe=0 cap_fver=0 cap_frootid=0")
CRED = "auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=14"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=1000000)
    ap.add_argument("--pids", type=int, default=100000)
    ap.add_argument("--terms", type=int, default=100000)
    # An argument of B bytes more on every /bin/true exec: a process table
    # filled by its byte bound (process_table_memory) before its entries.
    ap.add_argument("--arg-bytes", type=int, default=0)
    a = ap.parse_args()
    every = max(1, a.events // a.terms)
    t0 = 1795700000000  # ms
    out = sys.stdout
    chunk = []
    prev_pid = 999
    for i in range(a.events):
        pid = 1000 + (i * 7919) % a.pids
        t = t0 + i
        m = "msg=audit(%d.%03d:%d): " % (t // 1000, t % 1000, 1000 + i)
        k = i // every
        if i % every == 0 and k < a.terms:
            name = "/opt/flood/%d/lsmod" % k
            comm, exe, argv = "lsmod", "/usr/bin/kmod", 'argc=1 a0="lsmod"'
            title = b"lsmod"
        elif i % 3:
            name = "/bin/true"
            comm, exe = "true", "/usr/bin/true"
            argv = 'argc=3 a0="/bin/true" a1="flood-%d" a2="%d"' % (i, pid)
            if a.arg_bytes:
                argv = argv.replace("argc=3", "argc=4") + ' a3="%s"' % ("x" * a.arg_bytes)
            title = b"/bin/true\0flood-%d\0%d" % (i, pid)
        else:
            name = "/usr/bin/env"
            comm, exe = "env", "/usr/bin/env"
            argv = 'argc=3 a0="env" a1="KME_FLOOD=%d" a2="/bin/true"' % i
            title = b"env\0KME_FLOOD=%d\0/bin/true" % i
        chunk.append(
            "type=SYSCALL %sarch=c000003e syscall=59 success=yes exit=0 a0=55d0a1b2c3d0 "
            "a1=55d0a1b2c400 a2=55d0a1b2c480 a3=8 items=2 ppid=%d pid=%d %s comm=\"%s\" "
            "exe=\"%s\" key=\"kme\"\n"
            "type=BPRM_FCAPS %s%s\n"
            "type=EXECVE %s%s\n"
            "type=CWD %scwd=\"/root\"\n"
            "type=PATH %sitem=0 name=\"%s\" inode=%d %s\n"
            "type=PATH %sitem=1 name=\"/lib64/ld-linux-x86-64.so.2\" inode=332383 %s\n"
            "type=PROCTITLE %sproctitle=%s\n"
            % (m, prev_pid, pid, CRED, comm, exe, m, FCAPS, m, argv, m, m, name,
               247101 + (i % 4096), PATHTAIL, m, PATHTAIL, m, title.hex().upper()))
        prev_pid = pid
        if len(chunk) >= 2000:
            out.write("".join(chunk))
            chunk.clear()
    out.write("".join(chunk))
    out.flush()


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:
        sys.exit(1)
