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
    echo "fetch-source: adding a deb-src entry for bookworm" >&2
    cat > /etc/apt/sources.list.d/xenlevel-src.sources <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
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
