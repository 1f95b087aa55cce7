#!/bin/sh
# xenlevel-apply: install the levelled default CPU policies into Xen, once,
# before any guest starts.
#
# Hooked at pre-pivot (the root is mounted at $NEWROOT, so the persisted
# newest level $NEWROOT/var/lib/xenlevel/level is preferred over the copy
# baked into the initramfs, unless that copy has a higher generation).  Other hooks (e.g. a lean image without a real
# root) can run it earlier by sourcing it:  . /sbin/xenlevel-apply
# (sourcing keeps rd.xenlevel.strict's die semantics; executed as a command it
# exits 1 instead).  It runs at most once per boot (/run/xenlevel/done);
# XENLEVEL_FORCE=1 runs it again.  rd.xenlevel.timeout=SECONDS (default 120,
# 0 = none) bounds the agent's run: a hung agent must not hang the boot.
#
# Writes /run/xenlevel/status (key=value: state=levelled|unlevelled|disabled,
# level=, generation=, reason=) unless the agent wrote it itself.
# The agent's output is kept in /run/xenlevel/agent.log.
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

# _xenlevel_status STATE REASON [LEVEL [GENERATION]]
_xenlevel_status() {
    mkdir -p /run/xenlevel
    {
        echo "state=$1"
        echo "level=${3-}"
        echo "generation=${4-}"
        echo "reason=$2"
    } > /run/xenlevel/status.new && mv -f /run/xenlevel/status.new /run/xenlevel/status
}

# _xenlevel_generation FILE: the level's generation key, if any
_xenlevel_generation() {
    while IFS= read -r _xl_line || [ -n "$_xl_line" ]; do
        case "$_xl_line" in
            generation*=* | *[[:space:]]generation*=*)
                _xl_key="${_xl_line%%=*}"
                [ "$(trim "$_xl_key")" = generation ] || continue
                trim "${_xl_line#*=}"
                return 0
                ;;
        esac
    done < "$1"
    return 0
}

# _xenlevel_fail REASON [LEVEL [GENERATION]]: not levelled
_xenlevel_fail() {
    [ -f /run/xenlevel/status ] || _xenlevel_status unlevelled "$1" "${2-}" "${3-}"
    : > /run/xenlevel/done
    _xenlevel_log warn "************************************************************"
    _xenlevel_log warn "NOT LEVELLED: $1"
    _xenlevel_log warn "guests started on this host may see CPU features that other"
    _xenlevel_log warn "hosts of the pool lack (migration will fail or crash them)"
    _xenlevel_log warn "************************************************************"
    if [ "$_xl_strict" = 1 ]; then
        die "xenlevel: not levelled and rd.xenlevel.strict is set: $1"
    fi
    return 1
}

xenlevel_apply() {
    _xl_bin=/usr/sbin/xenlevel
    _xl_root="${NEWROOT:-/sysroot}"

    if [ -e /run/xenlevel/done ] && [ "${XENLEVEL_FORCE:-0}" != 1 ]; then
        _xenlevel_log info "already run in this boot ($(grep '^state=' /run/xenlevel/status 2> /dev/null))"
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
        _xenlevel_status disabled "rd.xenlevel=0"
        : > /run/xenlevel/done
        _xenlevel_log info "disabled by rd.xenlevel=0"
        return 0
    fi

    if [ "$(cat /sys/hypervisor/type 2> /dev/null)" != xen ]; then
        _xenlevel_status disabled "not running on Xen"
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
        _xenlevel_status disabled "not the control domain (dom0)"
        : > /run/xenlevel/done
        _xenlevel_log info "not dom0: nothing to do"
        return 0
    fi

    # Which level: rd.xenlevel.level=, else the persisted newest level on the
    # root, else the copy baked into the initramfs.
    _xl_level=
    if [ -n "$_xl_larg" ]; then
        if [ -f "$_xl_larg" ]; then
            _xl_level=$_xl_larg
        elif [ -f "$_xl_root$_xl_larg" ]; then
            _xl_level=$_xl_root$_xl_larg
        else
            _xenlevel_fail "rd.xenlevel.level=$_xl_larg: no such file" "$_xl_larg"
            return 1
        fi
    elif [ -f "$_xl_root/var/lib/xenlevel/level" ]; then
        _xl_level=$_xl_root/var/lib/xenlevel/level
        # ... unless the initramfs was rebuilt with a newer generation
        if [ -f /etc/xen/xenlevel/level ]; then
            _xl_gp="$(_xenlevel_generation "$_xl_level")"
            _xl_gb="$(_xenlevel_generation /etc/xen/xenlevel/level)"
            case "$_xl_gp$_xl_gb" in
                *[!0-9]*) ;;
                *)
                    if [ -n "$_xl_gb" ] && [ "${_xl_gb}" -gt "${_xl_gp:-0}" ]; then
                        _xenlevel_log info "baked-in level (generation $_xl_gb) is newer than $_xl_level (generation ${_xl_gp:-none})"
                        _xl_level=/etc/xen/xenlevel/level
                    fi
                    ;;
            esac
        fi
    elif [ -f /etc/xen/xenlevel/level ]; then
        _xl_level=/etc/xen/xenlevel/level
    else
        _xenlevel_fail "no level (none persisted in $_xl_root/var/lib/xenlevel/level, none in the initramfs)"
        return 1
    fi
    _xl_gen="$(_xenlevel_generation "$_xl_level")"

    if [ ! -x "$_xl_bin" ]; then
        _xenlevel_fail "agent $_xl_bin missing" "$_xl_level" "$_xl_gen"
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

    _xenlevel_log info "applying level $_xl_level${_xl_gen:+ (generation $_xl_gen)}"
    rm -f /run/xenlevel/status
    if [ "$_xl_timeout" -gt 0 ]; then
        timeout -k 5 "$_xl_timeout" "$_xl_bin" apply --boot --level "$_xl_level" > /run/xenlevel/agent.log 2>&1
        _xl_rc=$?
    else
        "$_xl_bin" apply --boot --level "$_xl_level" > /run/xenlevel/agent.log 2>&1
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
        # The agent may have levelled and then hung (e.g. on xenstore, which
        # has no daemon yet): trust a "levelled" status it wrote, loudly.
        if grep -q '^state=levelled$' /run/xenlevel/status 2> /dev/null; then
            _xenlevel_log warn "agent killed after ${_xl_timeout}s (rd.xenlevel.timeout), after it recorded state=levelled"
            : > /run/xenlevel/done
            _xenlevel_log info "levelled: $(grep -v '^$' /run/xenlevel/status | tr '\n' ' ')"
            return 0
        fi
        _xenlevel_fail "agent killed after ${_xl_timeout}s (rd.xenlevel.timeout)${_xl_last:+; last output: $_xl_last}" "$_xl_level" "$_xl_gen"
        return 1
    fi
    if [ "$_xl_rc" != 0 ]; then
        _xenlevel_fail "agent exited $_xl_rc${_xl_last:+: $_xl_last}" "$_xl_level" "$_xl_gen"
        return 1
    fi
    [ -f /run/xenlevel/status ] || _xenlevel_status levelled "" "$_xl_level" "$_xl_gen"
    : > /run/xenlevel/done
    _xenlevel_log info "levelled: $(grep -v '^$' /run/xenlevel/status | tr '\n' ' ')"
    return 0
}

xenlevel_apply
