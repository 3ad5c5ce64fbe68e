#!/bin/sh
# tests/profiles.sh - the rule profiles (issue 12) on real captures:
# tests/data/profiles-raw.log (tests/capture.sh --set profiles, scenarios in
# tests/scenarios-profiles.sh) replayed under the shipped v211, v215 and
# hardened profiles gives the documented differences, and README's comparison
# table is exactly what tests/profiles-table.py makes of those replays and of
# those of tests/data/hardening-raw.log (--set hardening, issue 19; its
# hardened column watches /proc/version as the stand-in for /proc/modules,
# tests/hardening.sh says why).
#
#   1 each profile passes --check-config; a site file that includes one does
#   2 README's table equals the one generated from the replays
#   3 the differences, verdict by verdict and field by field
#   4 v215's entry-leader exclusion on a real entry leader (a site file)
#   5 the state file keeps the profiles' histories apart
. "$(dirname "$0")/lib.sh"

[ -x "$KME_BIN" ] || { echo "Bail out! $KME_BIN not built"; exit 99; }
PROFILES=$KME_BUILDDIR/conf/profiles
LOG=$DATA/profiles-raw.log
for p in v211 v215 hardened; do
	[ -r "$PROFILES/$p.conf" ] || { echo "Bail out! $PROFILES/$p.conf not built"; exit 99; }
done

# 1 --check-config ---------------------------------------------------------
# exclusions FILE: the exclusion values of FILE before its first rule block.
exclusions() { awk '/^rule = / { exit } /^exclude_/ { n += NF - 2 } END { print n }' "$1"; }
for p in v211 v215 hardened; do
	out=$("$KME_BIN" --check-config -c "$PROFILES/$p.conf" 2>&1)
	case $p in
	hardened) v=211-hardened
		more="; rule kmod-proc: 2 watched files, 4 exclusions, rule 80084fa9-8677-4453-8680-b891d3c0c778 v111-hardened" ;;
	*) v=${p#v}; more= ;;
	esac
	check "--check-config accepts the $p profile (rule v$v)" \
		same "$out" "$PROFILES/$p.conf: OK (4 match rules, $(exclusions "$PROFILES/$p.conf") exclusions, rule 2d8043ed-5bda-4caf-801c-c1feb7410504 v$v$more)"
done
printf 'include = %s/v215.conf\nexclude_user = 997\nstate_file = %s/site.json\n' \
	"$PROFILES" "$TMP" >"$TMP/site.conf"
out=$("$KME_BIN" --check-config -c "$TMP/site.conf" 2>&1)
check "a site file that includes v215 and adds an exclusion is v215 plus one" \
	test "$out" = "$TMP/site.conf: OK (4 match rules, 42 exclusions, rule 2d8043ed-5bda-4caf-801c-c1feb7410504 v215)"
printf 'include = %s/v215.conf\ninclude = %s/nonexistent.conf\n' "$PROFILES" "$PROFILES" >"$TMP/bad.conf"
out=$("$KME_BIN" --check-config -c "$TMP/bad.conf" 2>&1)
check "a site file including a missing profile is refused, naming it" \
	test "$out" = "audisp-kmod-enum: $TMP/bad.conf:2: include: $PROFILES/nonexistent.conf: open: No such file or directory"

# 2 the README table -------------------------------------------------------
for p in v211 v215 hardened; do
	"$KME_BIN" --replay --host golden-host -c "$PROFILES/$p.conf" "$LOG" >"$TMP/$p.alerts" 2>/dev/null
	"$KME_BIN" --replay --host golden-host --explain -c "$PROFILES/$p.conf" "$LOG" \
		>"$TMP/$p.explain" 2>/dev/null
done
# The hardening log: v211 and v215 as shipped; hardened with the stand-in.
printf 'include = %s/hardened.conf\nrule = kmod-proc\nfile_watch = /proc/version kme-standin\n' \
	"$PROFILES" >"$TMP/hardened-standin.conf"
for p in v211 v215 hardened-standin; do
	c=$PROFILES/$p.conf
	[ "$p" = hardened-standin ] && c=$TMP/$p.conf
	"$KME_BIN" --replay --host golden-host --explain -c "$c" "$DATA/hardening-raw.log" \
		>"$TMP/h-$p.explain" 2>/dev/null
done
if $PYTHON "$KME_SRCDIR/tests/profiles-table.py" "$DATA/profiles-raw.cases.tsv" \
	"$TMP/v211.explain" "$TMP/v215.explain" "$TMP/hardened.explain" \
	"$DATA/hardening-raw.cases.tsv" "$TMP/h-v211.explain" "$TMP/h-v215.explain" \
	"$TMP/h-hardened-standin.explain" >"$TMP/table" 2>"$TMP/table.err"; then
	ok "profiles-table.py makes a table of every case of the replays ($(($(wc -l <"$TMP/table") - 2)) rows)"
else
	not_ok "profiles-table.py makes a table of every case of the replays: $(cat "$TMP/table.err")"
fi
awk '/^\| scenario \| case \| v211 \| v215 \| hardened \|$/ { on = 1 } on && /^$/ { exit } on' \
	"$KME_SRCDIR/README" >"$TMP/readme-table"
if cmp -s "$TMP/table" "$TMP/readme-table"; then
	ok "README's profile table is the replays' table"
else
	not_ok "README's profile table is the replays' table (< README, > replays):"
	diff "$TMP/readme-table" "$TMP/table" | sed 's/^/# /'
fi

# 3 the differences ---------------------------------------------------------
# verdict PROFILE SCENARIO N: the verdict word of the N-th explain line of
# SCENARIO in PROFILE's replay ("-" when there is none).
verdict() {
	awk -v s="/tmp/kme-scenario/$2" -v n="$3" 'index($0, " cwd=" s " ") && ++k == n {
		sub(/.* => /, ""); sub(/:.*/, ""); print; found = 1; exit } END { if (!found) print "-" }' \
		"$TMP/$1.explain"
}
# field PROFILE SCENARIO PATH: a field of the first alert of SCENARIO
# (python expression on the document `d`).
field() { alerts_py "$TMP/$1.alerts" --field "/tmp/kme-scenario/$2" "$3"; }

check "31 lsmod from a shell: all three alert" \
	same "$(verdict v211 31-lsmod 1) $(verdict v215 31-lsmod 1) $(verdict hardened 31-lsmod 1)" "alert alert alert"
check "32 exec -a lsmod kmod: v211 and v215 no match, hardened alerts" \
	same "$(verdict v211 32-exec-a-lsmod 1) $(verdict v215 32-exec-a-lsmod 1) $(verdict hardened 32-exec-a-lsmod 1)" \
	"no match no match alert"
check "32 the hardened alert says the binary, the run-under name and the behaviour" \
	same "$(field hardened 32-exec-a-lsmod 'd["audisp_kmod_enum"]["multicall"]')" \
	"{'binary': '/usr/bin/kmod', 'run_as': 'lsmod', 'behaviour': 'lsmod'}"
check "33 a renamed symlink run as kmod list: only hardened sees it" \
	same "$(verdict v211 33-link-as-kmod 1) $(verdict v215 33-link-as-kmod 1) $(verdict hardened 33-link-as-kmod 1)" "- - alert"
check "34 a renamed hard link, in replay: no profile watches it (exe is the link's path; plugin mode compares dev/inode)" \
	same "$(verdict v211 34-hardlink 1) $(verdict v215 34-hardlink 1) $(verdict hardened 34-hardlink 1)" "- - -"
check "35 busybox lsmod and modinfo: only hardened" \
	same "$(verdict v211 35-busybox 1)$(verdict v215 35-busybox 2) $(verdict hardened 35-busybox 1) $(verdict hardened 35-busybox 2)" \
	"-- alert suppressed"
check "35 busybox lsmod's alert says run as busybox, does lsmod" \
	same "$(field hardened 35-busybox 'd["audisp_kmod_enum"]["multicall"]["run_as"] + " " + d["audisp_kmod_enum"]["multicall"]["behaviour"]')" \
	"busybox lsmod"
check "36 exec -a x kmod list: matched by every profile's plain rule (kmod refused)" \
	same "$(verdict v211 36-exec-a-x-list 1)" "alert"
check "37 kmod static-nodes and depmod -A: no profile matches" \
	same "$(verdict v211 37-not-listing 1) $(verdict v215 37-not-listing 2) $(verdict hardened 37-not-listing 1)" \
	"no match no match no match"
check "38 v215's parent-args weakness: any shell whose \$0 names a dpkg path is excluded" \
	same "$(verdict v211 38-parent-args 1) / $(verdict v215 38-parent-args 1) / $(verdict hardened 38-parent-args 1)" \
	"alert / excluded / alert"
check "38 ... by exclude_parent_args '/var/lib/dpkg/info/*'" \
	grep -q "38-parent-args => excluded: excluded by exclude_parent_args '/var/lib/dpkg/info/\*'" "$TMP/v215.explain"
check "39 a /var/tmp/rpm-tmp* script's lsmod: excluded by v215 only" \
	grep -q "39-rpm-tmp => excluded: excluded by exclude_parent_args '/var/tmp/rpm-tmp\*'" "$TMP/v215.explain"
check "40 an orphan job's lsmod: its entry leader is the job, a child of init" \
	same "$(field v211 40-orphan-job 'd["process"]["entry_leader"]["executable"] + " " + d["audisp_kmod_enum"]["entry_leader"]["how"]')" \
	"/tmp/kme-scenario/bin/daily-job child_of_init"
check "41 lsmod in a shell under sshd: the entry leader is that shell" \
	same "$(field v211 41-ssh-like 'd["process"]["entry_leader"]["name"] + " " + d["audisp_kmod_enum"]["entry_leader"]["how"] + " " + d["audisp_kmod_enum"]["entry_leader"]["starter"]')" \
	"bash child_of_starter sshd"
check "v215 alerts carry v215's identity and both techniques" \
	same "$(field v215 31-lsmod 'd["rule"]["version"] + " " + d["audisp_kmod_enum"]["severity"] + " " + ",".join(d["threat"]["technique"]["id"]) + " " + ",".join(d["audisp_kmod_enum"]["new_terms"]["fields"])')" \
	"215 low T1082,T1518 process.executable"
check "v215 keys new terms on process.executable only: 31's lsmod makes 41's a repeat" \
	same "$(verdict v211 41-ssh-like 1) $(verdict v215 41-ssh-like 1)" "alert suppressed"

# 4 the entry-leader exclusion on a real entry leader -----------------------
printf 'include = %s/v215.conf\nexclude_entry_leader_executable = /tmp/kme-scenario/bin/daily-job\n' \
	"$PROFILES" >"$TMP/el.conf"
"$KME_BIN" --replay --host golden-host --explain -c "$TMP/el.conf" "$LOG" >"$TMP/el.explain" 2>/dev/null
check "v215 plus the job as an excluded entry leader: the job's lsmod is excluded" \
	grep -q "40-orphan-job => excluded: excluded by exclude_entry_leader_executable '/tmp/kme-scenario/bin/daily-job' ($TMP/el.conf:2)" \
	"$TMP/el.explain"
check "... and nothing else is (an unknown entry leader never excludes)" \
	same "$(grep -c 'exclude_entry_leader_executable' "$TMP/el.explain")" 1

# 5 the state file keeps histories apart -------------------------------------
S=$TMP/state/state.json
mkdir -p "$TMP/state" && chmod 700 "$TMP/state"
"$KME_BIN" --replay -c "$PROFILES/v211.conf" --state "$S" "$LOG" >/dev/null 2>&1
"$KME_BIN" --replay -c "$PROFILES/hardened.conf" --state "$S" "$LOG" >"$TMP/h.alerts" 2>"$TMP/h.err"
check "hardened does not take v211's history: the state is set aside, it starts empty" \
	grep -q "was written for rule 2d8043ed-5bda-4caf-801c-c1feb7410504 version 211 fields .*starting empty" "$TMP/h.err"
check "... and alerts as on an empty history ($(wc -l <"$TMP/h.alerts") alerts)" \
	same "$(wc -l <"$TMP/h.alerts")" "$(wc -l <"$TMP/hardened.alerts")"
"$KME_BIN" --replay -c "$PROFILES/v215.conf" --state "$S" "$LOG" >/dev/null 2>"$TMP/v.err"
check "v215 does not take hardened's history either (version and term fields)" \
	grep -q "version 211-hardened fields \[process.executable, process.parent.executable\]; starting empty" "$TMP/v.err"
check "each profile, and each rule of one, names a state file of its own" \
	same "$(grep -h '^state_file' "$PROFILES"/*.conf | sort -u | wc -l)" \
	"$(grep -h '^state_file' "$PROFILES"/*.conf | wc -l)"

finish
