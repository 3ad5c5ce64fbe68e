#!/usr/bin/env python3
"""gen.py OUTDIR - write the hostile audit logs of tests/hostile.sh.

Every record copies the shape of the real records in tests/data/kmod-raw.log
(the lsmod exec, serial 2071, and its parent bash, serial 2070) and changes
only values. Strings are encoded as the kernel does (audit_log_untrustedstring
and audit_log_execve_info): a value holding a byte below 0x21, above 0x7e or a
'"' is written as upper-case hex, others quoted; an argument too long for one
record is split as aN_len=<hex length> aN[0]=<hex> aN[1]=<hex> ... over
several EXECVE records of at most ~7500 bytes. Output is deterministic (fixed
random seeds), so a failing case reproduces.

Each case is OUTDIR/NAME.log; tests/hostile.sh knows what each must give.
"""
import os
import random
import sys

MAX_EXECVE_AUDIT_LEN = 7500
T0 = 1795729587  # the time of the real capture


def enc(b):
    """A string value as the kernel logs it."""
    if any(c < 0x21 or c > 0x7E or c == 0x22 for c in b):
        return b.hex().upper().encode()
    return b'"' + b + b'"'


def hdr(rtype, t, ms, serial, node=None):
    pre = b"node=" + node + b" " if node else b""
    return pre + b"type=%s msg=audit(%d.%03d:%d): " % (rtype, t, ms, serial)


def execve_records(h, argv):
    """EXECVE records for argv as audit_log_execve_info splits them."""
    recs, cur = [], b"argc=%d" % len(argv)
    for i, a in enumerate(argv):
        e = enc(a)
        if len(e) <= MAX_EXECVE_AUDIT_LEN:
            item = b" a%d=%s" % (i, e)
            if len(cur) + len(item) > MAX_EXECVE_AUDIT_LEN:
                recs.append(cur)
                cur = b""
            cur += item
            continue
        hx = a.hex().upper().encode()
        cur += b" a%d_len=%d" % (i, len(hx))
        k = 0
        while hx:
            room = MAX_EXECVE_AUDIT_LEN - len(cur) - 16
            if room < 64:
                recs.append(cur)
                cur = b""
                continue
            cur += b" a%d[%d]=%s" % (i, k, hx[:room])
            hx = hx[room:]
            k += 1
    recs.append(cur)
    return [h(b"EXECVE") + r for r in recs]


def exec_event(serial, pid, ppid, path, argv, cwd=b"/root", comm=None,
               exe=b"/usr/bin/kmod", t=T0, ms=589, success=b"yes",
               syscall=59, node=None, execve=None, with_syscall=True,
               with_execve=True):
    """The records of one execve, as the real serial-2071 event."""
    comm = comm if comm is not None else os.path.basename(path)[:15]

    def h(rtype):
        return hdr(rtype, t, ms, serial, node)

    recs = []
    if with_syscall:
        recs.append(h(b"SYSCALL") + b"arch=c000003e syscall=%d success=%s "
                    b"exit=0 a0=563a7d1353c0 a1=563a7d1363e0 a2=563a7d135c80 "
                    b"a3=25bd8eb77a671013 items=2 ppid=%d pid=%d auid=0 uid=0 "
                    b"gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 "
                    b"tty=(none) ses=14 comm=%s exe=%s key=\"kme\""
                    % (syscall, success, ppid, pid, enc(comm), enc(exe)))
    recs.append(h(b"BPRM_FCAPS") + b"fver=0 fp=0 fi=0 fe=0 "
                b"old_pp=000001fffeffffff old_pi=0 old_pe=000001fffeffffff "
                b"old_pa=0 pp=000001fffeffffff pi=0 pe=000001fffeffffff pa=0 "
                b"frootid=0")
    if with_execve:
        if execve is not None:
            recs += [h(b"EXECVE") + r for r in execve]
        else:
            recs += execve_records(h, argv)
    recs.append(h(b"CWD") + b"cwd=" + enc(cwd))
    recs.append(h(b"PATH") + b"item=0 name=" + enc(path) + b" inode=10977287 "
                b"dev=fe:00 mode=0100755 ouid=0 ogid=0 rdev=00:00 "
                b"nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 "
                b"cap_frootid=0")
    recs.append(h(b"PATH") + b"item=1 name=\"/lib64/ld-linux-x86-64.so.2\" "
                b"inode=332383 dev=fe:00 mode=0100755 ouid=0 ogid=0 "
                b"rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 "
                b"cap_fver=0 cap_frootid=0")
    title = b"\0".join(argv)[:128] if argv else b""
    recs.append(h(b"PROCTITLE") + b"proctitle=" + enc(title or b"?"))
    return recs


def bash(serial=2070, pid=21849, ppid=21848, t=T0, ms=585):
    """The parent: an interactive bash, as serial 2070."""
    return exec_event(serial, pid, ppid, b"/usr/bin/bash", [b"bash"],
                      comm=b"bash", exe=b"/usr/bin/bash", t=t, ms=ms)


def lsmod(serial=2071, pid=21850, ppid=21849, argv=(b"lsmod",), **kw):
    kw.setdefault("path", b"/usr/sbin/lsmod")
    return exec_event(serial, pid, ppid, argv=list(argv), **kw)


def family():
    """bash then lsmod: exactly one alert."""
    return bash() + lsmod()


def write(outdir, name, lines=None, raw=None):
    with open(os.path.join(outdir, name + ".log"), "wb") as f:
        if raw is not None:
            f.write(raw)
        else:
            f.write(b"\n".join(lines) + b"\n")


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    rnd = random.Random(20261126)
    here = os.path.dirname(os.path.abspath(__file__))
    real = open(os.path.join(here, "..", "data", "kmod-raw.log"), "rb").read()
    real_lines = real.splitlines()

    # --- truncation -----------------------------------------------------
    # Every line of the real log cut at a random point, and the log cut in
    # the middle of a record.
    write(outdir, "truncated-records",
          [ln[:rnd.randrange(0, len(ln) + 1)] for ln in real_lines])
    write(outdir, "truncated-file", raw=real[:len(real) // 2 + 17])
    # The family with each of its records cut after the msg= header.
    write(outdir, "truncated-family",
          [ln[:ln.index(b"): ") + 3] for ln in bash()] + lsmod())

    # --- random bytes and NUL -------------------------------------------
    write(outdir, "random-bytes",
          raw=bytes(rnd.getrandbits(8) for _ in range(256 * 1024)))
    # Random printable "records": auparse sees fields, none of them sane.
    alphabet = b"type=SYSCALL EXECVE PATH msg=audit(:.) a0=\"\\x1d0123456789abcdef"
    write(outdir, "random-records",
          [b"type=EXECVE msg=audit(%d.%03d:%d): " % (T0, i % 1000, i)
           + bytes(rnd.choice(alphabet) for _ in range(rnd.randrange(0, 300)))
           for i in range(2000)])
    # NUL bytes in 10 records of the family's neighbours; the family stays.
    noisy = []
    for i, ln in enumerate(real_lines[:200]):
        if i % 20 == 3:
            k = rnd.randrange(0, len(ln))
            ln = ln[:k] + b"\0" + ln[k:]
        noisy.append(ln)
    write(outdir, "nul-bytes", noisy + family())

    # --- long lines -------------------------------------------------------
    write(outdir, "line-1mib", [b"a" * (1 << 20)] + family())
    # A 1 MiB EXECVE record inside the lsmod event: the record is dropped
    # (over the reader's bound), the exec itself must still alert.
    ev = lsmod()
    huge = [r for r in ev if b"type=EXECVE" in r][0] + b" a1=" + b"41" * (1 << 19)
    write(outdir, "execve-1mib",
          bash() + [huge if b"type=EXECVE" in r else r for r in ev])
    # 1 MiB without any newline at all, then EOF.
    write(outdir, "no-newline-1mib", raw=b"type=EXECVE " + b"x" * (1 << 20))

    # --- absurd counts and lengths ---------------------------------------
    for name, recs in [
        ("argc-huge", [b"argc=4294967295 a0=\"lsmod\""]),
        ("argc-overflow", [b"argc=999999999999999999999999 a0=\"lsmod\""]),
        ("argc-negative", [b"argc=-1 a0=\"lsmod\""]),
        ("argc-zero-with-args", [b"argc=0 a0=\"lsmod\" a1=\"x\""]),
        ("argc-garbage", [b"argc=lsmod a0=\"lsmod\""]),
        ("alen-huge", [b"argc=2 a0=\"lsmod\" a1_len=4294967295 a1[0]=41"]),
        ("alen-overflow", [b"argc=2 a0=\"lsmod\" a1_len=99999999999999999999999 a1[0]=41"]),
        ("alen-negative", [b"argc=2 a0=\"lsmod\" a1_len=-8 a1[0]=41"]),
        ("alen-odd", [b"argc=2 a0=\"lsmod\" a1_len=3 a1[0]=414"]),
        ("alen-short", [b"argc=2 a0=\"lsmod\" a1_len=2 a1[0]=41424344"]),
        ("piece-index-huge", [b"argc=2 a0=\"lsmod\" a1_len=4 a1[4294967295]=4142"]),
        ("arg-index-huge", [b"argc=2 a0=\"lsmod\" a4294967295=\"x\""]),
        ("piece-missing", [b"argc=3 a0=\"kmod\" a1_len=8 a1[0]=6C69 a1[2]=7374 a2=\"x\""]),
        ("piece-duplicate", [b"argc=2 a0=\"kmod\" a1_len=8 a1[0]=6C69 a1[0]=6C69",
                             b" a1[1]=7374"]),
        ("piece-out-of-order", [b"argc=2 a0=\"kmod\" a1_len=8 a1[1]=7374",
                                b" a1[0]=6C69"]),
        ("piece-without-len", [b"argc=2 a0=\"kmod\" a1[0]=6C697374"]),
        ("arg-duplicate", [b"argc=2 a0=\"kmod\" a1=\"list\" a1=\"list\""]),
        ("arg-missing", [b"argc=3 a0=\"kmod\" a2=\"list\""]),
        ("hex-odd", [b"argc=2 a0=\"lsmod\" a1=6C736D6"]),
        ("hex-bad-digits", [b"argc=2 a0=\"lsmod\" a1=ZZ6C736D"]),
        ("quote-unterminated", [b"argc=2 a0=\"lsmod\" a1=\"abc"]),
        ("execve-split-many", [b"argc=3 a0=\"lsmod\""] + [b" a1=\"x\""] * 50),
    ]:
        write(outdir, name, bash() + lsmod(execve=recs))
    # argc claims 200000 arguments, 200000 are given (one byte each) over
    # many records: a real kernel can log this (ARG_MAX), it must be bounded.
    many = [b"a%d" % i for i in range(200000)]
    write(outdir, "argc-200000", bash() + lsmod(argv=[b"lsmod"] + many))
    # 2 MiB of argv in one argument: the alert cannot hold it; it must
    # still be sent (without args, args_truncated true).
    write(outdir, "arg-2mib", bash() + lsmod(argv=[b"lsmod", b"y" * (2 << 20)]))

    # --- incomplete events ----------------------------------------------
    write(outdir, "execve-without-syscall",
          bash() + lsmod(with_syscall=False))
    write(outdir, "syscall-without-execve",
          bash() + lsmod(with_execve=False))
    # An EXECVE record on its own, with no other record of its serial.
    write(outdir, "execve-alone",
          [hdr(b"EXECVE", T0, 1, 9000) + b"argc=1 a0=\"lsmod\""])

    # --- ordering ---------------------------------------------------------
    # Records shuffled across the whole real log.
    sh = list(real_lines)
    rnd.shuffle(sh)
    write(outdir, "shuffled-records", sh)
    # Pairs of consecutive events interleaved record by record (each event
    # keeps its own order and completes in the original order).
    events, cur, last = [], [], None
    for ln in real_lines:
        s = ln[ln.index(b":", ln.index(b"audit(")):ln.index(b"):")]
        if s != last and cur:
            events.append(cur)
            cur = []
        cur.append(ln)
        last = s
    events.append(cur)
    def when(ev):
        h = ev[0]
        return float(h[h.index(b"audit(") + 6:h.index(b":", h.index(b"audit("))])

    # Only events less than a second apart are interleaved: records of an
    # event at least eoe_timeout (2s) newer complete the older event early
    # (see interleaved-late-record).
    inter = []
    for i in range(0, len(events) - 1, 2):
        a, b = events[i], events[i + 1]
        if abs(when(b) - when(a)) >= 1:
            inter += a + b
            continue
        # a's last record (its PROCTITLE) goes before b's, so a completes first
        body = []
        for k in range(max(len(a) - 1, len(b) - 1)):
            if k < len(a) - 1:
                body.append(a[k])
            if k < len(b) - 1:
                body.append(b[k])
        inter += body + [a[-1], b[-1]]
    if len(events) % 2:
        inter += events[-1]
    write(outdir, "interleaved-events", inter)
    # One record of an event 2 seconds newer (the EOE timeout) arrives
    # between the lsmod's SYSCALL and the rest of its records, as when the
    # lsmod's execve was slow (its time is taken at syscall entry) and
    # another CPU logs an exec meanwhile. The lsmod must still alert.
    ev = lsmod()
    other = exec_event(3000, 30000, 1, b"/usr/bin/true", [b"true"],
                       t=T0 + 2, exe=b"/usr/bin/true")
    write(outdir, "interleaved-late-record",
          bash() + ev[:1] + other[:1] + ev[1:] + other[1:])
    # Two different execs under one serial (and time): auparse merges them.
    write(outdir, "duplicate-serial-different",
          bash() + lsmod() + lsmod(path=b"/usr/sbin/modinfo",
                                   argv=(b"modinfo", b"x")))
    # The same event twice: one process start, one alert.
    write(outdir, "duplicate-serial-same", bash() + lsmod() + lsmod())
    # Time going backwards: lsmod at T0, a second term 30 days earlier, the
    # first term again one day earlier (seen later in the stream: suppressed).
    day = 86400
    write(outdir, "time-backwards",
          bash() + lsmod()
          + lsmod(serial=2072, pid=21851, path=b"/sbin/lsmod", t=T0 - 30 * day)
          + lsmod(serial=2073, pid=21852, t=T0 - day))
    # Serials going backwards and time going back to 0 and to the far future.
    write(outdir, "time-extremes",
          bash() + lsmod(serial=5, t=0, ms=0)
          + lsmod(serial=3, pid=21851, path=b"/sbin/lsmod", t=99999999999)
          + lsmod(serial=18446744073709551615, pid=21852,
                  path=b"/bin/lsmod", t=4294967295))

    # --- hostile strings --------------------------------------------------
    write(outdir, "non-utf8-args",
          bash() + lsmod(argv=(b"lsmod", b"\xff\xfe", b"\xc0\xaf",
                               b"\xed\xa0\x80", b"caf\xc3\xa9",
                               b"\xf4\x90\x80\x80", b"ok\x80")))
    inj = (b"\n{\"event\":{\"kind\":\"forged\"}}\n",
           b"x\x1d UID=\"root\" AUID=\"root\"",
           b"\x1b]0;owned\x07\x1b[2J\x1b[31mred",
           b"\r\x08\x7f\xc2\x85\xe2\x80\xa8end")
    write(outdir, "log-injection",
          bash() + lsmod(argv=(b"lsmod",) + inj,
                         cwd=b"/tmp/\n\x1b[1mcwd\x1d",
                         path=b"/tmp/\x1b[31m\n/lsmod"))
    # Control bytes in the parent's identity too (its comm and its path).
    write(outdir, "log-injection-parent",
          exec_event(2070, 21849, 21848, b"/tmp/\x1b]2;p\x07/b\na\x1dsh",
                     [b"bash\n", b"\x1b[K"], comm=b"b\na\x1dsh\x1b",
                     exe=b"/usr/bin/bash", ms=585) + lsmod())
    # An 4000-byte executable path of control bytes (a directory tree of
    # such names is legal): escaped 6 times over, the alert no longer fits
    # the line bound even without args; it must not be lost.
    deep = b"/tmp/" + b"/".join([b"\x01" * 250] * 15) + b"/lsmod"
    write(outdir, "escape-bloat-path",
          bash() + lsmod(path=deep, cwd=b"/tmp/" + b"\x02" * 3000))
    # The same through the parent: its executable is printed three times.
    pdeep = b"/tmp/" + b"/".join([b"\x03" * 250] * 15) + b"/bash"
    write(outdir, "escape-bloat-parent",
          exec_event(2070, 21849, 21848, pdeep, [b"bash"], comm=b"bash",
                     exe=b"/usr/bin/bash", ms=585)
          + lsmod(path=deep))

    # --- the needle -------------------------------------------------------
    hay = []
    for i in range(300):
        k = rnd.randrange(4)
        if k == 0:
            hay.append(bytes(rnd.getrandbits(8) for _ in range(rnd.randrange(1, 200)))
                       .replace(b"\n", b" ").replace(b"\0", b"x"))
        elif k == 1:
            hay.append(hdr(b"EXECVE", T0, 0, 100000 + i) + b"argc=99999 a0_len=77 a0[3]=ZZ")
        elif k == 2:
            ln = rnd.choice(real_lines)
            hay.append(ln[:rnd.randrange(1, len(ln))])
        else:
            hay.append(hdr(b"SYSCALL", T0, 0, 200000 + i) + b"syscall=59 success=yes pid=-5 ppid=99999999999")
    write(outdir, "needle-in-garbage", hay[:150] + family() + hay[150:])

    # --- memory must not grow with the number of broken lines -------------
    # libauparse 3.0.9 leaks an event per line without a type= field that
    # looks like a record (fuzz/regressions/fuzz_records/leak-auparse-*).
    write(outdir, "typeless-lines",
          raw=b"".join(b"x msg=audit(%dabcdefghijk\n" % i
                       + b"D msg=auit(1295_fvxa=\n" for i in range(50000)))
    # Never-completed events (no EOE, no terminal record, one time) must not
    # pile up: 200000 distinct serials at one timestamp.
    write(outdir, "pending-events",
          raw=b"".join(b"type=CWD msg=audit(1795729587.589:%d): cwd=\"/root\"\n"
                       % (i + 1) for i in range(200000)))


if __name__ == "__main__":
    main()
