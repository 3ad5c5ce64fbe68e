#!/bin/sh
# tests/ecs.sh - the alerts of every golden log (tests/data, captured under a
# real auditd), in both the new-terms and the --all form, are ECS: every
# field path and JSON type is checked against ECS's own definitions
# (tests/ecs/ecs_flat_subset.yml, from ECS 9.x; user.audit.* from Elastic's
# auditd field set, tests/ecs/beats_auditd_subset.yml) by
# tests/ecs-check.py, in one python3 process for all alerts: types, arrays,
# allowed and expected values. Custom fields only under audisp_kmod_enum.*
# and auditd.*. The check itself is tested on a forged alert for each kind
# of fault.
. "$(dirname "$0")/lib.sh"

[ -x "$KME_BIN" ] || { echo "Bail out! $KME_BIN not built"; exit 99; }
DEFS=$KME_SRCDIR/tests/ecs/ecs_flat_subset.yml:$KME_SRCDIR/tests/ecs/beats_auditd_subset.yml
CHECK="$PYTHON $KME_SRCDIR/tests/ecs-check.py $DEFS"

n=0
for log in "$DATA"/*.log "$DATA"/*.log.xz; do
	name=$(basename "$log")
	case "$log" in
	*.xz) xz -dc "$log" >"$TMP/$name.log" || { not_ok "xz -dc $log"; continue; }
	      log=$TMP/$name.log ;;
	esac
	replay "$log" >"$TMP/$name.alerts" 2>/dev/null
	replay --all "$log" >"$TMP/$name.all" 2>/dev/null
	n=$((n + 1))
done
check "$n golden logs replayed" test "$n" -ge 5

$CHECK "$TMP"/*.alerts "$TMP"/*.all >"$TMP/ecs.out" 2>&1
st=$?
cat "$TMP/ecs.out"
check "every alert of the golden logs is ECS (field paths and types)" test "$st" -eq 0
check "the alerts include clipped and partial forms (custom fields checked too)" \
	grep -q -h '"args_clip_bytes"' "$TMP"/*.alerts
# Issue 21's fields are among those checked (every one in some alert).
for f in '"entity_id":' '"start":' '"interactive":false' '"title":' \
	 '"saved_user":' '"saved_group":' '"sequence":' '"architecture":' \
	 '"audit":{"id":' '"entry_leader":{"pid":' '"invalid_utf8":' \
	 '"parent":{"pid":[0-9]*,"entity_id":"[0-9a-f]*"'; do
	check "the golden alerts carry $f" grep -q -h "$f" "$TMP"/*.alerts "$TMP"/*.all
done

# The check catches each kind of fault (a forged alert per case).
good=$(head -n 1 "$GOLDEN/kmod-raw.alerts.jsonl")
forge() {  # NAME PYTHON-EXPR-ON-d
	printf '%s\n' "$good" | $PYTHON -c "
import json, sys
d = json.loads(sys.stdin.readline())
$2
print(json.dumps(d))" >"$TMP/forged-$1.jsonl"
	! $CHECK "$TMP/forged-$1.jsonl" >"$TMP/forged-$1.out" 2>&1 &&
		grep -q "$3" "$TMP/forged-$1.out"
}
check "the unforged golden alert passes" $CHECK "$GOLDEN/kmod-raw.alerts.jsonl"
check "fault: a field outside ECS and outside our namespaces" \
	forge kibana 'd["kibana"] = {"alert": {"new_terms": ["x"]}}' "kibana.alert.new_terms: not an ECS field"
check "fault: a numeric field as a string (event.severity \"47\")" \
	forge severity 'd["event"]["severity"] = "47"' "event.severity: \"47\" is not an ECS long"
check "fault: a keyword array written as a scalar (threat.technique.id)" \
	forge technique 'd["threat"]["technique"]["id"] = "T1082"' "threat.technique.id: an array in ECS"
check "fault: an array of objects (the old threat.technique form)" \
	forge objects 'd["threat"]["technique"] = [{"id": "T1082"}]' "threat.technique: not an ECS field"
check "fault: a date that is not RFC 3339" \
	forge date 'd["event"]["created"] = "yesterday"' "event.created: \"yesterday\" is not an ECS date"
check "fault: event.ingested set" \
	forge ingested 'd["event"]["ingested"] = d["@timestamp"]' "event.ingested is set"
check "fault: ecs.version missing" \
	forge version 'del d["ecs"]' "ecs.version missing"
check "fault: a value outside allowed_values (event.kind \"finding\")" \
	forge kind 'd["event"]["kind"] = "finding"' 'event.kind: "finding" is not one of its allowed_values'
check "fault: an event.type the category does not expect (process, deletion)" \
	forge evtype 'd["event"]["type"] = ["deletion"]' "event.type deletion is not expected with event.category process"
check "fault: a value outside expected_values (host.os.type \"beos\")" \
	forge ostype 'd["host"]["os"]["type"] = "beos"' 'host.os.type: "beos" is not one of its expected_values'
check "fault: a boolean as a string (process.interactive \"false\")" \
	forge interactive 'd["process"]["interactive"] = "false"' 'process.interactive: "false" is not an ECS boolean'
check "fault: a long out of range (event.sequence 2^63)" \
	forge sequence 'd["event"]["sequence"] = 2**63' "event.sequence: 9223372036854775808 is not an ECS long"
check "fault: a field of the auditd set misplaced (user.audit.uid)" \
	forge audit 'd["user"]["audit"]["uid"] = "0"' "user.audit.uid: not an ECS field"
printf '{"a":\n' >"$TMP/broken.jsonl"
not_json() {
	if $CHECK "$TMP/broken.jsonl" >"$TMP/broken.out" 2>&1; then return 1; fi
	grep -q "not JSON" "$TMP/broken.out"
}
check "fault: a line that is not JSON" not_json
finish
