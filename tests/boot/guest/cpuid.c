/* Guest user-mode CPUID view, for tests/boot/guest/guestcheck: prints
 * "GUESTCPUID leaf:subleaf eax ebx ecx edx" for the leaves that hold the
 * featureset words guestcheck compares.  Built static at test time by
 * tests/boot/guest/mkrootdir into the guest ramdisk. */
#include <stdio.h>
#include <cpuid.h>

static void show(unsigned int leaf, unsigned int sub)
{
    unsigned int a, b, c, d;

    __cpuid_count(leaf, sub, a, b, c, d);
    printf("GUESTCPUID %08x:%08x %08x %08x %08x %08x\n", leaf, sub, a, b, c, d);
}

int main(void)
{
    unsigned int a, b, c, d, max, emax;

    __cpuid(0, max, b, c, d);
    __cpuid(0x80000000, emax, b, c, d);
    (void)a;
    show(1, 0);
    if (max >= 7) {
        show(7, 0);
        show(7, 1);
    }
    if (max >= 0xd)
        show(0xd, 1);
    if (emax >= 0x80000001)
        show(0x80000001, 0);
    if (emax >= 0x80000008)
        show(0x80000008, 0);
    if (emax >= 0x80000021)
        show(0x80000021, 0);
    return 0;
}
