#!/bin/sh
# cmdline hook (sourced by dracut): parse the rd.xenlevel* options and record
# them in /run/xenlevel/cmdline for xenlevel-apply, which may run in another
# process (systemd initramfs: each hook stage is its own service).
#
#   rd.xenlevel=0            do not level (status state=disabled)
#   rd.xenlevel.level=PATH   level file to apply (looked up in the initramfs,
#                            then under /sysroot once the root is mounted)
#   rd.xenlevel.strict       a failure to level stops the boot (die) instead
#                            of warning and booting unlevelled
#   rd.xenlevel.timeout=S    kill the agent after S seconds (default 120, 0 none)
command -v getarg > /dev/null || . /lib/dracut-lib.sh

mkdir -p /run/xenlevel
if getargbool 1 rd.xenlevel; then
    xenlevel_enabled=1
else
    xenlevel_enabled=0
fi
xenlevel_level_arg="$(getarg rd.xenlevel.level=)"
if getargbool 0 rd.xenlevel.strict; then
    xenlevel_strict=1
else
    xenlevel_strict=0
fi
{
    echo "enabled=$xenlevel_enabled"
    echo "level=$xenlevel_level_arg"
    echo "strict=$xenlevel_strict"
} > /run/xenlevel/cmdline

if [ "$xenlevel_enabled" = 0 ]; then
    info "xenlevel: disabled by rd.xenlevel=0"
fi
unset xenlevel_enabled xenlevel_level_arg xenlevel_strict
