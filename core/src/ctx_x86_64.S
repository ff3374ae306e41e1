/*
 * ctx_x86_64.S -- context switch for x86-64 (System V ABI).
 *
 *   void tg__ctx_switch(tg__fiber_ctx *from, tg__fiber_ctx *to);
 *
 * Pushes the callee-saved registers and the x87/SSE control words on the
 * current stack, stores the stack pointer in from->sp, loads to->sp and pops
 * the same frame.  A new context's frame is built by tg__ctx_make (fiber.c)
 * so that the final `ret` lands in tg__ctx_entry with r12 = argument and
 * r13 = function.
 */
#if defined(__x86_64__) && !defined(TG_FORCE_UCONTEXT)
    .text
    .globl  tg__ctx_switch
    .hidden tg__ctx_switch
    .type   tg__ctx_switch, @function
    .p2align 4
tg__ctx_switch:
    .cfi_startproc
    pushq   %rbp
    pushq   %rbx
    pushq   %r12
    pushq   %r13
    pushq   %r14
    pushq   %r15
    subq    $16, %rsp
    fnstcw  (%rsp)
    stmxcsr 8(%rsp)
    movq    %rsp, (%rdi)
    movq    %rsp, %rcx
    movq    (%rsi), %rsp
    /* Loading the control words is slow (it serialises the FPU): do it
     * only when the other side's differ from ours (in %rcx), which is
     * rare. */
    movl    8(%rsp), %eax
    cmpl    %eax, 8(%rcx)
    jne     1f
    movzwl  (%rsp), %eax
    cmpw    %ax, (%rcx)
    jne     1f
2:
    addq    $16, %rsp
    popq    %r15
    popq    %r14
    popq    %r13
    popq    %r12
    popq    %rbx
    popq    %rbp
    ret
1:
    fldcw   (%rsp)
    ldmxcsr 8(%rsp)
    jmp     2b
    .cfi_endproc
    .size   tg__ctx_switch, .-tg__ctx_switch

    .globl  tg__ctx_entry
    .hidden tg__ctx_entry
    .type   tg__ctx_entry, @function
    .p2align 4
tg__ctx_entry:
    .cfi_startproc
    .cfi_undefined rip
    xorl    %ebp, %ebp
    movq    %r12, %rdi
    callq   *%r13
    ud2
    .cfi_endproc
    .size   tg__ctx_entry, .-tg__ctx_entry
#endif
    .section .note.GNU-stack,"",@progbits
