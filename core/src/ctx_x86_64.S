/*
 * ctx_x86_64.S -- where a new fiber starts on x86-64 (System V ABI).
 *
 * The switch itself is inline assembly (ctx.h).  A new context's saved
 * resume address is tg__ctx_entry and its stack pointer the 16-byte
 * aligned top of its stack; the switch lands here with %rsi pointing at
 * the context, which is the first field of its tg__fiber.
 */
#if defined(__x86_64__) && !defined(TG_FORCE_UCONTEXT)
    .text
    .globl  tg__ctx_entry
    .hidden tg__ctx_entry
    .type   tg__ctx_entry, @function
    .p2align 4
tg__ctx_entry:
    .cfi_startproc
    .cfi_undefined rip
#if defined(__CET__) && (__CET__ & 1)
    endbr64
#endif
    xorl    %ebp, %ebp
    movq    %rsi, %rdi
    callq   tg__fiber_main
    ud2
    .cfi_endproc
    .size   tg__ctx_entry, .-tg__ctx_entry
#endif
    .section .note.GNU-stack,"",@progbits
