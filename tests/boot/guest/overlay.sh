# shellcheck shell=bash
# tests/boot/guest/overlay.sh (sourced): copy host programs into a root-dir
# overlay that the boot test commands copy into dom0's initramfs root
# (tests/boot/guest/mkrootdir, tests/boot/cases/87-flask.case).

# usrpath PATH: where PATH is in dracut's usr-merged image (/lib, /lib64,
# /bin and /sbin are symlinks into /usr there)
usrpath() {
    case $1 in
        /lib/* | /lib64/* | /bin/* | /sbin/*) echo "/usr$1" ;;
        *) echo "$1" ;;
    esac
}

# overlay_install OVERLAY PROGRAM...: each PROGRAM (an absolute path) at
# the same path below OVERLAY, and the libraries they load at the paths the
# loader looks them up (ldd's view)
overlay_install() {
    local ov=$1 p l
    shift
    for p in "$@"; do
        install -D -m 0755 "$p" "$ov$p" || return 1
    done
    for p in "$@"; do ldd "$p"; done |
        awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' | sort -u |
        while read -r l; do
            install -D -m 0755 "$(readlink -f "$l")" "$ov$(usrpath "$l")" || exit 1
        done
}
