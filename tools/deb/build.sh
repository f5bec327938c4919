#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make deb RELEASE=bookworm|trixie: the Debian packages kpptp and
# kpptp-dkms, built by dpkg-buildpackage from a clean copy of the tree
# (the files git knows, as they are in the work tree), then checked by
# lintian (errors and warnings fail the build).
#
#   bookworm   on this machine (Debian 12: pppd 2.4.9)
#   trixie     in the cached Debian 13 root (tools/kernel/trixie-root.sh,
#              pppd 2.5.2); the build dependencies are installed there
#              when missing, never on this machine
#
# Output: build/deb/RELEASE/*.deb, the .changes, and lintian.log.
#
# KPPTP_DEB_VERSION=V builds the same tree as version V instead (in
# build/deb/RELEASE-V): the package test's "previous build" to upgrade from.
set -euo pipefail
release=${1:-bookworm}
repo=$(cd "$(dirname "$0")/../.." && pwd)
ver=$(sed -n 's/^#define KPPTP_VERSION "\(.*\)"/\1/p' "$repo/include/kpptp-version.h")
as=${KPPTP_DEB_VERSION:-}
out=$repo/build/deb/$release${as:+-$as}
deps=(debhelper dh-dkms dkms dpkg-dev fakeroot libmnl-dev libnftables-dev pkgconf ppp-dev lintian)

# The debian/changelog entry must carry the one version number.
chver=$(dpkg-parsechangelog -l "$repo/debian/changelog" -S Version)
[[ $chver == "$ver" ]] || {
	echo "deb: debian/changelog says $chver, include/kpptp-version.h says $ver" >&2
	exit 1
}

case $release in
bookworm)
	base=$out
	run() { (cd "$1" && shift && "$@"); }
	;;
trixie)
	root=$("$repo/tools/kernel/trixie-root.sh")
	deps+=(systemd-dev)
	exec 9>"$root/.kpptp-deb.lock"
	flock 9
	"$repo/tools/kernel/root-install.sh" "$root" "${deps[@]}"
	base=$root/tmp/kpptp-deb
	# Run in the root, in the same directory seen from inside it.
	run() {
		local dir=${1#"$root"}
		shift
		chroot "$root" sh -c 'cd "$1" && shift && exec "$@"' sh "$dir" "$@"
	}
	;;
*)
	echo "deb: RELEASE is bookworm or trixie, not '$release'" >&2
	exit 2
	;;
esac

rm -rf "$base" "$out"
mkdir -p "$base/kpptp-$ver" "$out"
git -C "$repo" ls-files -z --cached --others --exclude-standard |
	(cd "$repo" && xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh) |
	(cd "$repo" && tar --null -T - -cf -) | tar -xf - -C "$base/kpptp-$ver"
if [[ -n $as ]]; then
	t=$base/kpptp-$ver
	sed -i "s/^#define KPPTP_VERSION \".*\"/#define KPPTP_VERSION \"$as\"/" "$t/include/kpptp-version.h"
	{
		printf 'kpptp (%s) unstable; urgency=medium\n\n  * The package test'"'"'s build as %s.\n\n' "$as" "$as"
		printf ' -- kpptp developers <kpptp-devel@lists.example.org>  %s\n\n' "$(date -R)"
		cat "$t/debian/changelog"
	} >"$t/debian/changelog.new"
	mv "$t/debian/changelog.new" "$t/debian/changelog"
fi
run "$base/kpptp-$ver" dpkg-buildpackage -us -uc -b >"$out/build.log" 2>&1 || {
	tail -30 "$out/build.log" >&2
	echo "deb: dpkg-buildpackage failed ($out/build.log)" >&2
	exit 1
}
changes=$(cd "$base" && ls ./*.changes)
run "$base" lintian --fail-on error,warning --info "$changes" >"$base/lintian.log" 2>&1 || {
	cat "$base/lintian.log" >&2
	echo "deb: lintian found problems" >&2
	exit 1
}
[[ $base == "$out" ]] || cp "$base"/*.deb "$base"/*.changes "$base"/*.buildinfo "$base/lintian.log" "$out/"
ls "$out"/*.deb
