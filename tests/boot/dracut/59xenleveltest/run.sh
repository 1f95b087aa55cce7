#!/bin/sh
# Run /etc/xenleveltest/cmds, print the end marker, power off.
stage=${1:-unknown}
# systemd initramfs: the hook's stdout goes to the journal; we want the console.
[ -n "${DRACUT_SYSTEMD-}" ] && exec > /dev/console 2>&1
PATH="$PATH:/usr/lib/xenleveltest/bin"
export PATH
# Keep kernel chatter (below errors) off the console while the cmds print.
busybox dmesg -n 4 2> /dev/null
# The tools need these even when the xenlevel hook did not run (rd.xenlevel=0).
for m in xen-privcmd xen-evtchn xenfs xen-gntdev; do modprobe -q "$m" 2> /dev/null; done
grep -q '^[^ ]* /proc/xen xenfs ' /proc/mounts || mount -t xenfs xenfs /proc/xen
if [ -f /run/xenlevel/status ]; then
    while IFS= read -r l; do echo "XENLEVEL-TEST STATUS $l"; done < /run/xenlevel/status
else
    echo "XENLEVEL-TEST STATUS (no /run/xenlevel/status)"
fi
echo "XENLEVEL-TEST CMDS BEGIN"
sh -c '. /usr/lib/xenleveltest/lib.sh; . /etc/xenleveltest/cmds' < /dev/null
rc=$?
echo "XENLEVEL-TEST CMDS END rc=$rc"
[ "$rc" = 0 ] || echo "XENLEVEL-TEST FAIL cmds exit status $rc"
echo "XENLEVEL-TEST END stage=$stage"
sync
busybox poweroff -f
