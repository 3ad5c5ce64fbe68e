#!/bin/sh
# tests/e2e-rsyslog.sh - alerts through a STOCK rsyslog (no raised
# maxMessageSize: its default is 8 KiB) under a real auditd. Enumerations
# with huge arguments (9,000- and 10,000-byte arguments as in
# tests/data/kmod-raw.log, and 100,000 arguments) must arrive as lines that
# all parse as JSON, with the real args_count and every argument listed
# (clipped) where that fits, because the shipped max_alert_size (7168) fits
# rsyslog's default. The control: with max_alert_size raised above what
# rsyslog takes, the same kind of event arrives cut, as invalid JSON -- the
# limit is real and the check would see it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/e2e-lib.sh"
[ -x "$KME_BIN" ] || { echo "Bail out! $KME_BIN not built"; exit 99; }

W=$TMP/work
mkdir -p "$W" "$TMP/bin"
# Each case runs from its own script, so that its (executable, parent
# executable) term is new and alerts.
script() { # script NAME BODY
	printf '#!/bin/sh\n%s\n' "$2" >"$TMP/bin/$1"
	chmod 0755 "$TMP/bin/$1"
}
A9=$(head -c 9000 /dev/zero | tr '\0' a)
B10=$(head -c 10000 /dev/zero | tr '\0' b)
script big-kmod "kmod list $A9 $B10 >/dev/null 2>&1; :"
script big-depmod "depmod -a -b $TMP/nowhere $A9 $B10 $A9 >/dev/null 2>&1; :"
script many-args "$PYTHON -c 'import os; os.execv(\"/usr/sbin/modinfo\", [\"modinfo\"] + [\"x\"] * 100000)' >/dev/null 2>&1; :"
script big-kmod2 "kmod list $A9 $B10 $A9 $B10 >/dev/null 2>&1; :"
run() { mkdir -p "$W/$1"; (cd "$W/$1" && "$TMP/bin/$1" >/dev/null 2>&1); }

# Every alert line from the plugin in the syslog file: "N OK BAD MAXLEN".
# A line whose message does not parse is BAD. One python for the file.
json_lines() {
	$PYTHON - "$SYSLOG" <<'EOP'
import json, sys
n = good = bad = longest = 0
for line in open(sys.argv[1], "rb"):
    i = line.find(b"audisp-kmod-enum[")
    j = line.find(b"]: {", i)
    if i < 0 or j < 0:
        continue
    n += 1
    msg = line[j + 3:].rstrip(b"\n")
    longest = max(longest, len(msg))
    try:
        json.loads(msg.decode("utf-8"))
        good += 1
    except ValueError:
        bad += 1
print(n, good, bad, longest)
EOP
}

# alert_of CASE EXPR: the alert whose working directory is $W/CASE satisfies
# the python EXPR on d (the document) and p (d["process"]).
alert_of() {
	$PYTHON - "$SYSLOG" "$W/$1" "$2" <<'EOP'
import json, sys
for line in open(sys.argv[1], "rb"):
    j = line.find(b"]: {")
    if b"audisp-kmod-enum[" not in line or j < 0:
        continue
    try:
        d = json.loads(line[j + 3:].decode("utf-8"))
    except ValueError:
        continue
    p = d["process"]
    if p.get("working_directory") == sys.argv[2] and eval(sys.argv[3]):
        sys.exit(0)
sys.exit(1)
EOP
}

start_rsyslogd          # stock: no maxMessageSize
write_plugin_conf
start_auditd
load_rules
check "rsyslog runs with its default maximum message size" \
	sh -c "! grep -qi maxMessageSize '$TMP/rsyslog.conf'"

run big-kmod
run big-depmod
run many-args
check "a marker enumeration after them alerts (so all were decided)" sync_alert 1

# The exec of 100,000 arguments is 154 records: none may be lost by the
# kernel (its backlog). Whether the plugin completed an event early is told
# by e2e_diagnose if an alert is missing: its counter also counts other
# processes' events on a busy machine, so it is no assertion here.
check "the kernel lost no audit record" no_kernel_loss
set -- $(json_lines)
echo "# alert lines: $1, valid JSON: $2, invalid: $3, longest message: $4 bytes"
[ "$1" -ge 4 ] || e2e_diagnose
check "the alerts arrived ($1 lines, 4 expected with the marker)" test "$1" -ge 4
check "every alert line that arrived parses as JSON ($2 of $1)" test "$3" -eq 0 -a "$2" -eq "$1"
check "the longest fits max_alert_size (7168): $4 bytes" test "$4" -le 7168
check "kmod list with 9,000- and 10,000-byte args: args_count 4, all 4 listed, the 2 long ones clipped and named" \
	alert_of big-kmod 'p["name"] == "kmod" and p["args_count"] == 4 and len(p["args"]) == 4 and p["args"][2] == "a" * len(p["args"][2]) and 16 <= len(p["args"][2]) <= 1024 and d["audisp_kmod_enum"]["args_clipped"] == [2, 3]'
check "depmod -a with three long args: the real args_count 7, every arg listed" \
	alert_of big-depmod 'p["name"] == "depmod" and p["args_count"] == 7 and len(p["args"]) == 7 and d["audisp_kmod_enum"]["args_clipped_count"] == 3'
check "modinfo with 100,000 args: args_count 100001, the first listed, args_omitted the rest" \
	alert_of many-args 'p["name"] == "modinfo" and p["args_count"] == 100001 and 0 < len(p["args"]) < 100001 and len(p["args"]) + d["audisp_kmod_enum"]["args_omitted"] == 100001'

# host.id: this machine's id, on the events of this host (no node= here).
if [ -r /etc/machine-id ]; then
	MID=$(cat /etc/machine-id)
	check "live alerts carry host.id = /etc/machine-id ($MID)" \
		alert_of big-kmod "d['host'].get('id') == '$MID' and d['host']['os']['type'] == 'linux'"
else
	skip_case "host.id: this machine has no /etc/machine-id"
fi

# --- the control: an alert larger than rsyslog takes arrives cut ----------
write_plugin_conf "max_alert_size = 60K"
stop_auditd
start_auditd
run big-kmod2
check "a marker after the oversized alert alerts" sync_alert 2
set -- $(json_lines)
echo "# alert lines: $1, valid JSON: $2, invalid: $3, longest message: $4 bytes"
check "with max_alert_size = 60K a stock rsyslog cuts the 10 KB alert: one invalid JSON line ($3)" \
	test "$3" -eq 1
# What rsyslog received was "<84>Mmm dd hh:mm:ss audisp-kmod-enum[PID]: "
# (4 + 16 + the tag) and the message: cut to exactly its 8096 bytes.
received() {
	$PYTHON - "$SYSLOG" <<'EOP'
import json, re, sys
for line in open(sys.argv[1], "rb"):
    m = re.search(rb" (audisp-kmod-enum\[[0-9]+\]: )(\{.*)$", line.rstrip(b"\n"))
    if not m:
        continue
    try:
        json.loads(m.group(2).decode("utf-8"))
    except ValueError:
        print(4 + 16 + len(m.group(1)) + len(m.group(2)))
EOP
}
got=$(received)
check "... cut where rsyslog's default limit is: header + message = 8096 bytes ($got)" \
	test "$got" = 8096
finish
