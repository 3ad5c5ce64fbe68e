#!/bin/sh
# tests/install.sh BUILDDIR - `make install DESTDIR=...` installs what a
# distro package would, with the modes auditd and the plugin demand.
set -u
B=$1
D=$(mktemp -d /tmp/kme-install.XXXXXX)
trap 'rm -rf "$D"' EXIT
pass=0 fail=0
check() { d=$1; shift; if "$@"; then pass=$((pass + 1)); echo "ok - $d"; else fail=$((fail + 1)); echo "not ok - $d"; fi; }
mode() { stat -c %a "$D$1" 2>/dev/null; }

make -C "$B" install DESTDIR="$D" >/dev/null 2>&1
check "make install DESTDIR succeeds" test $? -eq 0
check "the binary is in sbindir, mode 0750" test "$(mode /usr/sbin/audisp-kmod-enum)" = 750
check "the plugins.d drop-in, mode 0640" test "$(mode /etc/audit/plugins.d/au-kmod-enum.conf)" = 640
check "the drop-in points at the installed binary" \
	grep -qx "path = /usr/sbin/audisp-kmod-enum" "$D/etc/audit/plugins.d/au-kmod-enum.conf"
check "the plugin config, mode 0640" test "$(mode /etc/audit/audisp-kmod-enum.conf)" = 640
check "the installed config is the built-in default" \
	sh -c "'$D/usr/sbin/audisp-kmod-enum' --check-config -c '$D/etc/audit/audisp-kmod-enum.conf' | grep -q 'OK (4 match rules, 27 exclusions'"
check "the audit rules file" grep -q -- "-S execve,execveat" "$D/etc/audit/rules.d/kmod-enum.rules"
check "the man pages" test -f "$D/usr/share/man/man8/audisp-kmod-enum.8" -a -f "$D/usr/share/man/man5/audisp-kmod-enum.conf.5"
# The rule profiles (README, "Profiles"), under the data directory, each valid.
P=$D/usr/share/audisp-kmod-enum/profiles
for p in v211 v215 hardened; do
	check "the $p profile is installed, mode 0644, and passes --check-config" \
		sh -c "test \"\$(stat -c %a '$P/$p.conf')\" = 644 &&
			'$D/usr/sbin/audisp-kmod-enum' --check-config -c '$P/$p.conf' | grep -q ' OK (4 match rules'"
done
check "the SIEM kit's rsyslog configuration is among the examples, mode 0644" \
	test "$(mode /usr/share/doc/audisp-kmod-enum/examples/rsyslog-audisp-kmod-enum.conf)" = 644
printf 'include = %s/v215.conf\n' "$P" >"$D/site.conf"
check "switching is one include line (v215)" \
	sh -c "'$D/usr/sbin/audisp-kmod-enum' --check-config -c '$D/site.conf' | grep -q 'OK (4 match rules, 41 exclusions, rule .* v215)'"
rm -f "$D/site.conf"
make -C "$B" uninstall DESTDIR="$D" >/dev/null 2>&1
check "make uninstall removes every file" test -z "$(find "$D" -type f)"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
