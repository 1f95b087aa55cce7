#!/bin/bash
# 59xenleveltest - test-only dracut module for tests/boot/boot.
# Adds busybox, xen-cpuid, xl, the test commands and the hooks that run them
# after the xenlevel hook, print an end marker and power off.
#
# Environment (set by tests/boot/boot):
#   XENLEVEL_TEST_MODE  lean (default): no udev/real root; a cmdline hook fakes
#                       root=, and xenlevel-apply + the commands run at pre-udev.
#                       root: the real root is mounted; the commands run at
#                       pre-pivot after 55xenlevel's pre-pivot hook.
#   XENLEVEL_TEST_CMDS  file of shell commands (sourced after lib.sh)
#   XENLEVEL_TEST_XEN_TOOLS  another Xen's toolstack (DESTDIR of its
#                       install-tools): its libraries into /usr/lib, its
#                       tools instead of Debian's 4.17 ones (dracut runs
#                       with DRACUT_LDD resolving them first)

check() {
    return 255
}

depends() {
    echo xenlevel
    return 0
}

# Debian's 4.17 tools: the real binaries, not Debian's /usr/sbin/xl and
# /usr/bin/xen-cpuid wrappers (they read /sys/hypervisor/version).
_xen417_install() {
    inst_binary /usr/lib/xen-4.17/bin/xen-cpuid /usr/bin/xen-cpuid || {
        dfatal "xenleveltest: /usr/lib/xen-4.17/bin/xen-cpuid (xen-utils-4.17) is needed"
        return 1
    }
    inst_binary /usr/lib/xen-4.17/bin/xl /usr/sbin/xl || :
    inst_libdir_file "libgcc_s.so*" || :
    [[ -f /etc/xen/xl.conf ]] && inst_simple /etc/xen/xl.conf
    return 0
}

# Another Xen's toolstack (no Debian 4.17 Xen library in this image: the
# loader finds only these, in /usr/lib).  The guest tools are where
# tests/boot/guest/guests.sh's XB points for it: /usr/lib/xen/bin.
_xen_tools_install() {
    local _t=$XENLEVEL_TEST_XEN_TOOLS _f _d
    mkdir -p "$initdir/usr/lib" "$initdir/usr/lib/xen/bin"
    cp -a "$_t"/usr/lib/lib*.so* "$initdir/usr/lib/" || return 1
    for _f in xen-cpuid:/usr/bin/xen-cpuid xl:/usr/sbin/xl \
              xenstored:/usr/lib/xen/bin/xenstored \
              xenconsoled:/usr/lib/xen/bin/xenconsoled \
              xen-init-dom0:/usr/lib/xen/bin/xen-init-dom0 \
              xenconsole:/usr/lib/xen/bin/xenconsole; do
        for _d in usr/sbin usr/bin usr/lib/xen/bin usr/libexec/xen/bin; do
            [[ -x $_t/$_d/${_f%%:*} ]] || continue
            inst_binary "$_t/$_d/${_f%%:*}" "${_f#*:}" || return 1
            continue 2
        done
        dfatal "xenleveltest: ${_f%%:*} not found in $_t"
        return 1
    done
    inst_libdir_file "libgcc_s.so*" || :
    [[ -f $_t/etc/xen/xl.conf ]] && inst_simple "$_t/etc/xen/xl.conf" /etc/xen/xl.conf
    return 0
}

install() {
    local _bb _a
    _bb=/bin/busybox
    [[ -x $_bb ]] || _bb=/usr/bin/busybox
    inst_simple "$_bb" /usr/bin/busybox || {
        dfatal "xenleveltest: busybox (busybox-static) is needed"
        return 1
    }
    # Applets in a directory of their own, appended to PATH by the runner,
    # so they never shadow the image's real tools.
    mkdir -p "$initdir/usr/lib/xenleveltest/bin"
    for _a in $("$_bb" --list); do
        ln -sf /usr/bin/busybox "$initdir/usr/lib/xenleveltest/bin/$_a"
    done

    if [[ $XENLEVEL_TEST_XEN_TOOLS ]]; then
        _xen_tools_install || return 1
    else
        _xen417_install || return 1
    fi

    inst_simple "$moddir/lib.sh" /usr/lib/xenleveltest/lib.sh
    inst_script "$moddir/run.sh" /usr/lib/xenleveltest/run
    mkdir -p "$initdir/etc/xenleveltest"
    if [[ $XENLEVEL_TEST_CMDS ]]; then
        inst_simple "$XENLEVEL_TEST_CMDS" /etc/xenleveltest/cmds || return 1
    else
        : > "$initdir/etc/xenleveltest/cmds"
    fi

    inst_hook shutdown-emergency 10 "$moddir/emergency.sh"
    case "${XENLEVEL_TEST_MODE:-lean}" in
        lean)
            inst_hook cmdline 99 "$moddir/lean-root.sh"
            inst_hook pre-udev 90 "$moddir/lean-run.sh"
            ;;
        root)
            inst_hook pre-pivot 90 "$moddir/pivot-run.sh"
            ;;
        *)
            dfatal "xenleveltest: unknown XENLEVEL_TEST_MODE=$XENLEVEL_TEST_MODE"
            return 1
            ;;
    esac
}
