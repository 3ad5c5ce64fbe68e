# tests/lib.sh - shared helpers of the shell tests (sourced).
# Environment from `make check`: KME_BIN, KME_SRCDIR, KME_BUILDDIR.
: "${KME_SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${KME_BUILDDIR:=$KME_SRCDIR}"
: "${KME_BIN:=$KME_BUILDDIR/plugin/audisp-kmod-enum}"
DATA=$KME_SRCDIR/tests/data
GOLDEN=$KME_SRCDIR/tests/golden
PYTHON=${PYTHON:-python3}

pass=0
fail=0
skipped=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/kme-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

ok() { pass=$((pass + 1)); echo "ok - $*"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $*"; }

# check DESCRIPTION COMMAND...: one test, passes when COMMAND succeeds.
check() {
	desc=$1; shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# results FILE: one test per line of FILE, "ok DESCRIPTION" or "not ok
# DESCRIPTION: why" -- the checks one python3 process made.
results() {
	while read -r res; do
		case $res in
		"ok "*) ok "${res#ok }" ;;
		*) not_ok "${res#not ok }" ;;
		esac
	done <"$1"
}

# skip_case DESCRIPTION: a case that cannot run here (say why). Under
# CI=true that is a failure. Elsewhere the test ends as skipped (exit 77)
# even when everything else passed, so that the suite's totals show it:
# a skipped case is never counted as a pass.
skip_case() {
	if [ "${CI:-}" = true ]; then
		not_ok "$* (cannot run here, and CI=true)"
	else
		skipped=$((skipped + 1))
		echo "# SKIP $*"
	fi
}

# cant_run WHY: the rest of the test cannot run here (a tool, a daemon or
# root is missing; say which): it ends now as skipped (exit 77), or failed
# under CI=true, with the cases run so far counted.
cant_run() {
	skip_case "$*"
	finish
}

# wait_for SECONDS COMMAND...: poll until COMMAND succeeds; 1 if it has not
# within SECONDS of wall time. (COMMAND may itself wait_for: the deadline is
# local; dash, bash and busybox sh all have `local`.)
wait_for() {
	local wf_end
	wf_end=$(($(date +%s) + $1)); shift
	until "$@"; do
		[ "$(date +%s)" -ge "$wf_end" ] && return 1
		sleep 0.1
	done
}

# The closing line, then exit: 1 if a check failed, else 77 if a case was
# skipped, else 0. Call it last.
finish() {
	if [ "$skipped" -gt 0 ]; then
		echo "$pass passed, $fail failed, $skipped skipped"
	else
		echo "$pass passed, $fail failed"
	fi
	[ "$fail" -eq 0 ] || exit 1
	if [ "$skipped" -gt 0 ]; then
		echo "SKIP: $skipped case(s) could not run here (# SKIP above)"
		exit 77
	fi
	exit 0
}

replay() { "$KME_BIN" --replay --host golden-host "$@"; }

# need_tools TOOL...: the test cannot run here (cant_run) unless each is on
# PATH.
need_tools() {
	for nt_tool in "$@"; do
		command -v "$nt_tool" >/dev/null ||
			cant_run "$nt_tool not found (tests/deps.sh installs it)"
	done
}

# golden_replay ARG...: a replay as the golden files were made (the shipped
# configuration, its path shown as <built-in>, event.created fixed): the
# alerts on stdout, stderr in $TMP/err, the exit status in rc (and returned).
golden_replay() {
	"$KME_BIN" --replay --host golden-host -c "$KME_BUILDDIR/conf/audisp-kmod-enum.conf" "$@" \
		>"$TMP/out" 2>"$TMP/err"
	rc=$?
	sed -e "s|($KME_BUILDDIR/conf/audisp-kmod-enum.conf:|(<built-in>:|g" \
	    -e 's|"created":"[0-9T:.Z-]*"|"created":"2000-01-01T00:00:00.000Z"|' "$TMP/out"
	return $rc
}

# The alerts of a replay's output or of a syslog file (tests/alerts.py).
alerts_py() { $PYTHON "$KME_SRCDIR/tests/alerts.py" "$@"; }

# same GOT WANT: a check's comparison that says what it got.
same() { [ "$1" = "$2" ] || { echo "# got '$1', want '$2'"; return 1; }; }

# Alerts minus the fields that depend on the replaying machine.
strip_user_name() {
	$PYTHON -c '
import json, re, sys
for line in sys.stdin:
    d = json.loads(line)
    d.get("user", {}).pop("name", None)
    d.get("user", {}).get("effective", {}).pop("name", None)
    d.get("user", {}).get("audit", {}).pop("name", None)
    d.get("group", {}).pop("name", None)
    for k in ("user", "real_user", "group", "real_group"):
        d.get("process", {}).get(k, {}).pop("name", None)
    ev = d.get("event", {})
    if "reason" in ev:  # "as uid 0 (root)": the name is in the sentence too
        ev["reason"] = re.sub(r"(as uid [0-9]+) \([^)]*\)", r"\1", ev["reason"])
    # ... and in the raw bytes of the sentence, when it holds bytes not UTF-8
    for v in d.get("audisp_kmod_enum", {}).get("invalid_utf8", {}).get("values", []):
        if v.get("field") == "event.reason":
            v.pop("hex", None)
    print(json.dumps(d, sort_keys=True))'
}
