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
TMP=$(mktemp -d "${TMPDIR:-/tmp}/kme-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

ok() { pass=$((pass + 1)); echo "ok - $*"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $*"; }

# check DESCRIPTION COMMAND...: one test, passes when COMMAND succeeds.
check() {
	desc=$1; shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# The closing line that test runners look for; exit status follows it.
finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}

replay() { "$KME_BIN" --replay --host golden-host "$@"; }

# Alerts minus the fields that depend on the replaying machine.
strip_user_name() {
	$PYTHON -c '
import json, sys
for line in sys.stdin:
    d = json.loads(line)
    d.get("user", {}).pop("name", None)
    print(json.dumps(d, sort_keys=True))'
}
