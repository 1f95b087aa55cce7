#!/bin/sh
# Build xenlevel's patched Xen hypervisor and print the path of its ELF
# (the gunzipped image QEMU's multiboot loader and GRUB's multiboot2 take).
#
#   build-xen.sh           patched hypervisor of $XEN_VERSION (default 4.17):
#                          4.17:         Debian's source (fetch-source.sh)
#                                        + xen-patches/4.17/series,
#                                        hypervisor only (Debian's tools)
#                          4.20, master: the upstream snapshot in
#                                        $XEN_SRC_DIR (SHA256SUMS checked)
#                                        + xen-patches/<version>/series,
#                                        hypervisor AND that version's
#                                        toolstack, installed under
#                                        <dir>/root (DESTDIR of
#                                        `make install-tools`, prefix /usr)
#   build-xen.sh --stock   Debian's packaged hypervisor, gunzipped
#   build-xen.sh --flask   patched hypervisor with XSM/Flask on
#                          (CONFIG_XSM, CONFIG_XSM_FLASK and the built-in
#                          policy CONFIG_XSM_FLASK_POLICY, made by checkpolicy
#                          from tools/flask/policy): compiles the series'
#                          Flask hook and access vector (0005), which
#                          Debian's configuration (XSM off) never builds;
#                          checks that the built policy grants dom0
#                          xen2:set_cpu_policy; also writes xenpolicy-deny,
#                          the same policy without that permission (boot
#                          case 87).  Cached in
#                          $XENLEVEL_CACHE/xen-flask-<key>/ (key: source
#                          version + series + patches + the config lines)
#   build-xen.sh [--flask] --print-key
#                          the cache directory build-xen.sh [--flask] would use
#
# Output (stdout, one line): $XENLEVEL_CACHE/xen-<key>/xen (4.17) or
# $XENLEVEL_CACHE/xen-<version>-<key>/xen, where <key> is the first 16 hex
# digits of the sha256 of series + the patches in order (+ for 4.20 and
# master: the snapshot's checksum, the configure flags).  The directory also
# holds the .config (config), the series used and, for 4.20/master, the
# build times (build-times).  Nothing is rebuilt when it exists: it is built
# in a temporary directory and renamed into place, so an interrupted build
# never looks complete.  Nothing is fetched from the network for 4.20 and
# master.  Logs go to stderr.
#
#   XEN_VERSION      4.17 (default), 4.20 or master
#   XEN_SRC_DIR      upstream snapshots (default: ../shared/xen-src next to
#                    the clone, else /work/shared/xen-src)
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
ver=${XEN_VERSION:-4.17}

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
print_key= flask=
for a in "$@"; do
    case $a in
        --print-key) print_key=1 ;;
        --flask) flask=1 ;;
        *) echo "usage: $0 [--stock | [--flask] [--print-key]]" >&2; exit 2 ;;
    esac
done

sdir="$here/$ver"
[ -f "$sdir/series" ] || { log "XEN_VERSION=$ver: no $sdir/series (versions: $(cd "$here" && ls -d */ | tr -d / | tr '\n' ' '))"; exit 2; }
patches=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$sdir/series")
# The version tag lets the agent tell xenlevel's hypervisor from others
# (xenlevel status: "unpatched hypervisor").
vendor=-xenlevel

upstream=
[ "$ver" = 4.17 ] || upstream=1

# Configure flags of the toolstack (4.20, master): nothing downloaded at
# build time, no stubdoms, no qemu-traditional, no firmware, no docs; no PV
# shim either (tools/firmware/xen-dir: a second hypervisor build, which
# nothing here boots).
CONFIGURE_FLAGS="--prefix=/usr --disable-stubdom --disable-qemu-traditional
 --with-system-qemu=/usr/bin/qemu-system-i386 --disable-seabios
 --disable-ipxe --disable-rombios --disable-docs --disable-ocamltools
 --disable-golang --disable-pvshim"

if [ -z "$upstream" ]; then
    # The 4.17 key is unchanged by the move into xen-patches/4.17/.
    key=$( (cd "$sdir" && cat series $patches; echo "XEN_VENDORVERSION=$vendor") | sha256sum | cut -c1-16)
    out="$cache/xen-$key"
else
    sumline=$("$here/upstream-source.sh" --sum)
    key=$( (echo "$sumline"; cd "$sdir" && cat series $patches
            echo "XEN_VENDORVERSION=$vendor"; echo "$CONFIGURE_FLAGS"
            echo "hypervisor: defconfig; tools: make build-tools install-tools") |
          sha256sum | cut -c1-16)
    out="$cache/xen-$ver-$key"
fi

# The Flask configuration (4.17): Debian's plus these lines (then
# olddefconfig).
flask_config="CONFIG_XSM=y
CONFIG_XSM_FLASK=y
CONFIG_XSM_FLASK_POLICY=y"
if [ -n "$flask" ]; then
    [ -z "$upstream" ] || { log "--flask: 4.17 only"; exit 2; }
    key=$( (cd "$sdir" && echo "${XEN_DEB_VERSION:-4.17.5+72-g01140da4e8-1}"
            cat series $patches; echo "XEN_VENDORVERSION=$vendor"
            echo "$flask_config"; echo "outputs: xen xenpolicy xenpolicy-deny") |
          sha256sum | cut -c1-16)
    out="$cache/xen-flask-$key"
fi

if [ -n "$print_key" ]; then
    echo "$out"
    exit 0
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

tmp=$(mktemp -d "$cache/.xen-build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

if [ -z "$upstream" ]; then
    src=$("$here/fetch-source.sh")
    log "copying $src"
    cp -a "$src" "$tmp/src"
    rm -rf "$tmp/src/.pc"
else
    tarball=$("$here/upstream-source.sh")
    log "unpacking $tarball (checked against SHA256SUMS)"
    mkdir "$tmp/src"
    tar xzf "$tarball" -C "$tmp/src" --strip-components=1
fi

for p in $patches; do
    log "applying $ver/$p"
    patch -d "$tmp/src" -p1 --batch --forward --quiet < "$sdir/$p" >&2
done

mkdir "$tmp/out"
if [ -z "$upstream" ]; then
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
        # The same policy without dom0's xen2:set_cpu_policy, for boot case
        # 87: loaded with flask-loadpolicy, it must make the agent say
        # "denied" (exit 15) and leave the defaults as they were.
        dom0te=$tmp/src/tools/flask/policy/modules/dom0.te
        sed -i 's/coverage_op set_cpu_policy$/coverage_op/' "$dom0te"
        ! grep -q 'coverage_op set_cpu_policy' "$dom0te" ||
            { log "cannot drop set_cpu_policy from $dom0te"; exit 1; }
        mkdir "$tmp/deny"
        make -s -f "$tmp/src/tools/flask/policy/Makefile.common" \
            -C "$tmp/src/tools/flask/policy" XEN_ROOT="$tmp/src" \
            FLASK_BUILD_DIR="$tmp/deny" POLICY_FILENAME="$tmp/out/xenpolicy-deny" >&2
        cmp -s "$tmp/out/xenpolicy" "$tmp/out/xenpolicy-deny" &&
            { log "the deny policy is the full one"; exit 1; }
        log "flask: xenpolicy-deny built (dom0 without xen2:set_cpu_policy)"
    fi
else
    # Build dependencies of the toolstack (the issue's list + liblz4 for
    # master's bzImage loader).
    missing=
    for p in libyajl-dev libzstd-dev libncurses-dev uuid-dev libaio-dev \
             python3-dev acpica-tools libglib2.0-dev libpixman-1-dev \
             libnl-3-dev libnl-route-3-dev libfdt-dev libsystemd-dev \
             liblz4-dev pkg-config; do
        dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
            grep -q '^install ok installed' || missing="$missing $p"
    done
    if [ -n "$missing" ]; then
        log "installing build dependencies:$missing"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
            --no-install-recommends $missing >&2
    fi

    t0=$(date +%s)
    log "hypervisor: make -C xen defconfig; make -C xen -j$jobs"
    # The distribution's python (above) runs the build's generators; the
    # hypervisor's output does not depend on which one (so not in the key).
    make -C "$tmp/src/xen" defconfig XEN_VENDORVERSION="$vendor" PYTHON="$python" >&2
    make -C "$tmp/src/xen" -j"$jobs" XEN_VENDORVERSION="$vendor" PYTHON="$python" >&2
    t1=$(date +%s)
    log "tools: ./configure $(echo $CONFIGURE_FLAGS)"
    # shellcheck disable=SC2086
    (cd "$tmp/src" && ./configure $CONFIGURE_FLAGS) >&2
    log "tools: make -j$jobs build-tools (generates the public headers first)"
    make -C "$tmp/src" -j"$jobs" build-tools >&2
    log "tools: make install-tools DESTDIR=<out>/root"
    make -C "$tmp/src" install-tools DESTDIR="$tmp/out/root" >&2
    t2=$(date +%s)
    printf 'hypervisor %s s\ntools %s s\n' $((t1 - t0)) $((t2 - t1)) \
        > "$tmp/out/build-times"
    log "built in $((t2 - t0)) s (hypervisor $((t1 - t0)) s, tools $((t2 - t1)) s)"
fi

cp "$tmp/src/xen/xen" "$tmp/out/xen"
cp "$tmp/src/xen/.config" "$tmp/out/config"
(cd "$sdir" && cat series) > "$tmp/out/series"
echo "$ver" > "$tmp/out/version"

# Another build may have won the race: keep whichever is in place.
mv -T "$tmp/out" "$out" 2>/dev/null || [ -f "$out/xen" ]
log "built: $out"
echo "$out/xen"
