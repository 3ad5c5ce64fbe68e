# bench/lib.sh - what the benches share (sourced; bash). find_plugin needs
# TOP (the source tree) set by the caller.
#
#   die MSG...        MSG on stderr after the script's name; exit 1
#   say MSG...        MSG on stderr after the script's name
#   median            the median of the numbers on stdin, one a line
#   find_plugin PATH  the plugin to measure, in $plugin: PATH when given, else
#                     plugin/audisp-kmod-enum of an in-tree build or of the
#                     current directory (a VPATH build); dies saying how to
#                     name it when none is found

die() {
	printf '%s: %s\n' "${0##*/}" "$*" >&2
	exit 1
}
say() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }

median() {
	sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

find_plugin() {
	local p
	plugin=$1
	if [ -z "$plugin" ]; then
		for p in "$TOP/plugin/audisp-kmod-enum" "$PWD/plugin/audisp-kmod-enum"; do
			[ -x "$p" ] && { plugin=$p; break; }
		done
	fi
	[ -n "$plugin" ] && [ -x "$plugin" ] ||
		die "audisp-kmod-enum not found: build it, then pass --plugin PATH (or set KME_PLUGIN)"
}
