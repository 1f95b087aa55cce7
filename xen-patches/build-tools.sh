#!/bin/sh
# Build the tools libraries of the PATCHED tree (Debian's source +
# xen-patches/4.17/series) that a caller of xc_set_system_cpu_policy() needs:
# libxenguest and what it links against (libxenctrl, libxencall,
# libxenevtchn, libxengnttab, libxenforeignmemory, libxendevicemodel,
# libxentoolcore, libxentoollog), and print the directory holding them.
#
# Configured so that nothing is fetched from the network (no stubdoms,
# firmware, qemu, docs, OCaml or Go); then `make -C tools/include` (the
# generated public headers: without them the build would pick up Debian's
# 4.17 headers in /usr/include/xen) and `make -C tools/libs/<lib>` for just
# these libraries, in dependency order (tools/libs/uselibs.mk).
#
# Output (stdout, one line): $XENLEVEL_CACHE/xen-tools-<key>, with
#   lib/      the static archives (lib*.a) and shared objects (lib*.so*)
#   include/  tools/include with its links resolved (xenguest.h, xenctrl.h,
#             xen/ = the patched public headers, ...)
#   libs      the link line for a static program: -L... -lxenguest ... -lz ...
# <key> is the first 16 hex digits of the sha256 of the source version,
# series + patches, the configure flags and the library list.  Built in a
# temporary directory and renamed into place, like build-xen.sh.
#
#   XENLEVEL_CACHE   cache directory (default /var/cache/xenlevel)
#   XENLEVEL_JOBS    make -j value (default 2)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
# The 4.17 series (4.20 and master build their toolstack in build-xen.sh).
sdir="$here/4.17"
cache=${XENLEVEL_CACHE:-/var/cache/xenlevel}
jobs=${XENLEVEL_JOBS:-2}
# The distribution's interpreter, not a version-manager shim (see
# build-xen.sh).
python=${PYTHON:-$(command -v /usr/bin/python3 || command -v python3)}
ver=${XEN_DEB_VERSION:-4.17.5+72-g01140da4e8-1}

log() { echo "build-tools: $*" >&2; }

conf="--disable-stubdom --disable-qemu-traditional --disable-seabios
      --disable-ipxe --disable-rombios --disable-docs --disable-ocamltools
      --disable-golang --disable-pvshim --with-system-qemu=/usr/bin/qemu-system-i386
      --with-system-seabios=/nonexistent --with-system-ovmf=/nonexistent"
libs="toolcore toollog evtchn gnttab call foreignmemory devicemodel ctrl guest"

patches=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$sdir/series")
key=$( (cd "$sdir" && echo "$ver"; cat series $patches; echo $conf; echo $libs) |
       sha256sum | cut -c1-16)
out="$cache/xen-tools-$key"

if [ -f "$out/libs" ]; then
    log "cached: $out"
    echo "$out"
    exit 0
fi

missing=
for pkg in autoconf autotools-dev gcc make patch pkg-config python3-dev uuid-dev \
           libyajl-dev zlib1g-dev liblzma-dev libbz2-dev libzstd-dev \
           libncurses-dev acpica-tools flex bison; do
    dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null |
        grep -q '^install ok installed' || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
    log "installing build dependencies:$missing"
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        --no-install-recommends $missing >&2
fi

src=$("$here/fetch-source.sh")
mkdir -p "$cache"
tmp=$(mktemp -d "$cache/.xen-tools.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

log "copying $src"
cp -a "$src" "$tmp/src"
rm -rf "$tmp/src/.pc"
for p in $patches; do
    log "applying $p"
    patch -d "$tmp/src" -p1 --batch --forward --quiet < "$sdir/$p" >&2
done

cd "$tmp/src"
# Debian's patches drop the generated configure scripts and the
# config.guess/config.sub that debian/rules copies in (autotools-dev).
cp /usr/share/misc/config.sub /usr/share/misc/config.guess .
log "autogen.sh"
./autogen.sh >&2
log "configure $(echo $conf)"
# shellcheck disable=SC2086
PYTHON=$python ./configure $conf >&2
log "make -C tools/include"
make -C tools/include PYTHON="$python" >&2
for l in $libs; do
    log "make -C tools/libs/$l"
    make -C "tools/libs/$l" -j"$jobs" PYTHON="$python" >&2
done

mkdir -p "$tmp/out/lib"
for l in $libs; do
    cp -a tools/libs/"$l"/lib*.a tools/libs/"$l"/lib*.so* "$tmp/out/lib/"
done
cp -aL tools/include "$tmp/out/include"
# For a static program that does not build domains: the decompressors of
# libxenguest's domain builder (bzip2, lzma, zstd, lzo) are not pulled in
# then; a program that builds domains adds them.
echo "-L$out/lib -lxenguest -lxenctrl -lxendevicemodel -lxenforeignmemory" \
     "-lxengnttab -lxenevtchn -lxencall -lxentoollog -lxentoolcore -lz" \
     > "$tmp/out/libs"
(cd "$sdir" && echo "source $ver"; echo "configure $(echo $conf)"; cat series) \
    > "$tmp/out/inputs"

mv -T "$tmp/out" "$out" 2>/dev/null || [ -f "$out/libs" ]
log "built: $out"
echo "$out"
