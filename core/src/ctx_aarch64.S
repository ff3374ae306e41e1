/*
 * ctx_aarch64.S -- where a new fiber starts on AArch64 (AAPCS64).
 *
 * The switch itself is inline assembly (ctx.h).  A new context's saved
 * resume address is tg__ctx_entry and its stack pointer the 16-byte
 * aligned top of its stack; the switch lands here with x1 pointing at the
 * context, which is the first field of its tg__fiber.
 */
#if defined(__aarch64__) && !defined(TG_FORCE_UCONTEXT)
    .text
    .globl  tg__ctx_entry
    .hidden tg__ctx_entry
    .type   tg__ctx_entry, %function
    .p2align 4
tg__ctx_entry:
    hint    #36             /* bti j: reached by an indirect branch */
    mov     x29, #0
    mov     x30, #0
    mov     x0, x1
    bl      tg__fiber_main
    brk     #0
    .size   tg__ctx_entry, .-tg__ctx_entry
#endif
    .section .note.GNU-stack,"",%progbits
