#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# checkpatch --strict over the module (and the uapi header), with the
# checkpatch.pl of the kernel source Debian ships (linux-source-6.1).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cp_dir=$repo/build/checkpatch
if [[ ! -x $cp_dir/scripts/checkpatch.pl ]]; then
	tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -1)
	[[ -n $tarball ]] || { echo "style: linux-source missing: run 'make deps'" >&2; exit 1; }
	mkdir -p "$cp_dir"
	tar -xJf "$tarball" -C "$cp_dir" --strip-components=1 --wildcards \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch'
fi
cd "$repo"
"$cp_dir/scripts/checkpatch.pl" --strict --no-tree --terse --show-types \
	--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG \
	-f $(ls module/*.c module/*.h | grep -v "\.mod\.c$") include/uapi/linux/kpptp.h
