#!/bin/sh
# tests/deps.sh - install what building and testing audisp-kmod-enum needs
# (Debian/Ubuntu). Idempotent. Needs root only to install: when everything
# is there it changes nothing and needs no privilege; when something is
# missing it installs it as root, or as another user through sudo (itself
# re-run under sudo), and fails saying what is missing where there is
# neither.
set -eu
PKGS="build-essential autoconf automake libtool pkg-config
      libauparse-dev libaudit-dev libyajl-dev check libcap-ng-dev
      auditd rsyslog kmod python3 valgrind clang time
      audispd-plugins redis-server libhiredis-dev busybox
      debhelper dpkg-dev lintian git procps iproute2 xz-utils
      debootstrap rpm rpmlint cpio
      zlib1g-dev liblzma-dev libzstd-dev libbz2-dev gzip zstd bzip2"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "tests/deps.sh: dependencies installed"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		echo "tests/deps.sh: installing$missing through sudo" >&2
		exec sudo sh "$0"
	fi
	echo "tests/deps.sh: missing:$missing; run this as root (there is no sudo here)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "tests/deps.sh: dependencies installed"
