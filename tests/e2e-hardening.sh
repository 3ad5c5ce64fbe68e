#!/bin/sh
# tests/e2e-hardening.sh - issue 19 in plugin mode, under a real auditd and a
# real rsyslogd: the hardened profile through one include line, with
#   - exclusions that prove themselves, as only the live plugin can check
#     them: a script named dkms in a root-owned system directory is
#     excluded; the same in a directory under /usr/lib that anyone may write,
#     and a symbolic link named dracut that a user owns in a root-owned
#     system directory, alert (the owners and modes on the way), as do a
#     copy and a link in a user's directory;
#   - the module list read without the programs, end to end (open -> audit
#     path rule -> auditd -> plugin -> syslog): this kernel has no module
#     support (no /proc/modules, and auditctl refuses a path rule for it),
#     so the file rule watches /proc/version, another procfs file, under
#     the key the test's path rule gives it (the path is configuration);
#     /sys/module is watched for real. cat alerts once (new terms), python3
#     alerts (no python* exclusion in hardened), a root's chef-client in a
#     system directory is excluded, a user's is not;
#   - a watched file whose audit rule is not loaded: said once in syslog.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/e2e-lib.sh"
[ -x "$KME_BIN" ] || { echo "Bail out! $KME_BIN not built"; exit 99; }
HARDENED=$KME_BUILDDIR/conf/profiles/hardened.conf
[ -r "$HARDENED" ] || { echo "Bail out! $HARDENED not built"; exit 99; }
[ "$(id -u)" -eq 0 ] || cant_run "needs root (auditd, audit rules, files under /usr/lib)"
SYS=/usr/lib/kme-e2e-hardening        # root's, 0755: trusted
SYSW=/usr/lib/kme-e2e-hardening-w     # 0777: in a trusted_dir, but anyone may write there
for d in "$SYS" "$SYSW"; do
	[ ! -e "$d" ] || cant_run "$d exists: not ours to use (or remove)"
done
trap 'rm -rf "$SYS" "$SYSW"; e2e_cleanup' EXIT
W=$TMP/work
U=$W/u                                 # a user's directory (1777)
mkdir -p "$U" "$SYS" "$SYSW" && chmod 1777 "$U" && chmod 0777 "$SYSW"
chmod 0755 "$TMP" "$W"
make_script() { printf '#!/bin/sh\n%s\nexit 0\n' "$2" >"$1" && chmod 755 "$1"; }
make_script "$SYS/dkms" 'lsmod >/dev/null 2>&1'
make_script "$SYSW/dkms" 'lsmod >/dev/null 2>&1'
cp /bin/cat "$SYS/chef-client"
ln -s /bin/sh "$SYS/dracut" && chown -h nobody "$SYS/dracut"
cp /bin/sh "$U/dkms"
ln -s /bin/sh "$U/dracut"
cp /bin/cat "$U/chef-client"

E2E_RULES="$E2E_RULES
-a always,exit -F arch=b64 -S open,openat,openat2 -F path=/proc/version -F perm=r -k kme-standin
-a always,exit -F arch=b32 -S open,openat,openat2 -F path=/proc/version -F perm=r -k kme-standin
-a always,exit -F arch=b64 -S open,openat,openat2 -F path=/sys/module -F perm=r -k kmod-enum-sysmod
-a always,exit -F arch=b32 -S open,openat,openat2 -F path=/sys/module -F perm=r -k kmod-enum-sysmod"

start_rsyslogd
mkdir -p "$TMP/state" && chmod 0700 "$TMP/state"
# The site file: the profile, our state files, the stand-in, and a watch
# whose audit rule is never loaded.
printf '%s\n' "include = $HARDENED" "state_file = $STATE" "state_save_interval = 2s" \
	"rule = kmod-proc" "state_file = $TMP/state/proc.json" \
	"file_watch = /proc/version kme-standin" "file_watch = /proc/cmdline kme-missing" >"$PCONF"
chmod 0640 "$PCONF"
start_auditd
load_rules
# The plugin checks the audit rules at its start: start it again now that
# they are loaded.
stop_auditd
run_auditd
wait_for 10 sh -c "auditctl -s | grep -qx 'pid $AUDITD_PID'" || cant_run "auditd did not register again"
# The restart left the rules loaded with no auditd for a moment: what the
# kernel dropped then is no event of this test's (none runs until now).
KLOST0=$(kernel_lost)

# run DIR COMMAND: COMMAND in sh with $W/DIR as its cwd.
run() { mkdir -p "$W/$1"; (cd "$W/$1" && sh -c "$2" >/dev/null 2>&1); }
run user-copy "$U/dkms -c 'lsmod; :'"
run user-link "$U/dracut -c 'lsmod; :'"
run system "$SYS/dkms"
run system-writable "$SYSW/dkms"
run system-link "$SYS/dracut -c 'lsmod; :'"
run cat1 "cat /proc/version"
run cat2 "cat /proc/version"
run python "python3 -c \"open('/proc/version').read()\""
run chef-system "$SYS/chef-client /proc/version"
run chef-user "$U/chef-client /proc/version"
run sysmod "ls /sys/module"
check "a marker enumeration run after them all alerts (so all were decided)" sync_alert 1

# field DIR EXPR: EXPR (python, on the alert d) of the first alert whose
# working directory is $W/DIR; "no alert" when there is none.
field() { alerts_py "$SYSLOG" --field "$W/$1" "$2"; }
WHY='d["audisp_kmod_enum"]["exclusion_refused"]["why"]'

check "a copy of sh named dkms in a user's directory: its lsmod alerts" \
	same "$(field user-copy "$WHY")" "$U/dkms is not in a trusted_dir"
check "a link named dracut in a user's directory: the same" \
	same "$(field user-link "$WHY")" "$U/dracut is not in a trusted_dir"
check "a root's script dkms in a root-owned system directory: excluded" \
	same "$(field system 'd')" "no alert"
check "dkms in a system directory anyone may write: refused live (a replay would exclude it)" \
	same "$(field system-writable "$WHY")" "$SYSW is writable by group or others (mode 0777)"
check "a link named dracut that a user owns, in a root-owned system directory: refused live" \
	same "$(field system-link "$WHY")" "$SYS/dracut is owned by uid 65534, not root"
check "cat /proc/version (the stand-in for /proc/modules) alerts as a file open" \
	same "$(field cat1 '" ".join([d["event"]["action"], d["file"]["path"], d["process"]["executable"], d["audisp_kmod_enum"]["process_source"]])')" \
	"opened-file /proc/version /usr/bin/cat audit"
check "cat again: its term is known, no second alert" same "$(field cat2 'd')" "no alert"
check "python3's open() alerts: no python* exclusion in hardened" \
	same "$(field python 'd["process"]["name"]')" "python3"
check "a root's chef-client in a system directory is excluded" same "$(field chef-system 'd')" "no alert"
check "a user's chef-client is not" \
	same "$(field chef-user "$WHY")" "$U/chef-client is not in a trusted_dir"
check "ls /sys/module alerts (the real directory)" \
	same "$(field sysmod 'd["file"]["path"] + " " + d["rule"]["version"]')" "/sys/module 111-hardened"
# mine: the running plugin's syslog lines (its start checked the rules,
# loaded by then).
mine() { grep "audisp-kmod-enum\[$(plugin_pid)\]: " "$SYSLOG"; }
check "the watched file without an audit rule is said once in syslog" \
	same "$(mine | grep -c 'rule kmod-proc: no audit rule records opens of /proc/cmdline with key kme-missing')" 1
check "... so is the profile's /proc/modules (this kernel has none: auditctl refuses its rule)" \
	same "$(mine | grep -c 'rule kmod-proc: no audit rule records opens of /proc/modules with key kmod-enum-proc')" 1
check "... and the loaded ones are not" \
	same "$(mine | grep -c 'no audit rule records opens of /proc/version\|no audit rule records opens of /sys/module')" 0
check "the owners were walked and refusals counted (trust_walks, trust_refused)" \
	sh -c "[ $(counter trust_walks) -ge 2 ] && [ $(counter trust_refused) -ge 5 ]"
check "the plugin is still running" test -n "$(plugin_pid)"
check "the kernel lost no record" no_kernel_loss
finish
