#!/bin/sh
# Build xenlevel's patched Xen hypervisor and print the path of its ELF
# (the gunzipped image QEMU's multiboot loader and GRUB's multiboot2 take).
#
#   build-xen.sh           patched hypervisor: Debian's source (fetch-source.sh)
#                          + the patches listed in xen-patches/series
#   build-xen.sh --stock   Debian's packaged hypervisor, gunzipped
#   build-xen.sh --flask   patched hypervisor with XSM/Flask on
#                          (CONFIG_XSM, CONFIG_XSM_FLASK and the built-in
#                          policy CONFIG_XSM_FLASK_POLICY, made by checkpolicy
#                          from tools/flask/policy): compiles the series'
#                          Flask hook and access vector (0005), which
#                          Debian's configuration (XSM off) never builds;
#                          checks that the built policy grants dom0
#                          xen2:set_cpu_policy.  Cached in
#                          $XENLEVEL_CACHE/xen-flask-<key>/ (key: source
#                          version + series + patches + the config lines)
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
# The distribution's interpreter: Xen's build runs it hundreds of times, and
# a version-manager shim in front of it in PATH costs minutes.
python=${PYTHON:-$(command -v /usr/bin/python3 || command -v python3)}

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
fi
flask=
if [ "${1:-}" = "--flask" ]; then
    flask=1
    shift
fi
if [ $# -ne 0 ]; then
    echo "usage: $0 [--stock | --flask]" >&2
    exit 2
fi

patches=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$here/series")
# The version tag lets the agent tell xenlevel's hypervisor from Debian's
# (xenlevel status: "unpatched hypervisor").
vendor=-xenlevel
key=$( (cd "$here" && cat series $patches; echo "XEN_VENDORVERSION=$vendor") | sha256sum | cut -c1-16)
out="$cache/xen-$key"
# The Flask configuration: Debian's plus these lines (then olddefconfig).
flask_config="CONFIG_XSM=y
CONFIG_XSM_FLASK=y
CONFIG_XSM_FLASK_POLICY=y"
if [ -n "$flask" ]; then
    key=$( (cd "$here" && echo "${XEN_DEB_VERSION:-4.17.5+72-g01140da4e8-1}"
            cat series $patches; echo "XEN_VENDORVERSION=$vendor"
            echo "$flask_config") | sha256sum | cut -c1-16)
    out="$cache/xen-flask-$key"
fi

if [ -f "$out/xen" ]; then
    log "cached: $out"
    echo "$out/xen"
    exit 0
fi

missing=
tools="flex bison python3 gcc make patch"
# The built-in Flask policy needs the SELinux policy compiler.
[ -z "$flask" ] || tools="$tools checkpolicy"
for tool in $tools; do
    command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
if [ -n "$missing" ]; then
    log "installing build dependencies:$missing"
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >&2
fi

src=$("$here/fetch-source.sh")

tmp=$(mktemp -d "$cache/.xen-build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

log "copying $src"
cp -a "$src" "$tmp/src"
rm -rf "$tmp/src/.pc"

for p in $patches; do
    log "applying $p"
    patch -d "$tmp/src" -p1 --batch --forward --quiet < "$here/$p" >&2
done

log "configuring like Debian (debian/xen-kconfig + olddefconfig)"
cp "$tmp/src/debian/xen-kconfig" "$tmp/src/xen/.config"
if [ -n "$flask" ]; then
    log "... with $(echo $flask_config)"
    echo "$flask_config" >> "$tmp/src/xen/.config"
fi
make -C "$tmp/src/xen" olddefconfig XEN_VENDORVERSION="$vendor" PYTHON="$python" >&2
if [ -n "$flask" ]; then
    for c in $flask_config; do
        grep -qx "$c" "$tmp/src/xen/.config" ||
            { log "olddefconfig dropped $c (checkpolicy missing?)"; exit 1; }
    done
fi

log "building (make -C xen -j$jobs)"
make -C "$tmp/src/xen" -j"$jobs" XEN_VENDORVERSION="$vendor" PYTHON="$python" >&2

mkdir "$tmp/out"
if [ -n "$flask" ]; then
    # The series' access vector made it into the generated permissions, the
    # hook was compiled, and the built-in policy (checkpolicy over
    # tools/flask/policy) names the permission dom0 is granted.
    av=$(grep -rh 'XEN2__SET_CPU_POLICY' "$tmp/src/xen/xsm/flask/include" \
         "$tmp/src/xen/include" 2>/dev/null | head -n 1)
    [ -n "$av" ] || { log "XEN2__SET_CPU_POLICY not generated"; exit 1; }
    [ -f "$tmp/src/xen/xsm/flask/hooks.o" ] ||
        { log "xsm/flask/hooks.o not built"; exit 1; }
    pol=$(ls "$tmp/src/xen/xsm/flask/policy.bin" 2>/dev/null ||
          ls "$tmp"/src/tools/flask/policy/xenpolicy-* 2>/dev/null | head -n 1)
    [ -n "$pol" ] && grep -q set_cpu_policy "$pol" ||
        { log "built-in Flask policy ${pol:-(none)} lacks set_cpu_policy"; exit 1; }
    log "flask: $av"
    log "flask: hooks.o built; policy $(basename "$pol") names set_cpu_policy"
    cp "$pol" "$tmp/out/xenpolicy"
fi
cp "$tmp/src/xen/xen" "$tmp/out/xen"
cp "$tmp/src/xen/.config" "$tmp/out/config"
(cd "$here" && cat series) > "$tmp/out/series"

# Another build may have won the race: keep whichever is in place.
mv -T "$tmp/out" "$out" 2>/dev/null || [ -f "$out/xen" ]
log "built: $out"
echo "$out/xen"
