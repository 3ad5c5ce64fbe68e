#!/bin/sh
# tests/slownss.sh - a slow NSS never delays a record (tests/slownss.py,
# with tests/slownss.c preloaded into the plugin; root, for a mount
# namespace of the plugin's own).
. "$(dirname "$0")/lib.sh"
[ -x "$KME_BIN" ] || { echo "Bail out! $KME_BIN not built"; exit 99; }
${CC:-cc} -shared -fPIC -O2 -o "$TMP/slownss.so" "$KME_SRCDIR/tests/slownss.c" -ldl ||
	{ echo "Bail out! cannot build tests/slownss.c"; exit 99; }
# An AddressSanitizer build wants its runtime first among the libraries;
# the shim only wraps two libc functions and may come first.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
export ASAN_OPTIONS
$PYTHON "$KME_SRCDIR/tests/slownss.py" "$KME_BIN" \
	"$KME_BUILDDIR/conf/audisp-kmod-enum.conf" "$TMP/slownss.so" "$DATA/kmod-raw.log"
