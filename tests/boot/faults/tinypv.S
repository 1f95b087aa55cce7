/*
 * tinypv.S - the smallest 64-bit PV "kernel" libxenguest's ELF loader
 * accepts: Xen ELF notes, an entry that spins, a hypercall page.  The
 * fault-matrix boot test (tests/boot/cases/86-fault-matrix) creates
 * domains from it with `xl create -p` (the real two-step build: domain
 * creation, then xc_cpuid_apply_policy()) and destroys them unstarted, so
 * that a domain takes a fraction of a second instead of the ~10 s a Linux
 * kernel costs under TCG.  Built by the case: gcc -nostdlib -static.
 */
#define ELFNOTE(type, desc)                     \
    .pushsection .note.Xen, "a", @note;         \
    .balign 4;                                  \
    .long 2f - 1f;                              \
    .long 4f - 3f;                              \
    .long type;                                 \
1:  .asciz "Xen";                               \
2:  .balign 4;                                  \
3:  desc;                                       \
4:  .balign 4;                                  \
    .popsection

/* Numbers from xen/include/public/elfnote.h. */
ELFNOTE(6, .asciz "tinypv")             /* XEN_ELFNOTE_GUEST_OS */
ELFNOTE(7, .asciz "0")                  /* XEN_ELFNOTE_GUEST_VERSION */
ELFNOTE(5, .asciz "xen-3.0")            /* XEN_ELFNOTE_XEN_VERSION */
ELFNOTE(8, .asciz "generic")            /* XEN_ELFNOTE_LOADER */
ELFNOTE(3, .quad 0)                     /* XEN_ELFNOTE_VIRT_BASE */
ELFNOTE(4, .quad 0)                     /* XEN_ELFNOTE_PADDR_OFFSET */
ELFNOTE(1, .quad _start)                /* XEN_ELFNOTE_ENTRY */
ELFNOTE(2, .quad hypercall_page)        /* XEN_ELFNOTE_HYPERCALL_PAGE */

    .text
    .globl _start
_start:
    jmp _start

    .balign 4096
hypercall_page:
    .fill 4096, 1, 0xcc
