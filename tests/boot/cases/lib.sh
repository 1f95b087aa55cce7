# shellcheck shell=bash
# Sourced by the boot test cases (tests/boot/cases/*.case, bash).
# Provides: $BOOT (the harness), $AGENT, $DATA (tests/data), $WORK (a
# private temp dir, removed on exit), mklevel, and check-snippet files.
set -u -o pipefail
case_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$case_dir/../../.." && pwd)
BOOT=$repo/tests/boot/boot
AGENT=${XENLEVEL_AGENT:-$repo/agent/xenlevel}
DATA=$repo/tests/data
WORK=$(mktemp -d "${TMPDIR:-/tmp}/xenlevel-case.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
# Stopped (run-all interrupted): still remove it.
trap 'exit 143' TERM
trap 'exit 129' HUP
# A hung agent fails a case in 30 s instead of the hook default 120 s.
AGENT_TIMEOUT=${XENLEVEL_CASE_AGENT_TIMEOUT:-30}

case_fail() {
    echo "FAIL [case]: $*"
    exit 1
}
[[ -x $AGENT ]] || case_fail "agent $AGENT not built (make agent/xenlevel)"

# mklevel OUT NAME GENERATION MODEL...: the pool level of tests/data models
mklevel() {
    local out=$1 name=$2 gen=$3 m reports=()
    shift 3
    for m in "$@"; do
        [[ -f $DATA/$m.report ]] || case_fail "no $DATA/$m.report (tests/boot/capture-reports)"
        reports+=("$DATA/$m.report")
    done
    "$AGENT" compute -o "$out" --name "$name" --generation "$gen" "${reports[@]}" \
        || case_fail "xenlevel compute failed for $*"
}

# Commands (for --cmds) comparing Xen's PV/HVM defaults with the baked level.
cat > "$WORK/defaults-are-level" << 'CMDS'
lvl=${LEVEL_FILE:-/etc/xen/xenlevel/level}
want_pv=$(sed -n '/^\[pv\]/,/^\[/s/^featureset *= *//p' "$lvl")
want_hvm=$(sed -n '/^\[hvm\]/,/^\[/s/^featureset *= *//p' "$lvl")
dyn=$(xen-cpuid | sed -n '/Dynamic sets/,$p')
got_pv=$(echo "$dyn" | awk '/^PV Default/ {print $3}')
got_hvm=$(echo "$dyn" | awk '/^HVM Default/ {print $3}')
xt_expect pv-default-is-level "$got_pv" "$want_pv"
[ -z "$want_hvm" ] || xt_expect hvm-default-is-level "$got_hvm" "$want_hvm"
CMDS
