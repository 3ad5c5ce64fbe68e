#!/bin/sh
# tests/bgkill.sh - SIGKILL of the plugin or of its background save, at any
# point of the save, many times: the state file stays loadable, the parent
# goes on, the child never outlives it (tests/bgkill.py; root, for a mount
# namespace of the plugin's own).
. "$(dirname "$0")/lib.sh"
[ -x "$KME_BIN" ] || { echo "Bail out! $KME_BIN not built"; exit 99; }
# Not exec: lib.sh made $TMP, and its EXIT trap removes it.
$PYTHON "$KME_SRCDIR/tests/bgkill.py" "$KME_BIN" \
	"$KME_BUILDDIR/conf/audisp-kmod-enum.conf" "$DATA/kmod-raw.log"
