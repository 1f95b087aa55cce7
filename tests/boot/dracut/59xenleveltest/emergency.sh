#!/bin/sh
# shutdown-emergency hook: die() was called (e.g. rd.xenlevel.strict).
[ -n "${DRACUT_SYSTEMD-}" ] && exec > /dev/console 2>&1
echo "XENLEVEL-TEST EMERGENCY"
if [ -f /run/xenlevel/status ]; then
    while IFS= read -r _l; do echo "XENLEVEL-TEST STATUS $_l"; done < /run/xenlevel/status
fi
echo "XENLEVEL-TEST END emergency"
busybox poweroff -f
