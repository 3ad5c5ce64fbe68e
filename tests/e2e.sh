#!/bin/sh
# tests/e2e.sh - the plugin under a real auditd and a real rsyslogd.
# Real enumerations (lsmod, modinfo, kmod list, depmod -a) and enumerations
# under excluded parents (dkms and mkinitramfs scripts, a dpkg linux-modules
# postinst) must give exactly the expected syslog alerts; the new-terms state
# must survive an auditd stop/start; a config change plus an auditd reload
# must bring a new exclusion into force; the plugin must still be alive.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/e2e-lib.sh"
[ -x "$KME_BIN" ] || { echo "Bail out! $KME_BIN not built"; exit 99; }

# --- the programs that will run -------------------------------------------
W=$TMP/work
mkdir -p "$W" "$TMP/bin" "$TMP/modroot/lib/modules/0.0.0"
script() { # script NAME BODY: a #!/bin/sh script in $TMP/bin
	printf '#!/bin/sh\n%s\n' "$2" >"$TMP/bin/$1"
	chmod 0755 "$TMP/bin/$1"
}
DEPMOD="depmod -a -b $TMP/modroot 0.0.0"
script dkms "lsmod >/dev/null 2>&1; :"
script mkinitramfs "$DEPMOD >/dev/null 2>&1; :"
script scan-tool "modinfo ext4 >/dev/null 2>&1; :"
script scan-tool2 "lsmod >/dev/null 2>&1; :"
DPKG=/var/lib/dpkg/info/linux-modules-0.0.0-kme-e2e-generic.postinst
# run DIR COMMAND: run a shell command with DIR (under $W) as its cwd.
run() { mkdir -p "$W/$1"; (cd "$W/$1" && sh -c "$2; :" >/dev/null 2>&1); }

start_rsyslogd
write_plugin_conf
start_auditd
load_rules
PID1=$(plugin_pid)
check "started before the rules were loaded, the plugin warned that nothing audits execve" \
	grep -q "no audit rule audits execve" "$SYSLOG"

# --- 1. exactly the expected alerts --------------------------------------
run lsmod "lsmod"
run modinfo "modinfo ext4"
run kmod "kmod list"
run depmod "$DEPMOD"
run dkms "$TMP/bin/dkms"
run mkinitramfs "$TMP/bin/mkinitramfs"
if [ -d /var/lib/dpkg/info ] && [ ! -e "$DPKG" ]; then
	plant "$DPKG"
	printf '#!/bin/sh\n%s >/dev/null 2>&1; :\n' "$DEPMOD" >"$DPKG"
	chmod 0755 "$DPKG"
	run dpkg "$DPKG configure"
	ndpkg=1
else
	ndpkg=0
fi
run lsmod-again "lsmod"
run lookalike "kmod static-nodes; depmod -A -b $TMP/modroot 0.0.0"
check "a marker enumeration run after them all alerts (so all were decided)" sync_alert 1
alerts | sort >"$TMP/got"
cat >"$TMP/want" <<EOW
depmod /usr/sbin/depmod /usr/bin/sh audit
kmod /usr/bin/kmod /usr/bin/sh audit
lsmod /usr/sbin/lsmod /usr/bin/sh audit
modinfo /usr/sbin/modinfo /usr/bin/sh audit
EOW
check "syslog holds exactly the 4 expected alerts (excluded parents, repeats and look-alikes give none)" \
	diff -u "$TMP/want" "$TMP/got"
check "alerts go to authpriv.warning with ident audisp-kmod-enum" \
	grep -q "authpriv.warning audisp-kmod-enum\[[0-9]*\]: {" "$SYSLOG"
check "an alert carries rule, threat and new-terms fields" sh -c \
	"grep -F '\"process\":{\"pid\":' '$SYSLOG' | grep -F '\"rule\":{\"id\":\"2d8043ed-5bda-4caf-801c-c1feb7410504\"' | grep -F '\"technique\":{\"id\":[\"T1082\"]' | grep -qF '\"new_terms\":{\"fields\":[\"process.executable\",\"process.parent.executable\"]'"
check "the plugin counted the excluded ones (dkms, mkinitramfs$( [ $ndpkg = 1 ] && echo ", dpkg postinst"))" \
	counter_is excluded -eq $((2 + ndpkg))
check "and the repeat as suppressed" counter_is suppressed -eq 1

# --- 2. least privilege ------------------------------------------------------
capeff=$(awk '/^CapEff/ { print $2 }' "/proc/$PID1/status")
check "the running plugin keeps only CAP_SYS_PTRACE (CapEff $capeff)" \
	test "$capeff" = 0000000000080000

# --- 3. the state survives an auditd stop/start ------------------------------
stop_auditd
check "the plugin exits with auditd" wait_for 5 exited "$PID1"
check "and saved its state (mode 0600)" test "$(stat -c %a "$STATE" 2>/dev/null)" = 600
check "the state holds the 4 terms (and the marker's)" sh -c \
	"'$KME_BIN' --dump-state -c '$PCONF' 2>/dev/null | grep '^20' | grep -vc '$TMP/markers/' | grep -qx 4"
n=$(count_alerts)
start_auditd
run lsmod-after-restart "lsmod"
run kmod-after-restart "kmod list"
check "a marker run after them alerts" sync_alert 2
check "no repeat alert for known terms after the restart" test "$(count_alerts)" -eq "$n"
check "the restarted plugin suppressed both" counter_is suppressed -eq 2

# --- 4. a config change plus an auditd reload ---------------------------------
run scan-before "$TMP/bin/scan-tool"
check "before the change, a new parent alerts" \
	wait_for 30 sh -c "[ \$(grep -c '$TMP/bin/scan-tool\"' '$SYSLOG') -ge 1 ]"
check "and it is the one new alert" test "$(count_alerts)" -eq $((n + 1))
write_plugin_conf "exclude_parent_name = scan-tool2"
nrel=$(grep -c "reloaded configuration\|: started" "$SYSLOG")
kill -HUP "$AUDITD_PID"
check "auditd's reload reaches the plugin (reloaded or restarted)" \
	wait_for 15 sh -c "[ \$(grep -c 'reloaded configuration\|: started' '$SYSLOG') -gt $nrel ]"
run scan-after "$TMP/bin/scan-tool2"
check "a marker run after it alerts" sync_alert 3
check "the new exclusion is in force: no alert for scan-tool2" test "$(count_alerts)" -eq $((n + 1))
check "it was counted as excluded (the one exclusion since the restart)" counter_is excluded -eq 1

# --- 5. a bad config on reload keeps the running one ------------------------------
printf 'bogus_key = 1\n' >>"$PCONF"
nerr=$(grep -c "keeping the running configuration" "$SYSLOG")
kill -HUP "$AUDITD_PID"
if wait_for 10 sh -c "[ \$(grep -c 'keeping the running configuration' '$SYSLOG') -gt $nerr ]"; then
	check "a bad config on reload names the problem" grep -q "unknown key 'bogus_key'" "$SYSLOG"
else
	# audit >= 4.2 restarts plugins on reconfigure: a bad config then
	# fails at start, which auditd reports; nothing else to check here.
	echo "# reload by restart: bad-config reload not applicable"
fi

# --- 6. still alive ---------------------------------------------------------
check "the plugin is still running" test -n "$(plugin_pid)"
finish
