#!/bin/bash
# 55xenlevel - level CPUID features across a Xen pool from the dom0 initramfs,
# before any guest starts.  No levelling logic lives here: the hooks only call
# the agent ("xenlevel apply --boot --level FILE") and record what happened.
#
# Debian's dracut builds generic images: this module is added to every image
# by the dracut.conf.d drop-in that the xenlevel package (make install)
# ships, /usr/lib/dracut/dracut.conf.d/50-xenlevel.conf; in host-only images
# check() also includes it on its own on a Xen host.
#
# Build-time overrides (environment), mainly for test images:
#   XENLEVEL_BIN    agent binary to install as @SBINDIR@/xenlevel
#                   (default @SBINDIR@/xenlevel)
#   XENLEVEL_CONF   site config to install as /etc/xen/xenlevel.conf
#                   (default /etc/xen/xenlevel.conf, if present)
#   XENLEVEL_LEVEL  level to bake in as /etc/xen/xenlevel/level, the fallback
#                   used when the root has no newer persisted level
#                   (default /etc/xen/xenlevel/level, if present)

_xenlevel_bin() {
    if [[ $XENLEVEL_BIN ]]; then
        echo "$XENLEVEL_BIN"
    else
        echo "$dracutsysrootdir@SBINDIR@/xenlevel"
    fi
}

# called by dracut
check() {
    [[ -x "$(_xenlevel_bin)" ]] || return 1
    # Host-only images: include by default on a Xen host (dom0), otherwise
    # only on request.  Generic images (Debian's default): only on request,
    # which 50-xenlevel.conf (add_dracutmodules+=" xenlevel ") makes.
    if [[ $hostonly ]]; then
        [[ -d /proc/xen || "$(cat /sys/hypervisor/type 2> /dev/null)" == xen ]] && return 0
    fi
    return 255
}

# called by dracut
depends() {
    return 0
}

# called by dracut
installkernel() {
    # Missing modules are tolerated (built-in, or a kernel without Xen).
    hostonly='' instmods xen-privcmd xen-evtchn xenfs xen-gntdev || :
}

# called by dracut
install() {
    local _bin _conf _level
    _bin="$(_xenlevel_bin)"
    _conf="${XENLEVEL_CONF:-$dracutsysrootdir/etc/xen/xenlevel.conf}"
    _level="${XENLEVEL_LEVEL:-$dracutsysrootdir/etc/xen/xenlevel/level}"

    # inst_binary pulls in the shared libraries (libxenctrl, libxenguest,
    # libxencall, libinih, ...) through dracut-install's ldd resolution.
    if ! inst_binary "$_bin" @SBINDIR@/xenlevel; then
        dfatal "xenlevel: cannot install the agent $_bin"
        return 1
    fi
    # glibc dlopens libgcc_s for pthread_cancel/unwinding; cheap insurance.
    inst_libdir_file "libgcc_s.so*" || :

    inst_multiple modprobe mount grep mkdir cat rm mv tr
    inst_multiple -o timeout

    if [[ -f $_conf ]]; then
        inst_simple "$_conf" /etc/xen/xenlevel.conf
    elif [[ $XENLEVEL_CONF ]]; then
        dfatal "xenlevel: site config $XENLEVEL_CONF not found"
        return 1
    fi
    if [[ -f $_level ]]; then
        inst_simple "$_level" /etc/xen/xenlevel/level
    elif [[ $XENLEVEL_LEVEL ]]; then
        dfatal "xenlevel: level $XENLEVEL_LEVEL not found"
        return 1
    fi

    inst_hook cmdline 30 "$moddir/parse-xenlevel.sh"
    inst_hook pre-pivot 50 "$moddir/xenlevel-apply.sh"
    # Also callable from other hooks (source it to keep rd.xenlevel.strict's
    # die semantics): . /sbin/xenlevel-apply
    inst_script "$moddir/xenlevel-apply.sh" /sbin/xenlevel-apply
}
