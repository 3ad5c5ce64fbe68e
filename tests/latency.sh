#!/bin/sh
# tests/latency.sh [N] - measure, under a real auditd and rsyslogd, the time
# from an enumeration's exec (the audit event's timestamp, taken by the kernel
# at the execve) to rsyslogd's reception of the alert (its timegenerated, in
# microseconds). N enumerations (default 200), each a new term so each alerts,
# 20 ms apart. Prints p50/p90/p99/max. A measurement, not a test: it asserts
# only that every alert arrived. Needs root; cleans up like the e2e tests.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/e2e-lib.sh"
N=${1:-200}
W=$TMP/work

start_rsyslogd
write_plugin_conf "max_alerts = 0"
start_auditd
load_rules
i=0
while [ $i -lt "$N" ]; do
	mkdir -p "$W/$i" && ln -sf /usr/bin/kmod "$W/$i/lsmod"
	i=$((i + 1))
done
cd "$W" || exit 1
i=0
while [ $i -lt "$N" ]; do
	"$W/$i/lsmod" >/dev/null 2>&1
	sleep 0.02
	i=$((i + 1))
done
check "all $N alerts arrived" \
	wait_for 30 sh -c "[ \$(grep -c 'audisp-kmod-enum\[.*\"working_directory\":\"$W\"' '$SYSLOG') -eq $N ]"
$PYTHON - "$SYSLOG" "$W" "$(auditctl -v 2>&1 | head -n 1)" <<'EOP'
import datetime, json, sys
lat = []
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    j = line.find("]: {")
    if "audisp-kmod-enum[" not in line or j < 0:
        continue
    d = json.loads(line[j + 3:])
    if d["process"].get("working_directory") != sys.argv[2]:
        continue
    got = datetime.datetime.fromisoformat(line.split(" ", 1)[0])
    ev = datetime.datetime.fromisoformat(d["@timestamp"].replace("Z", "+00:00"))
    lat.append((got - ev).total_seconds() * 1000)
lat.sort()
def pct(p):
    return lat[min(len(lat) - 1, int(round(p / 100 * (len(lat) - 1))))]
print(f"# latency exec -> syslog over {len(lat)} alerts ({sys.argv[3]}): "
      f"p50 {pct(50):.1f} ms, p90 {pct(90):.1f} ms, p99 {pct(99):.1f} ms, max {lat[-1]:.1f} ms")
EOP
finish
