#!/bin/sh
# pre-udev hook (lean test image): level, run the test commands, power off.
echo "XENLEVEL-TEST BEGIN stage=pre-udev"
. /sbin/xenlevel-apply
/usr/lib/xenleveltest/run pre-udev
