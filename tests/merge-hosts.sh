#!/bin/sh
# tests/merge-hosts.sh NAME=LOG [NAME=LOG...] - one aggregator's stream from single-host audit logs.
#
# Every record of LOG gets the prefix "node=NAME " (as an auditd with name_format set writes it, and as
# an aggregator passes it on), then the hosts' records are merged by event time (msg=audit(SEC.MSEC:),
# stable: records of the same millisecond keep their order, the earlier argument's first). Nothing
# else in a record changes. A LOG ending in .xz is decompressed. Output on stdout.
set -eu
export LC_ALL=C
[ $# -ge 1 ] || { echo "usage: $0 NAME=LOG [NAME=LOG...]" >&2; exit 2; }
i=0
for arg in "$@"; do
	name=${arg%%=*}
	log=${arg#*=}
	case "$name" in *[!A-Za-z0-9._-]*|'') echo "merge-hosts.sh: bad host name '$name'" >&2; exit 2 ;; esac
	[ -r "$log" ] || { echo "merge-hosts.sh: cannot read $log" >&2; exit 1; }
	i=$((i + 1))
	case "$log" in *.xz) xz -dc -- "$log" ;; *) cat -- "$log" ;; esac |
		awk -v node="$name" -v h="$i" '
			match($0, /msg=audit\([0-9]+\.[0-9]+:/) {
				t = substr($0, RSTART + 10, RLENGTH - 11); sub(/\./, "", t)
				printf "%s\t%d\t%d\tnode=%s %s\n", t, h, NR, node, $0
			}'
done | sort -s -t "$(printf '\t')" -k1,1n -k2,2n -k3,3n | cut -f4-
