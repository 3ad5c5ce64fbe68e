"""tests/plugrun.py - the plugin in plugin mode without auditd, for tests
that time what it does: its stdin is a pipe this process writes audit
records to (as auditd does), its syslog a datagram socket this process
reads, with the arrival time of every message.

The plugin runs in a mount namespace of its own (unshare -m, root only)
whose /dev is a tmpfs holding null and a log symlink to our socket, so
nothing of the machine's syslog is touched. Stopped and cleaned up by
stop() or at exit.

  run = PluginRun(binary, workdir, config_lines, env=None)
  run.feed(bytes)                 write records to its stdin
  run.wait_line(pattern, deadline_s) -> (monotonic time, line) of the first
                                  message matching pattern (re) not yet seen
  run.counters()                  SIGUSR1, then its summary as a dict
  run.stop()                      close stdin, wait for it to exit; its status
"""
import os
import re
import select
import signal
import socket
import subprocess
import time


class PluginRun:
    def __init__(self, binary, workdir, config_lines, env=None, shipped=None):
        self.dir = workdir
        self.sock_path = os.path.join(workdir, "log.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.sock_path)
        os.chmod(self.sock_path, 0o666)
        self.lines = []          # (monotonic time, text) of every message
        self.seen = 0
        conf = os.path.join(workdir, "kme.conf")
        text = open(shipped).read() if shipped else ""
        keys = {l.split("=", 1)[0].strip() for l in config_lines}
        kept = [l for l in text.splitlines()
                if l.split("=", 1)[0].strip() not in keys]
        with open(conf, "w") as f:
            f.write("\n".join(kept + list(config_lines)) + "\n")
        os.chmod(conf, 0o600)
        script = ("mount -t tmpfs -o mode=0755 kme-dev /dev && "
                  "mknod -m 666 /dev/null c 1 3 && "
                  f"ln -s '{self.sock_path}' /dev/log && "
                  f"exec '{binary}' -c '{conf}' -H plugrun")
        self.proc = subprocess.Popen(
            ["unshare", "-m", "--propagation", "private", "sh", "-c", script],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
            stderr=open(os.path.join(workdir, "plugin.err"), "wb"),
            env=env if env is not None else {})
        # unshare execs sh, which execs the plugin: one pid throughout.
        self.pid = self.proc.pid
        self.wait_line(r"\]: started", 20)

    def _pump(self, timeout):
        r, _, _ = select.select([self.sock], [], [], max(timeout, 0))
        while r:
            data = self.sock.recv(1 << 17)
            self.lines.append((time.monotonic(),
                               data.decode("utf-8", "replace")))
            r, _, _ = select.select([self.sock], [], [], 0)

    def wait_line(self, pattern, deadline_s):
        rx = re.compile(pattern)
        end = time.monotonic() + deadline_s
        while True:
            while self.seen < len(self.lines):
                t, text = self.lines[self.seen]
                self.seen += 1
                if rx.search(text):
                    return t, text
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no message matching {pattern!r} "
                                   f"within {deadline_s} s")
            self._pump(min(left, 0.05))

    def feed(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def signal(self, sig):
        t = time.monotonic()
        os.kill(self.pid, sig)
        return t

    def counters(self, deadline_s=10):
        self.signal(signal.SIGUSR1)
        _, text = self.wait_line(r"summary: ", deadline_s)
        return dict(kv.split("=", 1) for kv in
                    text.split("summary: ", 1)[1].split() if "=" in kv)

    def stop(self, deadline_s=30):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(deadline_s)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._pump(0)
        self.sock.close()
        return self.proc.returncode
