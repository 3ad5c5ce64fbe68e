#!/bin/sh
# fuzz/build.sh [BUILDDIR] - build the libFuzzer harnesses with clang, ASan
# and UBSan, straight from the project's sources (no configure needed).
#
#   BUILDDIR (default /tmp/kme-fuzz) receives obj/, the generated
#   plugin/config_default.c (as the Makefile makes it: the shipped
#   configuration through build-aux/text2c.sh) and the binaries
#   fuzz_records, fuzz_statefile, fuzz_config.
#
# Environment: CC (default clang), EXTRA_CFLAGS (appended), STATEDIR (the
# state directory baked into the built-in config; default as configure's
# --localstatedir=/var).
set -eu

SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-/tmp/kme-fuzz}
CC=${CC:-clang}
STATEDIR=${STATEDIR:-/var/lib/audisp-kmod-enum}

command -v "$CC" >/dev/null 2>&1 || {
	echo "build.sh: $CC not found (Debian: apt-get install clang libclang-rt-14-dev)" >&2
	exit 2
}
pkg-config --exists yajl auparse audit zlib liblzma libzstd || {
	echo "build.sh: yajl, auparse, audit, zlib, liblzma or libzstd development files missing (tests/deps.sh)" >&2
	exit 2
}

mkdir -p "$OUT/obj" "$OUT/conf" "$OUT/plugin"

# Library sources: every plugin/*.c but main.c and cmdline.c (the program's
# front end, which takes its version and paths from configure's config.h;
# no harness drives it), so that a new module needs no change here.
LIBSRC=""
for f in "$SRCDIR"/plugin/*.c; do
	m=$(basename "$f" .c)
	case $m in main|cmdline|config_default) ;; *) LIBSRC="$LIBSRC $m" ;; esac
done

# The quotes around STATEDIR are meant literally: they make the macro a C
# string once $CFLAGS is split into words.
# shellcheck disable=SC2089,SC2090
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
# shellcheck disable=SC2089
CFLAGS="-std=gnu11 -D_GNU_SOURCE -g -O1 $SAN \
	-Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes -Werror \
	-I$SRCDIR/include -I$SRCDIR/fuzz -DKME_STATEDIR=\"$STATEDIR\" \
	$(pkg-config --cflags yajl auparse audit zlib liblzma libzstd) ${EXTRA_CFLAGS:-}"
# The replay's decompressors (plugin/input.c); libbz2 has no pkg-config file.
LIBS="$(pkg-config --libs yajl auparse audit zlib liblzma libzstd) -lbz2"

# The built-in defaults, generated exactly as Makefile.am does.
sed -e "s|@statedir[@]|$STATEDIR|g" "$SRCDIR/conf/audisp-kmod-enum.conf.in" \
	>"$OUT/conf/audisp-kmod-enum.conf"
sh "$SRCDIR/build-aux/text2c.sh" cfg_default_text \
	<"$OUT/conf/audisp-kmod-enum.conf" >"$OUT/plugin/config_default.c"

objs=""
for m in $LIBSRC; do
	# shellcheck disable=SC2086,SC2090
	$CC $CFLAGS -fsanitize=fuzzer-no-link -c "$SRCDIR/plugin/$m.c" -o "$OUT/obj/$m.o"
	objs="$objs $OUT/obj/$m.o"
done
# shellcheck disable=SC2086,SC2090
$CC $CFLAGS -Wno-missing-prototypes -fsanitize=fuzzer-no-link -c \
	"$OUT/plugin/config_default.c" -o "$OUT/obj/config_default.o"
objs="$objs $OUT/obj/config_default.o"

for h in fuzz_records fuzz_statefile fuzz_config; do
	# shellcheck disable=SC2086,SC2090
	$CC $CFLAGS -fsanitize=fuzzer "$SRCDIR/fuzz/$h.c" $objs $LIBS -o "$OUT/$h"
done
echo "built: $OUT/fuzz_records $OUT/fuzz_statefile $OUT/fuzz_config"
