#!/bin/sh
# tests/deps.sh - install what building and testing audisp-kmod-enum needs
# (Debian/Ubuntu). Idempotent; run as root (or through sudo).
set -eu
PKGS="build-essential autoconf automake libtool pkg-config
      libauparse-dev libaudit-dev libyajl-dev check libcap-ng-dev
      auditd rsyslog kmod python3 valgrind clang time
      audispd-plugins redis-server libhiredis-dev busybox
      debhelper dpkg-dev lintian git procps iproute2 xz-utils
      zlib1g-dev liblzma-dev libzstd-dev libbz2-dev gzip zstd bzip2"
if [ "$(id -u)" -ne 0 ]; then
	echo "tests/deps.sh: run as root (e.g. sudo tests/deps.sh)" >&2
	exit 1
fi
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
echo "tests/deps.sh: dependencies installed"
