#!/bin/sh
# Print the path of the upstream Xen snapshot for $XEN_VERSION (4.20 or
# master), after checking it against the SHA256SUMS next to it; with
# --sum, print its SHA256SUMS line instead (for cache keys).  Nothing is
# fetched: the snapshots are exact `git archive`s kept outside the clone.
#
#   XEN_VERSION   4.20 or master
#   XEN_SRC_DIR   the directory with the snapshots and SHA256SUMS (default:
#                 ../shared/xen-src next to the clone, else
#                 /work/shared/xen-src)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
ver=${XEN_VERSION:-}

case $ver in
    4.20) tarball=xen-4.20.4.tar.gz ;;
    master) tarball=xen-master-c447b7308b.tar.gz ;;
    *) echo "upstream-source: XEN_VERSION=$ver: no upstream snapshot for it (4.20, master)" >&2; exit 2 ;;
esac

srcdir=${XEN_SRC_DIR:-}
if [ -z "$srcdir" ]; then
    for d in "$here/../../shared/xen-src" /work/shared/xen-src; do
        [ -f "$d/SHA256SUMS" ] && { srcdir=$(cd "$d" && pwd); break; }
    done
fi
if [ -z "$srcdir" ] || [ ! -f "$srcdir/SHA256SUMS" ] || [ ! -f "$srcdir/$tarball" ]; then
    echo "upstream-source: $tarball not found (set XEN_SRC_DIR to the directory holding it and SHA256SUMS)" >&2
    exit 1
fi
sumline=$(grep " $tarball\$" "$srcdir/SHA256SUMS") || {
    echo "upstream-source: $srcdir/SHA256SUMS has no line for $tarball" >&2
    exit 1
}
if [ "${1:-}" = "--sum" ]; then
    echo "$sumline"
    exit 0
fi
(cd "$srcdir" && echo "$sumline" | sha256sum -c --quiet -) >&2 || {
    echo "upstream-source: $srcdir/$tarball does not match SHA256SUMS" >&2
    exit 1
}
echo "$srcdir/$tarball"
