#!/usr/bin/env bash
# The Debian package: scripts/package.sh builds it (its own build dir under
# PACKAGE_BUILD_DIR, the three binaries only, objects from ccache), lintian
# reports no error and no warning, and the package holds what an operator
# needs: the binaries, the units, the conffile, the man pages, completion,
# the sysusers/tmpfiles snippets, copyright and changelog; Depends computed
# by dpkg-shlibdeps. The extracted binaries run (ftactl --version,
# fta-hostd --print-config with the packaged config file).
# Exit 77 (skipped) without dpkg-deb or lintian.
set -uo pipefail
SRC=${1:?usage: package_test.sh SOURCE_DIR PACKAGE_BUILD_DIR}
PKG_BUILD=${2:?usage: package_test.sh SOURCE_DIR PACKAGE_BUILD_DIR}
for tool in dpkg-deb dpkg-shlibdeps lintian; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIPPED: $tool is not installed (scripts/install-deps.sh installs it)"
    exit 77
  fi
done
failures=0
fail() { echo "FAIL $*"; failures=$((failures + 1)); }

start=$(date +%s)
deb=$(BUILD_DIR=$PKG_BUILD "$SRC/scripts/package.sh" | tail -1)
if [[ ! -f $deb ]]; then
  echo "FAIL scripts/package.sh made no package"
  exit 1
fi
echo "built $(basename "$deb") in $(($(date +%s) - start)) s ($(du -k "$deb" | cut -f1) KiB)"

# lintian: no error, no warning (informational tags are shown, not counted).
lintian_out=$(lintian --display-info "$deb" 2>&1 | grep -v 'running with root privileges')
echo "lintian:"; sed 's/^/  /' <<<"${lintian_out:-(nothing)}"
grep -qE '^[EW]: ' <<<"$lintian_out" && fail "lintian reports errors or warnings (above)"

files=$(dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|')
for want in /usr/bin/fta-hostd /usr/bin/ftactl /usr/bin/fta-agent /usr/bin/fta-mpi-relay \
            /usr/lib/systemd/system/fta-hostd.service /usr/lib/systemd/system/fta-agent.service \
            /etc/fta-hostd/config.toml /usr/share/man/man1/ftactl.1.gz /usr/share/man/man8/fta-hostd.8.gz \
            /usr/share/man/man8/fta-agent.8.gz /usr/share/man/man8/fta-mpi-relay.8.gz /usr/share/bash-completion/completions/ftactl \
            /usr/lib/sysusers.d/fta-host.conf /usr/lib/tmpfiles.d/fta-host.conf \
            /usr/share/doc/fta-host/copyright /usr/share/doc/fta-host/changelog.gz; do
  grep -qxF "$want" <<<"$files" || fail "the package lacks $want"
done
# Nothing of the tests or benchmarks, nothing under /usr/local.
grep -E '_test$|bench|engine_vs|^/usr/local' <<<"$files" && fail "the package holds test, bench or /usr/local files (above)"

control=$(dpkg-deb -f "$deb")
echo "control:"; sed 's/^/  /' <<<"$control"
grep -qE '^Depends:.*libgrpc\+\+' <<<"$control" || fail "Depends lacks the gRPC library (dpkg-shlibdeps)"
grep -qE '^Depends:.*libvirt0' <<<"$control" || fail "Depends lacks libvirt0 (dpkg-shlibdeps)"
grep -qx 'Section: net' <<<"$control" || fail "Section is not net"
[[ $(dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles) == "/etc/fta-hostd/config.toml" ]] ||
  fail "conffiles is not exactly /etc/fta-hostd/config.toml"

# The unit in the package runs the packaged binary with the packaged config.
root=$(mktemp -d /tmp/fta-package-test.XXXXXX)
trap 'rm -rf "$root"' EXIT
dpkg-deb -x "$deb" "$root"
grep -qx 'ExecStart=/usr/bin/fta-hostd --config /etc/fta-hostd/config.toml' \
  "$root/usr/lib/systemd/system/fta-hostd.service" || fail "fta-hostd.service's ExecStart is not the packaged binary and config"
grep -q '^g fta-admin' "$root/usr/lib/sysusers.d/fta-host.conf" || fail "sysusers.d does not create group fta-admin"
grep -q '^u fta ' "$root/usr/lib/sysusers.d/fta-host.conf" || fail "sysusers.d does not create user fta"
version=$("$root/usr/bin/ftactl" --version 2>&1) || fail "the packaged ftactl does not run: $version"
[[ $version == *"$(dpkg-deb -f "$deb" Version)"* ]] || fail "ftactl --version says '$version', not the package's version"
config=$("$root/usr/bin/fta-hostd" --config "$root/etc/fta-hostd/config.toml" --print-config 2>&1) ||
  fail "the packaged fta-hostd refuses the packaged config: $config"
grep -q 'control_socket_group = "fta-admin"' <<<"$config" || fail "the packaged config does not give the socket to fta-admin"

echo "package: $(wc -l <<<"$files") entries, $failures failure(s)"
((failures == 0))
