#!/bin/sh
# Build and run the series' userspace unit tests (tools/tests/cpu-policy:
# Xen's own test-cpu-policy and the series' test-default-policy) from the
# PATCHED tree of $XEN_VERSION (default 4.17): Debian's source
# (fetch-source.sh) for 4.17, the upstream snapshot (upstream-source.sh) for
# 4.20 and master, + xen-patches/<version>/series, compiled with the patched
# libx86 sources (xen/lib/x86/*.c; xen/arch/x86/lib/cpu-policy/*.c on
# master), as Xen's tools/tests Makefile does, but without configuring the
# tools: the include tree is laid out here the way tools/include/Makefile
# lays it out.
#
#   unit-test.sh           build (cached) and run both tests
#   unit-test.sh --v1      also build test-default-policy with
#                          -DTEST_V1_LOGIC (the first version's logic) and
#                          run it: it is expected to fail; exits 0 if it does
#
# The patched tree is cached in $XENLEVEL_CACHE/xen-unit-<key>/ (4.17) or
# xen-unit-<version>-<key>/ (key as in build-xen.sh).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
cache=${XENLEVEL_CACHE:-/var/cache/xenlevel}
CC=${CC:-gcc}
PYTHON=${PYTHON:-python3}

log() { echo "unit-test: $*" >&2; }

ver=${XEN_VERSION:-4.17}
sdir="$here/$ver"
[ -f "$sdir/series" ] || { log "XEN_VERSION=$ver: no $sdir/series"; exit 2; }
patches=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$sdir/series")
if [ "$ver" = 4.17 ]; then
    key=$(cd "$sdir" && cat series $patches | sha256sum | cut -c1-16)
    out="$cache/xen-unit-$key"
else
    key=$( ("$here/upstream-source.sh" --sum; cd "$sdir" && cat series $patches) |
          sha256sum | cut -c1-16)
    out="$cache/xen-unit-$ver-$key"
fi

if [ ! -f "$out/.complete" ]; then
    mkdir -p "$cache"
    tmp=$(mktemp -d "$cache/.xen-unit.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    if [ "$ver" = 4.17 ]; then
        src=$("$here/fetch-source.sh")
    else
        tarball=$("$here/upstream-source.sh")
        log "unpacking $tarball (checked against SHA256SUMS)"
        src=$tmp/full
        mkdir "$src"
        tar xzf "$tarball" -C "$src" --strip-components=1
    fi
    log "copying $src"
    mkdir "$tmp/src"
    # Only what the userspace build needs (xen/lib moved under
    # xen/arch/x86/lib in 4.22).
    (cd "$src" && tar cf - xen/include xen/arch/x86/include \
        $(ls -d xen/lib xen/arch/x86/lib 2>/dev/null) \
        xen/tools/gen-cpuid.py tools/include tools/tests/cpu-policy \
        tools/libs/guest tools/libs/ctrl xen/arch/x86/cpu-policy.c \
        xen/arch/x86/sysctl.c xen/xsm tools/flask CHANGELOG.md) |
        tar xf - -C "$tmp/src"
    rm -rf "$tmp/full"
    for p in $patches; do
        log "applying $ver/$p"
        patch -d "$tmp/src" -p1 --batch --forward --quiet < "$sdir/$p" >&2
    done

    # The include tree, as tools/include/Makefile lays it out (relative
    # links, so that the tree can be renamed into place).
    s=$tmp/src
    inc=$s/unit-include
    mkdir -p "$inc/xen/lib/x86"
    (cd "$s/xen/include/public" && for f in *; do
        ln -s "../../xen/include/public/$f" "$inc/xen/$f"; done)
    ln -s ../../xen/arch/x86/include/asm "$inc/xen/asm"
    (cd "$s/xen/include/xen/lib/x86" && for f in *.h; do
        ln -s "../../../../xen/include/xen/lib/x86/$f" "$inc/xen/lib/x86/$f"
    done)
    ln -s ../tools/include/xen-tools "$inc/xen-tools"
    "$PYTHON" "$s/xen/tools/gen-cpuid.py" \
        -i "$s/xen/include/public/arch-x86/cpufeatureset.h" \
        -o "$inc/xen/lib/x86/cpuid-autogen.h"
    touch "$s/.complete"
    mv -T "$s" "$out" 2>/dev/null || [ -f "$out/.complete" ]
fi

s=$out
t=$s/tools/tests/cpu-policy
if [ -d "$s/xen/arch/x86/lib/cpu-policy" ]; then
    lib=$(ls "$s"/xen/arch/x86/lib/cpu-policy/*.c)
else
    lib="$s/xen/lib/x86/cpuid.c $s/xen/lib/x86/msr.c $s/xen/lib/x86/policy.c"
fi
cflags="-std=gnu11 -O1 -g -Wall -Werror -Wno-unused-function -D__XEN_TOOLS__
        -I$s/unit-include"

build() { # build OUT SRC [FLAGS]
    o=$1 c=$2
    shift 2
    # shellcheck disable=SC2086
    $CC $cflags "$@" -o "$o" "$c" $lib
}

mkdir -p "$s/bin"
build "$s/bin/test-cpu-policy" "$t/test-cpu-policy.c"
build "$s/bin/test-default-policy" "$t/test-default-policy.c"

rc=0
"$s/bin/test-cpu-policy" | tail -n 1 | sed "s/^/test-cpu-policy ($ver): /" || rc=1
"$s/bin/test-default-policy" || rc=1

if [ "${1:-}" = "--v1" ]; then
    build "$s/bin/test-default-policy-v1" "$t/test-default-policy.c" \
        -DTEST_V1_LOGIC
    if "$s/bin/test-default-policy-v1"; then
        echo "unit-test: v1 logic passes the tests: they prove nothing" >&2
        rc=1
    else
        echo "unit-test: v1 logic fails, as expected"
    fi
fi
exit $rc
