/*
 * ctx_aarch64.S -- context switch for AArch64 (AAPCS64).
 *
 *   void tg__ctx_switch(tg__fiber_ctx *from, tg__fiber_ctx *to);
 *
 * Saves x19-x30 and d8-d15 in a 160-byte frame on the current stack,
 * stores sp in from->sp, loads to->sp and restores the same frame; `ret`
 * goes to the restored x30.  A new context's frame (tg__ctx_make in
 * fiber.c) has x30 = tg__ctx_entry, x19 = argument, x20 = function.
 */
#if defined(__aarch64__) && !defined(TG_FORCE_UCONTEXT)
    .text
    .globl  tg__ctx_switch
    .hidden tg__ctx_switch
    .type   tg__ctx_switch, %function
    .p2align 4
tg__ctx_switch:
    sub     sp, sp, #160
    stp     x19, x20, [sp, #0]
    stp     x21, x22, [sp, #16]
    stp     x23, x24, [sp, #32]
    stp     x25, x26, [sp, #48]
    stp     x27, x28, [sp, #64]
    stp     x29, x30, [sp, #80]
    stp     d8, d9, [sp, #96]
    stp     d10, d11, [sp, #112]
    stp     d12, d13, [sp, #128]
    stp     d14, d15, [sp, #144]
    mov     x2, sp
    str     x2, [x0]
    ldr     x2, [x1]
    mov     sp, x2
    ldp     x19, x20, [sp, #0]
    ldp     x21, x22, [sp, #16]
    ldp     x23, x24, [sp, #32]
    ldp     x25, x26, [sp, #48]
    ldp     x27, x28, [sp, #64]
    ldp     x29, x30, [sp, #80]
    ldp     d8, d9, [sp, #96]
    ldp     d10, d11, [sp, #112]
    ldp     d12, d13, [sp, #128]
    ldp     d14, d15, [sp, #144]
    add     sp, sp, #160
    ret
    .size   tg__ctx_switch, .-tg__ctx_switch

    .globl  tg__ctx_entry
    .hidden tg__ctx_entry
    .type   tg__ctx_entry, %function
    .p2align 4
tg__ctx_entry:
    mov     x29, #0
    mov     x0, x19
    blr     x20
    brk     #0
    .size   tg__ctx_entry, .-tg__ctx_entry
#endif
    .section .note.GNU-stack,"",%progbits
