#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install packages into a cached build root (tools/kernel/trixie-root.sh)
# when they are missing there, never on this machine. Installing in a
# chroot starts no service. One install at a time per root.
#
# usage: tools/kernel/root-install.sh ROOT PACKAGE...
set -euo pipefail
root=${1:?usage: root-install.sh ROOT PACKAGE...}
shift
exec 8>"$root/.kpptp-install.lock"
flock 8
missing=()
for p in "$@"; do
	chroot "$root" dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q 'install ok installed' || missing+=("$p")
done
((${#missing[@]})) || exit 0
echo "root-install: installing ${missing[*]} in $root" >&2
chroot "$root" env DEBIAN_FRONTEND=noninteractive \
	apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 ||
	{ echo "root-install: apt-get install ${missing[*]} in $root failed" >&2; exit 1; }
