# Helpers for boot test commands (sourced before the cmds file).
#   xt_pass NAME | xt_fail NAME REASON...
#   xt_check NAME CMD...          PASS if CMD succeeds
#   xt_status KEY                 value of KEY in /run/xenlevel/status
#   xt_expect NAME ACTUAL EXPECTED
#   xt_section NAME CMD...        CMD's output between BEGIN/END markers,
#                                 every line prefixed with "@@NAME@@ "
xt_pass() { echo "XENLEVEL-TEST PASS $1"; }
xt_fail() {
    _n=$1
    shift
    echo "XENLEVEL-TEST FAIL $_n $*"
}
xt_check() {
    _n=$1
    shift
    if "$@"; then xt_pass "$_n"; else xt_fail "$_n" "exit $?: $*"; fi
}
xt_status() {
    sed -n "s/^$1=//p" /run/xenlevel/status 2> /dev/null | head -n 1
}
xt_expect() {
    if [ "$2" = "$3" ]; then xt_pass "$1"; else xt_fail "$1" "got '$2', want '$3'"; fi
}
xt_section() {
    _n=$1
    shift
    _o=/tmp/xt-section.$$
    "$@" > "$_o" 2>&1
    _rc=$?
    echo "XENLEVEL-SECTION BEGIN $_n"
    sed "s/^/@@$_n@@ /" "$_o"
    echo "XENLEVEL-SECTION END $_n rc=$_rc lines=$(wc -l < "$_o") md5=$(md5sum < "$_o" | cut -d' ' -f1)"
    rm -f "$_o"
    return $_rc
}
