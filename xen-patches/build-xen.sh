#!/bin/sh
# Build xenlevel's patched Xen hypervisor and print the path of its ELF
# (the gunzipped image QEMU's multiboot loader and GRUB's multiboot2 take).
#
#   build-xen.sh           patched hypervisor: Debian's source (fetch-source.sh)
#                          + the patches listed in xen-patches/series
#   build-xen.sh --stock   Debian's packaged hypervisor, gunzipped
#
# Output (stdout, one line): $XENLEVEL_CACHE/xen-<key>/xen, where <key> is
# the first 16 hex digits of the sha256 of series + the patches in order.
# The directory also holds the .config and the series used.  Nothing is
# rebuilt when it exists: it is built in a temporary directory and renamed
# into place, so an interrupted build never looks complete.  Logs go to
# stderr.
#
#   XENLEVEL_CACHE   cache directory (default /var/cache/xenlevel)
#   XENLEVEL_JOBS    make -j value (default 2)
#   XEN_STOCK_GZ     packaged hypervisor (default /boot/xen-4.17-amd64.gz)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
cache=${XENLEVEL_CACHE:-/var/cache/xenlevel}
jobs=${XENLEVEL_JOBS:-2}

log() { echo "build-xen: $*" >&2; }

mkdir -p "$cache"

if [ "${1:-}" = "--stock" ]; then
    gz=${XEN_STOCK_GZ:-/boot/xen-4.17-amd64.gz}
    [ -f "$gz" ] || { log "$gz missing (install xen-hypervisor-4.17-amd64)"; exit 1; }
    key=$(sha256sum "$gz" | cut -c1-16)
    out="$cache/xen-stock-$key"
    if [ ! -f "$out/xen" ]; then
        tmp=$(mktemp -d "$cache/.xen-stock.XXXXXX")
        trap 'rm -rf "$tmp"' EXIT
        log "gunzipping $gz"
        zcat "$gz" > "$tmp/xen"
        mv -T "$tmp" "$out" 2>/dev/null || [ -f "$out/xen" ]
    fi
    echo "$out/xen"
    exit 0
elif [ $# -ne 0 ]; then
    echo "usage: $0 [--stock]" >&2
    exit 2
fi

patches=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$here/series")
# The version tag lets the agent tell xenlevel's hypervisor from Debian's
# (xenlevel status: "unpatched hypervisor").
vendor=-xenlevel
key=$( (cd "$here" && cat series $patches; echo "XEN_VENDORVERSION=$vendor") | sha256sum | cut -c1-16)
out="$cache/xen-$key"

if [ -f "$out/xen" ]; then
    log "cached: $out"
    echo "$out/xen"
    exit 0
fi

missing=
for tool in flex bison python3 gcc make patch; do
    command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
if [ -n "$missing" ]; then
    log "installing build dependencies:$missing"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        flex bison python3 gcc make patch >&2
fi

src=$("$here/fetch-source.sh")

tmp=$(mktemp -d "$cache/.xen-build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

log "copying $src"
cp -a "$src" "$tmp/src"
rm -rf "$tmp/src/.pc"

for p in $patches; do
    log "applying $p"
    patch -d "$tmp/src" -p1 --batch --forward --quiet < "$here/$p" >&2
done

log "configuring like Debian (debian/xen-kconfig + olddefconfig)"
cp "$tmp/src/debian/xen-kconfig" "$tmp/src/xen/.config"
make -C "$tmp/src/xen" olddefconfig XEN_VENDORVERSION="$vendor" >&2

log "building (make -C xen -j$jobs)"
make -C "$tmp/src/xen" -j"$jobs" XEN_VENDORVERSION="$vendor" >&2

mkdir "$tmp/out"
cp "$tmp/src/xen/xen" "$tmp/out/xen"
cp "$tmp/src/xen/.config" "$tmp/out/config"
(cd "$here" && cat series) > "$tmp/out/series"

# Another build may have won the race: keep whichever is in place.
mv -T "$tmp/out" "$out" 2>/dev/null || [ -f "$out/xen" ]
log "built: $out"
echo "$out/xen"
