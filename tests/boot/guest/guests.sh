# shellcheck shell=sh
# dom0 helpers for boot test commands that run guests (sourced after
# tests/boot/dracut/59xenleveltest/lib.sh; the root-dir of mkrootdir is at
# /sysroot).  Serial-log markers, read by tests/boot/guest/guestcheck:
#   XG-DOMID NAME ID          the paused guest's domain id
#   @@NAME-policy@@ ...       xen-cpuid -p ID of the paused guest
#   XG-CONSOLE NAME LINE      the guest's console log (GUESTFLAGS ...,
#                             GUESTFPU <its kernel's x86/fpu and xstate lines>)
#   XG-RESULT NAME reason=... how it ended (xl log) and how long it took
XG=${XG:-/sysroot/xg}
# Where xenstored, xen-init-dom0, xenconsoled are; XG_OWN_TOOLS=1: the
# image already has its own toolstack there (boot --xen-tools, another
# Xen's), so the root-dir's 4.17 overlay is not copied.
XB=${XB:-/usr/lib/xen-4.17/bin}

# xg_toolstack: tools into dom0's root (never overwriting), xenstored,
# xen-init-dom0, xenconsoled.
xg_toolstack() {
    [ -n "${XG_OWN_TOOLS:-}" ] || cp -a -n "$XG/overlay/." / || return 1
    for _xgm in xen-privcmd xen-evtchn xenfs xen-gntdev xen-gntalloc; do modprobe -q "$_xgm" 2> /dev/null; done
    grep -q '^[^ ]* /proc/xen xenfs ' /proc/mounts || mount -t xenfs xenfs /proc/xen
    mkdir -p /var/run/xenstored /var/lib/xenstored /var/log/xen/console /var/lib/xen \
        /run/xen /var/lock /var/run/xen
    "$XB/xenstored" --pid-file /var/run/xenstored.pid || return 1
    timeout 60 "$XB/xen-init-dom0" || return 1
    "$XB/xenconsoled" --log=guest --log-dir=/var/log/xen/console || return 1
}

# xg_guest NAME CFG [TIMEOUT]: create paused, print its policy, run it to the
# end (power-off), print its console.
xg_guest() {
    _xgn=$1 _xgc=$2 _xgt=${3:-180}
    _xg0=$(date +%s)
    timeout 120 xl create -p "$_xgc" > /tmp/xg-$_xgn.create 2>&1 || {
        sed "s/^/XG-CREATE $_xgn /" /tmp/xg-$_xgn.create
        xt_fail "$_xgn-create" "xl create -p $_xgc failed"
        return 1
    }
    _xgi=$(xl domid "$_xgn")
    echo "XG-DOMID $_xgn $_xgi"
    xt_section "$_xgn-policy" xen-cpuid -p "$_xgi"
    timeout 60 xl unpause "$_xgn"
    _xgw=0
    while xl domid "$_xgn" > /dev/null 2>&1; do
        sleep 1
        _xgw=$((_xgw + 1))
        if [ $_xgw -ge "$_xgt" ]; then
            xl destroy "$_xgn" 2> /dev/null
            echo "XG-RESULT $_xgn timeout after ${_xgt}s"
            break
        fi
    done
    sleep 1
    tr -d '\r' < /var/log/xen/console/guest-$_xgn.log 2> /dev/null | sed "s/^/XG-CONSOLE $_xgn /"
    _xgr=$(sed -n 's/.*reason code \([0-9]*\).*/\1/p' /var/log/xen/xl-$_xgn.log 2> /dev/null | tail -n 1)
    echo "XG-RESULT $_xgn reason=${_xgr:-?} seconds=$(($(date +%s) - _xg0))"
    [ "$_xgr" = 0 ]
}

# xg_guest_xsave NAME CFG TRIES [TIMEOUT]: xg_guest, but a run whose guest
# kernel hit the TCG xsave flake (its console has "XSAVE consistency
# problem"; tests/boot/README.md, "Guests without xsave") is run again in
# the same boot, up to TRIES runs in all.  Only the last run's lines are
# printed as xg_guest prints them; an earlier run's are printed with an
# "XG-TRY NAME K: " prefix, which no parser reads as a marker or a verdict.
xg_guest_xsave() {
    _xxn=$1 _xxc=$2 _xxm=$3 _xxt=${4:-180} _xxk=1
    while :; do
        rm -f /var/log/xen/console/guest-"$_xxn".log
        xg_guest "$_xxn" "$_xxc" "$_xxt" > /tmp/xg-try.$$ 2>&1
        _xxr=$?
        if [ "$_xxk" -ge "$_xxm" ] ||
            ! grep -q "^XG-CONSOLE $_xxn .*XSAVE consistency problem" /tmp/xg-try.$$; then
            cat /tmp/xg-try.$$
            rm -f /tmp/xg-try.$$
            return $_xxr
        fi
        sed "s/^/XG-TRY $_xxn $_xxk: /" /tmp/xg-try.$$
        echo "XG-TRY $_xxn $_xxk: the guest kernel hit the TCG xsave flake; running it again ($((_xxk + 1)) of at most $_xxm)"
        _xxk=$((_xxk + 1))
    done
}
