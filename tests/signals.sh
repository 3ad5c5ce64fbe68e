#!/bin/sh
# tests/signals.sh - SIGUSR1, SIGHUP and SIGTERM act at once while the
# plugin idles (tests/signals.py: timed from kill(2) to the message that
# shows each acted upon; root, for a mount namespace of the plugin's own).
. "$(dirname "$0")/lib.sh"
[ -x "$KME_BIN" ] || { echo "Bail out! $KME_BIN not built"; exit 99; }
# Not exec: lib.sh made $TMP, and its EXIT trap removes it.
$PYTHON "$KME_SRCDIR/tests/signals.py" "$KME_BIN" \
	"$KME_BUILDDIR/conf/audisp-kmod-enum.conf"
