# Checked pools over the captured host reports (sourced by tests/cli/run,
# which runs from tests/ with $X, $T and the t() helper).
#
# The expected levels in data/pools/ were checked by hand (see the closing
# note of the agent-core issue): intel-pool = AND of the three PV defaults,
# + rsba (accumulated from Icelake-Server; arch-caps everywhere, no eibrs),
# - xsave and its dependant xsaveopt (site mask).
D=data
t "pool: intel, accumulated rsba + site mask xsave" 0 "" \
  '$X -c $D/pools/mask-xsave.conf compute --name intel-pool -g 3 $D/SandyBridge.report $D/Haswell-noTSX.report $D/Icelake-Server.report | diff -u $D/pools/intel-pool.level -'
t "pool: amd qemu64+EPYC+EPYC-Rome" 0 "" \
  '$X -c /dev/null compute --name amd-pool -g 1 $D/qemu64.report $D/EPYC.report $D/EPYC-Rome.report | diff -u $D/pools/amd-pool.level -'
t "pool: amd EPYC+EPYC-Rome" 0 "" \
  '$X -c /dev/null compute --name amd-epyc -g 2 $D/EPYC.report $D/EPYC-Rome.report | diff -u $D/pools/amd-epyc.level -'

# name | host | level | exit | stdout must contain
while IFS='|' read -r name host level want re; do
    t "check: $name" "$want" "" \
      "\$X -c /dev/null -H \$D/$host.report check \$D/pools/$level.level > \$T/out; rc=\$?; grep -q -- '$re' \$T/out || { cat \$T/out >&2; exit 99; }; exit \$rc"
done <<'TABLE'
sandybridge honours and masks|SandyBridge|intel-pool|0|verdict: ok
haswell cannot mask 1c (no masking caps)|Haswell-noTSX|intel-pool|5|CPUID 0x00000001.ecx     1c    differs (hides movebe xsave rdrnd): NOT ENFORCEABLE
icelake cannot mask 0xd:1|Icelake-Server|intel-pool|5|0x0000000d:1.eax   Da1   differs (hides xsaveopt xgetbv1): NOT ENFORCEABLE
nehalem lacks features|Nehalem|intel-pool|4|host lacks pv: pclmulqdq aesni
amd level on intel host|Nehalem|amd-pool|6|vendor mismatch
qemu64 honours the amd pool|qemu64|amd-pool|0|verdict: ok
epyc cannot mask 0xd:1 (no xsave_eax cap)|EPYC|amd-pool|5|host lacks the xsave_eax masking cap
epyc-rome cannot mask 0xd:1|EPYC-Rome|amd-pool|5|Da1   differs (hides xsaveopt xgetbv1): NOT ENFORCEABLE
epyc-rome masks clwb in 7:0 ebx|EPYC-Rome|amd-epyc|0|differs (hides clwb): enforced by masking (l7s0_ebx)
qemu64 lacks the epyc pool|qemu64|amd-epyc|4|cannot honour
TABLE
