#!/bin/sh
# tests/golden.sh - golden replays of real audit logs captured under a real
# auditd (tests/capture.sh). For each tests/data/*.log and *.log.xz (a large
# capture, committed compressed and decompressed here):
#   - the alerts of --replay equal tests/golden/NAME.alerts.jsonl byte for byte;
#   - --explain equals tests/golden/NAME.explain.txt;
#   - both agree with the scenario manifest (what the rule prescribes, written
#     when the log was captured; tests/check_scenarios.py);
#   - an ENRICHED log with its enrichment cut off decides exactly as itself.
# KME_GOLDEN_UPDATE=1 rewrites the golden files (review the diff!).
. "$(dirname "$0")/lib.sh"

[ -x "$KME_BIN" ] || { echo "Bail out! $KME_BIN not built"; exit 99; }

# The shipped configuration (the built-in one, byte for byte) by name: an
# /etc/audit/audisp-kmod-enum.conf that another test installed meanwhile must
# not change the verdicts. Its name is put back as <built-in> in the output.
CONF=$KME_BUILDDIR/conf/audisp-kmod-enum.conf
if [ -f "$CONF" ]; then
	replay() {
		"$KME_BIN" --replay --host golden-host -c "$CONF" "$@" >"$TMP/replay.out"
		rc=$?
		# event.created is the wall clock of the replay (the detection
		# time): normalised to a fixed, valid date for the comparison.
		sed -e "s|($CONF:|(<built-in>:|g" \
		    -e 's|"created":"[0-9T:.Z-]*"|"created":"2000-01-01T00:00:00.000Z"|' \
		    "$TMP/replay.out"
		return $rc
	}
fi

for log in "$DATA"/*.log "$DATA"/*.log.xz; do
	name=$(basename "$log")
	name=${name%.xz}
	name=${name%.log}
	case "$log" in
	*.xz)
		xz -dc "$log" >"$TMP/$name.log" || { not_ok "$name: xz -dc $log"; continue; }
		log=$TMP/$name.log
		;;
	esac
	manifest=$DATA/$name.scenarios.tsv
	[ -f "$manifest" ] || manifest=$DATA/scenarios.tsv
	replay "$log" >"$TMP/$name.alerts" 2>"$TMP/$name.err"
	check "$name: replay exits 0" test $? -eq 0
	replay --explain "$log" >"$TMP/$name.explain" 2>/dev/null
	if [ "${KME_GOLDEN_UPDATE:-0}" = 1 ]; then
		cp "$TMP/$name.alerts" "$GOLDEN/$name.alerts.jsonl"
		cp "$TMP/$name.explain" "$GOLDEN/$name.explain.txt"
	fi
	check "$name: alerts equal the golden file" \
		diff -u "$GOLDEN/$name.alerts.jsonl" "$TMP/$name.alerts"
	check "$name: explanations equal the golden file" \
		diff -u "$GOLDEN/$name.explain.txt" "$TMP/$name.explain"
	check "$name: verdicts and parents agree with $(basename "$manifest")" \
		$PYTHON "$KME_SRCDIR/tests/check_scenarios.py" --log "$log" "$manifest" \
		"$TMP/$name.explain" "$TMP/$name.alerts"
	check "$name: summary line on stderr" grep -q "summary: records=" "$TMP/$name.err"
	check "$name: no parse errors in a real log" grep -q " parse_errors=0 " "$TMP/$name.err"
	if grep -q "$(printf '\035')" "$log"; then
		# RAW is ENRICHED minus everything from 0x1D on: same decisions.
		sed "s/$(printf '\035').*//" "$log" >"$TMP/$name.raw"
		replay "$TMP/$name.raw" 2>/dev/null | strip_user_name >"$TMP/$name.raw.alerts"
		strip_user_name <"$TMP/$name.alerts" >"$TMP/$name.enr.alerts"
		check "$name: the same log as RAW gives the same alerts" \
			diff -u "$TMP/$name.enr.alerts" "$TMP/$name.raw.alerts"
	fi
	# --all: every match alerts, suppressed ones included.
	nall=$(replay --all "$log" 2>/dev/null | wc -l)
	nmatch=$(grep -c '=> \(alert\|suppressed\|rate-limited\):' "$TMP/$name.explain")
	check "$name: --all alerts on all $nmatch non-excluded matches" test "$nall" -eq "$nmatch"
done
finish
