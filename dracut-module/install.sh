#!/bin/sh
# install.sh MODULEDIR [SBINDIR]: install the 55xenlevel dracut module into
# MODULEDIR (e.g. $DESTDIR/usr/lib/dracut/modules.d/55xenlevel), with the
# agent's path (SBINDIR/xenlevel, default /usr/sbin) substituted for
# @SBINDIR@.  Used by `make install`, `make deb` and the boot tests, so that
# every image carries the module exactly as installed.
set -eu
dst=${1:?usage: install.sh MODULEDIR [SBINDIR]}
sbindir=${2:-/usr/sbin}
src=$(dirname "$0")/55xenlevel
install -d "$dst"
for f in module-setup.sh parse-xenlevel.sh xenlevel-apply.sh; do
    sed "s|@SBINDIR@|$sbindir|g" "$src/$f" > "$dst/$f.tmp"
    chmod 0755 "$dst/$f.tmp"
    mv -f "$dst/$f.tmp" "$dst/$f"
done
