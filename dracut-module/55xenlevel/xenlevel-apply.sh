#!/bin/sh
# xenlevel-apply: install the levelled default CPU policies into Xen, once,
# before any guest starts.
#
# Hooked at pre-pivot: the real root is mounted at $NEWROOT, and the agent
# decides there (`xenlevel apply --boot --root $NEWROOT`, see xenlevel(8),
# BOOT) which site config (the real root's wins over the initramfs's copy)
# and which level apply: rd.xenlevel.level=, else the persisted level, else
# the site level.  No levelling logic and no record formatting live here.
# Other hooks (e.g. a lean image without a real root) can run it earlier by
# sourcing it:  . /sbin/xenlevel-apply  (sourcing keeps rd.xenlevel.strict's
# die semantics; executed as a command it exits 1 instead).  It runs at most
# once per boot (/run/xenlevel/done); XENLEVEL_FORCE=1 runs it again.
# rd.xenlevel.timeout=SECONDS (default 120, 0 = none) bounds the agent's
# run: a hung agent must not hang the boot.
#
# The agent writes /run/xenlevel/status and /run/xenlevel/boot (the boot
# record; xenlevel status shows it); its output is kept in
# /run/xenlevel/agent.log.  /run survives switch_root.
command -v getarg > /dev/null || . /lib/dracut-lib.sh

_xenlevel_log() {
    # $1 = info|warn, rest = message.  Shell init: info/warn reach /dev/kmsg.
    # systemd initramfs: they go to the journal only, so copy to kmsg.
    _xl_lvl=$1
    shift
    if [ "$_xl_lvl" = warn ]; then
        warn "xenlevel: $*"
        [ -n "$DRACUT_SYSTEMD" ] && echo "<28>xenlevel: $*" > /dev/kmsg 2> /dev/null
    else
        info "xenlevel: $*"
        [ -n "$DRACUT_SYSTEMD" ] && echo "<30>xenlevel: $*" > /dev/kmsg 2> /dev/null
    fi
    return 0
}

# _xenlevel_record STATE CAUSE REASON: a record the agent could not write
# itself, written by the agent all the same (one writer of the format).
_xenlevel_record() {
    mkdir -p /run/xenlevel
    [ -x "$_xl_bin" ] || return 0
    "$_xl_bin" -q record --stage initramfs --state "$1" --cause "$2" \
        --reason "$3" > /dev/null 2>&1 || :
}

# _xenlevel_fail CAUSE REASON: not levelled.
_xenlevel_fail() {
    [ -f /run/xenlevel/status ] || _xenlevel_record unlevelled "$1" "$2"
    : > /run/xenlevel/done
    _xenlevel_log warn "************************************************************"
    _xenlevel_log warn "NOT LEVELLED: $2"
    _xenlevel_log warn "guests started on this host may see CPU features that other"
    _xenlevel_log warn "hosts of the pool lack (migration will fail or crash them)"
    _xenlevel_log warn "************************************************************"
    if [ "$_xl_strict" = 1 ]; then
        die "xenlevel: not levelled and rd.xenlevel.strict is set: $2"
    fi
    return 1
}

xenlevel_apply() {
    _xl_bin=@SBINDIR@/xenlevel
    _xl_root="${NEWROOT:-/sysroot}"

    if [ -e /run/xenlevel/done ] && [ "${XENLEVEL_FORCE:-0}" != 1 ]; then
        _xenlevel_log info "already run in this boot"
        return 0
    fi
    mkdir -p /run/xenlevel

    # Options: from the cmdline hook's record, or read them now.
    _xl_enabled=1
    _xl_larg=
    _xl_strict=0
    if [ -f /run/xenlevel/cmdline ]; then
        while IFS='=' read -r _xl_k _xl_v; do
            case "$_xl_k" in
                enabled) _xl_enabled=$_xl_v ;;
                level) _xl_larg=$_xl_v ;;
                strict) _xl_strict=$_xl_v ;;
            esac
        done < /run/xenlevel/cmdline
    else
        getargbool 1 rd.xenlevel || _xl_enabled=0
        _xl_larg="$(getarg rd.xenlevel.level=)"
        getargbool 0 rd.xenlevel.strict && _xl_strict=1
    fi

    if [ "$_xl_enabled" != 1 ]; then
        _xenlevel_record disabled disabled "rd.xenlevel=0"
        : > /run/xenlevel/done
        _xenlevel_log info "disabled by rd.xenlevel=0"
        return 0
    fi

    if [ "$(cat /sys/hypervisor/type 2> /dev/null)" != xen ]; then
        _xenlevel_record disabled not-xen "not running on Xen"
        : > /run/xenlevel/done
        _xenlevel_log info "not running on Xen: nothing to do"
        return 0
    fi

    for _xl_m in xen-privcmd xen-evtchn xenfs; do
        modprobe -q "$_xl_m" > /dev/null 2>&1 || :
    done
    if ! grep -q '^[^ ]* /proc/xen xenfs ' /proc/mounts 2> /dev/null; then
        mount -t xenfs xenfs /proc/xen > /dev/null 2>&1 \
            || _xenlevel_log warn "cannot mount xenfs on /proc/xen"
    fi
    if [ -r /proc/xen/capabilities ] && ! grep -q control_d /proc/xen/capabilities; then
        _xenlevel_record disabled not-dom0 "not the control domain (dom0)"
        : > /run/xenlevel/done
        _xenlevel_log info "not dom0: nothing to do"
        return 0
    fi

    if [ ! -x "$_xl_bin" ]; then
        _xenlevel_fail agent-failed "agent $_xl_bin missing"
        return 1
    fi

    _xl_timeout="$(getarg rd.xenlevel.timeout=)"
    case "$_xl_timeout" in
        '') _xl_timeout=120 ;;
        *[!0-9]*)
            _xenlevel_log warn "rd.xenlevel.timeout=$_xl_timeout is not a number of seconds; using 120"
            _xl_timeout=120
            ;;
    esac
    command -v timeout > /dev/null 2>&1 || _xl_timeout=0

    set -- apply --boot
    # The real root, when one is mounted there (not in a root-less image).
    [ -n "$(ls -A "$_xl_root" 2> /dev/null)" ] && set -- "$@" --root "$_xl_root"
    [ -n "$_xl_larg" ] && set -- "$@" --level "$_xl_larg"
    _xenlevel_log info "running: xenlevel $*"
    rm -f /run/xenlevel/status
    if [ "$_xl_timeout" -gt 0 ]; then
        timeout -k 5 "$_xl_timeout" "$_xl_bin" "$@" > /run/xenlevel/agent.log 2>&1
        _xl_rc=$?
    else
        "$_xl_bin" "$@" > /run/xenlevel/agent.log 2>&1
        _xl_rc=$?
    fi
    _xl_last=
    while IFS= read -r _xl_line || [ -n "$_xl_line" ]; do
        [ -n "$_xl_line" ] || continue
        _xl_last=$_xl_line
        if [ "$_xl_rc" = 0 ]; then
            _xenlevel_log info "agent: $_xl_line"
        else
            _xenlevel_log warn "agent: $_xl_line"
        fi
    done < /run/xenlevel/agent.log

    if [ "$_xl_timeout" -gt 0 ] && { [ "$_xl_rc" = 124 ] || [ "$_xl_rc" = 137 ]; }; then
        # The agent may have levelled and then hung: trust a "levelled"
        # record it wrote (the gate parses it), loudly.
        if "$_xl_bin" -q gate --levelled > /dev/null 2>&1; then
            _xenlevel_log warn "agent killed after ${_xl_timeout}s (rd.xenlevel.timeout), after it recorded that the host is levelled"
            : > /run/xenlevel/done
            return 0
        fi
        rm -f /run/xenlevel/status
        _xenlevel_fail timeout "agent killed after ${_xl_timeout}s (rd.xenlevel.timeout)${_xl_last:+; last output: $_xl_last}"
        return 1
    fi
    if [ "$_xl_rc" != 0 ]; then
        _xenlevel_fail agent-failed "agent exited $_xl_rc${_xl_last:+: $_xl_last}"
        return 1
    fi
    : > /run/xenlevel/done
    _xenlevel_log info "levelled"
    return 0
}

xenlevel_apply
