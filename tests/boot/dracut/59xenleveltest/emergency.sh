#!/bin/sh
# shutdown-emergency hook: die() was called (e.g. rd.xenlevel.strict).
echo "XENLEVEL-TEST EMERGENCY"
if [ -f /run/xenlevel/status ]; then
    while IFS= read -r _l; do echo "XENLEVEL-TEST STATUS $_l"; done < /run/xenlevel/status
fi
echo "XENLEVEL-TEST END emergency"
busybox poweroff -f
