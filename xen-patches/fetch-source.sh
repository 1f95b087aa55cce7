#!/bin/sh
# Fetch Debian bookworm's Xen source package into the xenlevel cache and
# print the path of the unpacked tree.  Idempotent.
#
#   XENLEVEL_CACHE   cache directory (default /var/cache/xenlevel)
#   XEN_DEB_VERSION  source version (default 4.17.5+72-g01140da4e8-1, the
#                    newest one Debian serves: the security version's
#                    source is not published)
set -eu

cache=${XENLEVEL_CACHE:-/var/cache/xenlevel}
ver=${XEN_DEB_VERSION:-4.17.5+72-g01140da4e8-1}
upver=${ver%-*}
dir="$cache/src/xen-$ver"
tree="$dir/xen-$upver"

if [ -f "$tree/.xenlevel-complete" ]; then
    echo "$tree"
    exit 0
fi

need_update=
if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ &&
   ! grep -qs '^deb-src ' /etc/apt/sources.list; then
    # Source entries for the machine's own mirrors: the URIs and suites of
    # its "deb" entries, with Types: deb-src (never an address of ours).
    echo "fetch-source: adding deb-src entries derived from this machine's apt sources" >&2
    "$(dirname "$0")/apt-sources" --types deb-src \
        > /etc/apt/sources.list.d/xenlevel-src.sources.tmp
    mv /etc/apt/sources.list.d/xenlevel-src.sources.tmp \
        /etc/apt/sources.list.d/xenlevel-src.sources
    need_update=1
fi
if [ -n "$need_update" ] || ! apt-cache showsrc "xen=$ver" >/dev/null 2>&1 ||
   [ -z "$(apt-cache showsrc "xen=$ver" 2>/dev/null)" ]; then
    apt-get update -q >&2
fi
command -v dpkg-source >/dev/null || \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q dpkg-dev >&2

rm -rf "$dir"
mkdir -p "$dir"
(cd "$dir" && apt-get source -q "xen=$ver" >&2)
[ -d "$tree" ] || { echo "fetch-source: $tree missing after apt-get source" >&2; exit 1; }
touch "$tree/.xenlevel-complete"
echo "$tree"
