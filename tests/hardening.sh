#!/bin/sh
# tests/hardening.sh - issue 19 on a real capture: tests/data/hardening-raw.log
# (tests/capture.sh --set hardening; scenarios in tests/scenarios-hardening.sh;
# manifests hardening-raw.scenarios.tsv and hardening-raw.files.tsv, and what
# stands in for /proc/modules and why: tests/data/README).
#
#   1 the configurations: the hardened profile's two rules, a site file that
#     adds the stand-in, Elastic's v111 added to v211; and the errors of
#     several rules
#   2 the hardened replay (with the stand-in) equals tests/golden/
#     hardening-raw.hardened.{alerts.jsonl,explain.txt}; its alerts are ECS
#   3 Elastic's v111 (proc-v111.conf added to v211, with the stand-in)
#     agrees with the files manifest opener by opener, v211 with the exec one
#   4 exclusions that prove themselves, scenario by scenario, with reasons
#   5 the file rule: file.path, the name it was opened by, the opener, one
#     alert per new term, python3 and /sys/module
#   6 every rule keeps a history of its own
# KME_GOLDEN_UPDATE=1 rewrites the golden files (review the diff!).
. "$(dirname "$0")/lib.sh"

[ -x "$KME_BIN" ] || { echo "Bail out! $KME_BIN not built"; exit 99; }
PROFILES=$KME_BUILDDIR/conf/profiles
LOG=$DATA/hardening-raw.log
for p in v211 hardened proc-v111; do
	[ -r "$PROFILES/$p.conf" ] || { echo "Bail out! $PROFILES/$p.conf not built"; exit 99; }
done
# The stand-in: /proc/version, under the key the capture gave it.
STANDIN='file_watch = /proc/version kme-standin'
printf 'include = %s/hardened.conf\nrule = kmod-proc\n%s\n' "$PROFILES" "$STANDIN" >"$TMP/hardened.conf"
printf 'include = %s/v211.conf\ninclude = %s/proc-v111.conf\nrule = kmod-proc-v111\n%s\nfile_watch = /sys/module kmod-enum-sysmod\n' \
	"$PROFILES" "$PROFILES" "$STANDIN" >"$TMP/v111.conf"

# run NAME CONF [OPTIONS]: replay LOG under CONF, alerts and explanations
# into $TMP/NAME.alerts and NAME.explain, the paths of this build and run
# written as <profiles> and <tmp>, event.created fixed (golden.sh's).
run() {
	n=$1 c=$2; shift 2
	for mode in alerts explain; do
		opt=
		[ "$mode" = explain ] && opt=--explain
		"$KME_BIN" --replay --host golden-host $opt -c "$c" "$@" "$LOG" 2>"$TMP/$n.err" |
			sed -e "s|$PROFILES/|<profiles>/|g" -e "s|$TMP/|<tmp>/|g" \
			    -e 's|"created":"[0-9T:.Z-]*"|"created":"2000-01-01T00:00:00.000Z"|' \
			    >"$TMP/$n.$mode"
	done
}
# verdict NAME SCENARIO N: the verdict of the N-th explain line of SCENARIO.
verdict() {
	awk -v s="/tmp/kme-scenario/$2" -v n="$3" 'index($0, " cwd=" s " ") && ++k == n {
		sub(/.* => /, ""); sub(/:.*/, ""); print; found = 1; exit } END { if (!found) print "-" }' \
		"$TMP/$1.explain"
}
# line NAME SCENARIO N: that whole line.
line() { awk -v s="/tmp/kme-scenario/$2" -v n="$3" 'index($0, " cwd=" s " ") && ++k == n' "$TMP/$1.explain"; }
field() { alerts_py "$TMP/$1.alerts" --field "/tmp/kme-scenario/$2" "$3"; }

# 1 the configurations ------------------------------------------------------
out=$("$KME_BIN" --check-config -c "$TMP/hardened.conf" 2>&1)
check "the hardened profile and the stand-in: two rules, the file rule watching three files" \
	same "$out" "$TMP/hardened.conf: OK (4 match rules, 27 exclusions, rule 2d8043ed-5bda-4caf-801c-c1feb7410504 v211-hardened; rule kmod-proc: 3 watched files, 4 exclusions, rule 80084fa9-8677-4453-8680-b891d3c0c778 v111-hardened)"
out=$("$KME_BIN" --check-config -c "$TMP/v111.conf" 2>&1)
check "v211 plus Elastic's v111 as a second rule" \
	same "$out" "$TMP/v111.conf: OK (4 match rules, 27 exclusions, rule 2d8043ed-5bda-4caf-801c-c1feb7410504 v211; rule kmod-proc-v111: 3 watched files, 5 exclusions, rule 80084fa9-8677-4453-8680-b891d3c0c778 v111)"
# refused CONF-TEXT MESSAGE: the configuration is refused with MESSAGE.
refused() {
	printf '%s\n' "$1" >"$TMP/bad.conf"
	out=$("$KME_BIN" --check-config -c "$TMP/bad.conf" 2>&1)
	[ $? -eq 2 ] && case $out in *"$2"*) return 0 ;; esac
	echo "# got: $out"
	return 1
}
ADDED='rule_id = x
rule_name = x
rule_version = 1
rule_description = x
rule_reference = x
state_file = /tmp/kme-x.json'
check "an added rule that watches execs is refused" \
	refused "$(printf 'match = lsmod\nrule = two\nmatch = modinfo\n%s\n' "$ADDED")" \
	"rule two: an added rule watches files (rule_type = file_open); only the first rule watches execs"
check "an added rule must name itself" \
	refused "$(printf 'match = lsmod\nrule = two\nrule_type = file_open\nfile_watch = /proc/version k\n')" \
	"rule two: rule_id not set (an added rule names itself and its history)"
check "two rules may not share a state file" \
	refused "$(printf 'match = lsmod\nstate_file = /tmp/kme-x.json\nrule = two\nrule_type = file_open\nfile_watch = /proc/version k\n%s\n' "$ADDED")" \
	"rules (the first) and two share the state file /tmp/kme-x.json"
check "a process-wide key inside a rule block is refused" \
	refused "$(printf 'match = lsmod\nrule = two\nsyslog_facility = daemon\n')" \
	"syslog_facility is the process's setting, shared by every rule: set it outside rule blocks (here: rule two)"
check "a watched file is a plain absolute path with a key" \
	refused "$(printf 'match = lsmod\nrule = two\nrule_type = file_open\nfile_watch = /proc/../modules k\n%s\n' "$ADDED")" \
	"file_watch: expected 'PATH KEY'"

# 2 the hardened replay, golden ----------------------------------------------
run hardened "$TMP/hardened.conf"
run hardened-all "$TMP/hardened.conf" --all
if [ "${KME_GOLDEN_UPDATE:-0}" = 1 ]; then
	cp "$TMP/hardened.alerts" "$GOLDEN/hardening-raw.hardened.alerts.jsonl"
	cp "$TMP/hardened.explain" "$GOLDEN/hardening-raw.hardened.explain.txt"
fi
check "hardened alerts equal the golden file" \
	diff -u "$GOLDEN/hardening-raw.hardened.alerts.jsonl" "$TMP/hardened.alerts"
check "hardened explanations equal the golden file" \
	diff -u "$GOLDEN/hardening-raw.hardened.explain.txt" "$TMP/hardened.explain"
check "no parse errors, and 11 opens read" \
	grep -q " parse_errors=0 .* opens=11 " "$TMP/hardened.err"
check "every alert is ECS, the file rule's included (new-terms and --all forms)" \
	$PYTHON "$KME_SRCDIR/tests/ecs-check.py" \
	"$KME_SRCDIR/tests/ecs/ecs_flat_subset.yml:$KME_SRCDIR/tests/ecs/beats_auditd_subset.yml" \
	"$TMP/hardened.alerts" "$TMP/hardened-all.alerts"

# 3 Elastic's v111 against the manifests --------------------------------------
run v111 "$TMP/v111.conf"
check "v111 agrees with the files manifest, open by open" \
	$PYTHON "$KME_SRCDIR/tests/check_scenarios.py" --log "$LOG" --rule kmod-proc-v111 \
	"$DATA/hardening-raw.files.tsv" "$TMP/v111.explain" "$TMP/v111.alerts"
check "... and v211 beside it with the exec manifest" \
	$PYTHON "$KME_SRCDIR/tests/check_scenarios.py" --log "$LOG" \
	"$DATA/hardening-raw.scenarios.tsv" "$TMP/v111.explain" "$TMP/v111.alerts"

# 4 exclusions that prove themselves ------------------------------------------
run v211 "$PROFILES/v211.conf"
for s in 51-copy-dkms 52-link-dracut 53-dotdot-dkms; do
	check "$s: v211 excludes by name, hardened alerts" \
		same "$(verdict v211 $s 1) / $(verdict hardened $s 1)" "excluded / alert"
done
check "51: hardened says which exclusion it refused and why" \
	grep -q "51-copy-dkms => alert: .*; exclude_parent_name 'dkms' (<profiles>/hardened.conf:[0-9]*) refused: /tmp/kme-scenario/51-copy-dkms/u/dkms is not in a trusted_dir" \
	"$TMP/hardened.explain"
check "52: the path as executed is the link's, not /usr/bin/dash" \
	grep -q "refused: /tmp/kme-scenario/52-link-dracut/u/dracut is not in a trusted_dir" "$TMP/hardened.explain"
check "53: a path with '..' never proves itself" \
	grep -q "refused: '/usr/lib/../../tmp/kme-scenario/53-dotdot-dkms/u/dkms' is not a plain absolute path" \
	"$TMP/hardened.explain"
check "51: the alert carries the refused exclusion" \
	same "$(field hardened 51-copy-dkms 'd["audisp_kmod_enum"]["exclusion_refused"]["key"] + " " + d["audisp_kmod_enum"]["exclusion_refused"]["pattern"]')" \
	"exclude_parent_name dkms"
check "54 and 55: root's scripts where the distribution puts them are excluded by both" \
	same "$(verdict v211 54-system-dkms 1) $(verdict hardened 54-system-dkms 1) $(verdict hardened 55-trusted-paths 1) $(verdict hardened 55-trusted-paths 2) $(verdict hardened 55-trusted-paths 3)" \
	"excluded excluded excluded excluded excluded"
check "56: in a replay a trusted directory proves by location alone (the live plugin checks owners: e2e-hardening.sh)" \
	same "$(verdict hardened 56-writable-dir 1)" "excluded"
check "64: an ordinary lsmod alerts under both" \
	same "$(verdict v211 64-lsmod-opens 1) $(verdict hardened 64-lsmod-opens 1)" "alert alert"

# 5 the file rule --------------------------------------------------------------
check "61: cat alerts once, then its term is known" \
	same "$(verdict hardened 61-proc-read 1) $(verdict hardened 61-proc-read 2)" "alert suppressed"
check "61: python3 alerts under hardened, v111 excludes it (python*)" \
	same "$(verdict hardened 61-proc-read 3) / $(verdict v111 61-proc-read 3)" "alert / excluded"
check "61: a copy of cat named chef-client: v111 excludes, hardened refuses" \
	same "$(verdict v111 61-proc-read 6) / $(verdict hardened 61-proc-read 6)" "excluded / alert"
check "61: the alert is a file open (ECS): category, action, file.path, the opener" \
	same "$(field hardened 61-proc-read '" ".join([d["event"]["category"][0], d["event"]["action"], d["file"]["path"], d["process"]["executable"], d["process"]["parent"]["name"], d["rule"]["version"]])')" \
	"file opened-file /proc/version /usr/bin/cat kme-run 111-hardened"
check "62: ls /sys/module, captured for real, alerts" \
	same "$(verdict hardened 62-sys-module 1) $(field hardened 62-sys-module 'd["file"]["path"] + " " + d["file"]["type"]')" \
	"alert /sys/module dir"
check "62: ls in /sys/module opens \".\": the key, not the name, says which file" \
	sh -c "awk 'index(\$0, \" cwd=/sys/module \")' '$TMP/hardened.explain' | grep -q \"file=/sys/module cwd=/sys/module => suppressed: .*; opened as '/sys/module/.'\""
check "63: /proc/self/../version and p/version are opens of the watched file" \
	sh -c "grep -q \"opened as '/proc/self/../version'\" '$TMP/hardened.explain' &&
	       grep -q \"opened as '/tmp/kme-scenario/63-aliases/p/version'\" '$TMP/hardened.explain'"
check "the file rule's lines name it and the file" \
	same "$(line hardened 61-proc-read 1 | grep -o ' rule=kmod-proc file=/proc/version ')" " rule=kmod-proc file=/proc/version "
check "v211 and v215 read no open at all (no file rule)" \
	same "$(grep -c ' rule=' "$TMP/v211.explain")" 0

# 6 histories apart -------------------------------------------------------------
mkdir -p "$TMP/st" && chmod 700 "$TMP/st"
"$KME_BIN" --replay -c "$TMP/hardened.conf" --state "$TMP/st/s.json" "$LOG" >"$TMP/first" 2>/dev/null
"$KME_BIN" --replay -c "$TMP/hardened.conf" --state "$TMP/st/s.json" "$LOG" >"$TMP/second" 2>/dev/null
check "--state FILE: the first rule's in FILE, the file rule's in FILE.kmod-proc" \
	test -s "$TMP/st/s.json" -a -s "$TMP/st/s.json.kmod-proc"
check "a second replay knows every term of both rules ($(wc -l <"$TMP/first") alerts, then none)" \
	same "$(wc -l <"$TMP/first") $(wc -l <"$TMP/second")" "$(wc -l <"$TMP/hardened.alerts") 0"
"$KME_BIN" --dump-state -c "$TMP/hardened.conf" --state "$TMP/st/s.json" >"$TMP/dump" 2>&1
check "--dump-state lists each rule's history" \
	same "$(grep -c '^# .*term(s), rule' "$TMP/dump")" 2
check "... the file rule's under its own identity" \
	grep -q "s.json.kmod-proc: 6 term(s), rule 80084fa9-8677-4453-8680-b891d3c0c778 v111-hardened" "$TMP/dump"
finish
