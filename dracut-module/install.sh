#!/bin/sh
# install.sh DESTDIR: install the 55xenlevel dracut module under
# DESTDIR/usr/lib/dracut/modules.d/55xenlevel (called by the top-level Makefile).
set -eu
destdir=${1:-}
src=$(dirname "$0")/55xenlevel
dst="$destdir/usr/lib/dracut/modules.d/55xenlevel"
install -d "$dst"
install -m 0755 "$src/module-setup.sh" "$src/parse-xenlevel.sh" "$src/xenlevel-apply.sh" "$dst/"
