#!/bin/sh
# pre-pivot hook (root test image): 55xenlevel's pre-pivot hook has run.
echo "XENLEVEL-TEST BEGIN stage=pre-pivot${DRACUT_SYSTEMD:+ (systemd)}" > /dev/console
/usr/lib/xenleveltest/run pre-pivot
