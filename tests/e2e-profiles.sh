#!/bin/sh
# tests/e2e-profiles.sh - the hardened profile in plugin mode, under a real
# auditd and a real rsyslogd: the configuration is one include line (as
# README's "Profiles" says to switch), and real executions of kmod run as
# lsmod, of a hard link of kmod under another name (plugin mode knows it by
# device and inode), and of busybox lsmod alert with what they were run as and
# what they did; every alert names the entry leader the plugin found through
# the process table and /proc.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/e2e-lib.sh"
[ -x "$KME_BIN" ] || { echo "Bail out! $KME_BIN not built"; exit 99; }
HARDENED=$KME_BUILDDIR/conf/profiles/hardened.conf
[ -r "$HARDENED" ] || { echo "Bail out! $HARDENED not built"; exit 99; }
command -v busybox >/dev/null || cant_run "busybox is not installed (tests/deps.sh)"

W=$TMP/work
mkdir -p "$W"
# run DIR COMMAND: a bash command with DIR (under $W) as its cwd.
run() { mkdir -p "$W/$1"; (cd "$W/$1" && bash -c "$2; :" >/dev/null 2>&1); }
# A hard link needs $TMP on kmod's file system.
hardlink=0
ln /usr/bin/kmod "$TMP/hl" 2>/dev/null && hardlink=1

start_rsyslogd
# The site file: the profile, then our own state files (a later file's
# scalar wins over the profile's): the first rule's, and the profile's file
# rule's in its own block (its state_file is the profile's otherwise: the
# system's state directory).
mkdir -p "$TMP/state" && chmod 0700 "$TMP/state"
printf '%s\n' "include = $HARDENED" "state_file = $STATE" "state_save_interval = 2s" \
	"rule = kmod-proc" "state_file = $TMP/state/proc.json" >"$PCONF"
chmod 0640 "$PCONF"
start_auditd
load_rules

run exec-a-lsmod "exec -a lsmod /usr/bin/kmod"
[ "$hardlink" = 1 ] && run hardlink "exec -a lsmod $TMP/hl"
run busybox "busybox lsmod"
run static-nodes "kmod static-nodes"
check "a marker enumeration run after them all alerts (so all were decided)" sync_alert 1

# field DIR EXPR: EXPR (python, on the alert document d) of the alert whose
# working directory is $W/DIR; "no alert" when there is none.
field() { alerts_py "$SYSLOG" --field "$W/$1" "$2"; }
MC='d["audisp_kmod_enum"]["multicall"]'

check "the plugin runs the hardened profile through one include line" \
	same "$(field exec-a-lsmod 'd["rule"]["version"]')" "211-hardened"
check "exec -a lsmod /usr/bin/kmod alerts: run as lsmod, does lsmod" \
	same "$(field exec-a-lsmod "$MC"'["binary"] + " " + '"$MC"'["run_as"] + " " + '"$MC"'["behaviour"]')" \
	"/usr/bin/kmod lsmod lsmod"
if [ "$hardlink" = 1 ]; then
	check "a hard link of kmod under another name, run as lsmod: known by device and inode" \
		same "$(field hardlink "d[\"process\"][\"name\"] + \" \" + $MC[\"run_as\"] + \" \" + $MC[\"found_by\"]")" \
		"hl lsmod device_and_inode"
else
	skip_case "hard link of /usr/bin/kmod: $TMP is on another file system"
fi
check "busybox lsmod alerts: run as busybox, does lsmod" \
	same "$(field busybox "$MC"'["run_as"] + " " + '"$MC"'["behaviour"]')" "busybox lsmod"
check "kmod static-nodes does not alert" same "$(field static-nodes 'd')" "no alert"
how=$(field exec-a-lsmod 'd["audisp_kmod_enum"]["entry_leader"]["how"]')
check "the alert says how its entry leader was found ($how)" \
	sh -c "case '$how' in child_of_init|child_of_starter|'broken chain'|'too deep') exit 0 ;; *) exit 1 ;; esac"
if [ "$how" = child_of_init ] || [ "$how" = child_of_starter ]; then
	check "a known entry leader is in process.entry_leader ($(field exec-a-lsmod 'd["process"]["entry_leader"]["name"]'), from $(field exec-a-lsmod 'd["audisp_kmod_enum"]["entry_leader"]["source"]'))" \
		sh -c "[ '$(field exec-a-lsmod 'd["process"]["entry_leader"]["pid"] > 0')' = True ]"
fi
check "the plugin is still running" test -n "$(plugin_pid)"
finish
