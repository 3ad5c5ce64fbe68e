#!/usr/bin/env python3
"""tests/entity.py - process.entity_id derived again, independently of the
plugin, from what an alert says and the audit log it came from (the
derivation is README's "Entity ids", entity.h's):

  entity_id = SHA-256("audisp-kmod-enum/entity/1" NUL host.name NUL PID NUL
                      TOKEN), first 32 hex digits
  TOKEN     = "audit:" SEC.MSEC:SERIAL  the first event of the process's life
                                        (its fork record, else its exec)
            | "procfs:" BOOT_ID ":" TICKS

As a module: derive(host, pid, token); AuditLog(path).check(alert) -> the
problems of one alert: for the process, its parent and its entry leader,
every entity id must be the derivation of its host, pid and start token
(audisp_kmod_enum.entity), an audit token must name an event of the log
that starts that very pid (an exec by it, or a fork that returned it), and
process.start must be that event's time.
"""
import hashlib
import re
from datetime import datetime, timezone

STAMP = re.compile(rb"msg=audit\((-?\d+)\.(\d{3}):(\d+)\)")


def derive(host, pid, token):
    data = b"audisp-kmod-enum/entity/1\0" + host.encode("utf-8", "surrogateescape") + \
        b"\0" + str(pid).encode() + b"\0" + token.encode()
    return hashlib.sha256(data).hexdigest()[:32]


def rfc3339_ms(sec, msec):
    t = datetime.fromtimestamp(int(sec), tz=timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % int(msec)


class AuditLog:
    """The SYSCALL records of a log, by event id: which pid each exec
    started (its pid) and each fork (its exit value)."""

    EXEC = {59, 322}                 # x86_64 execve, execveat
    FORK = {56, 57, 58, 435}         # clone, fork, vfork, clone3

    def __init__(self, path):
        self.starts = {}
        with open(path, "rb") as f:
            for line in f:
                line = line.split(b"\x1d", 1)[0]
                if b"type=SYSCALL" not in line:
                    continue
                m = STAMP.search(line)
                fields = dict(kv.split(b"=", 1) for kv in line.split() if b"=" in kv)
                try:
                    sc, pid = int(fields[b"syscall"]), int(fields[b"pid"])
                    ex = int(fields.get(b"exit", b"0"))
                except (KeyError, ValueError):
                    continue
                token = "audit:%s.%s:%s" % (m.group(1).decode(), m.group(2).decode(),
                                            m.group(3).decode())
                if sc in self.EXEC and fields.get(b"success") == b"yes":
                    self.starts[token] = (pid, rfc3339_ms(m.group(1), m.group(2)))
                elif sc in self.FORK and fields.get(b"success") == b"yes" and ex > 0:
                    self.starts[token] = (ex, rfc3339_ms(m.group(1), m.group(2)))

    def check(self, d, host=None):
        host = host or d["host"]["name"]
        p = d["process"]
        tokens = d.get("audisp_kmod_enum", {}).get("entity", {})
        probs = []
        for key, obj in (("process", p), ("parent", p.get("parent")),
                         ("entry_leader", p.get("entry_leader"))):
            if obj is None or "entity_id" not in obj:
                continue
            tok = tokens.get(key)
            if tok is None:
                probs.append(f"{key}: an entity id without its start token")
                continue
            pid = obj["pid"]
            if tok.startswith("audit:"):
                got = self.starts.get(tok)
                if got is None:
                    probs.append(f"{key}: {tok} is no exec or fork of the log")
                    continue
                if got[0] != pid:
                    probs.append(f"{key}: {tok} started pid {got[0]}, not {pid}")
                if obj.get("start") != got[1]:
                    probs.append(f"{key}: start {obj.get('start')}, the event is at {got[1]}")
            want = derive(host, pid, tok)
            if obj["entity_id"] != want:
                probs.append(f"{key}: entity_id {obj['entity_id']}, derived {want}")
        return probs
