/*
 * ctx.h -- the context switch under libtg's fibers.
 *
 * On x86-64 and aarch64 the switch is inline assembly in its caller, not a
 * function: a switch that is called and returns, as most coroutine
 * libraries do it, returns to an address the CPU's return-address stack
 * did not predict (the other side's call site), and every frame the
 * resumed side then returns from mispredicts as well.  Inline, there is no
 * call and no return: the saved side records a resume address, and the
 * switch is an indirect jump the branch predictor learns (every task
 * parks at the same few places).  The compiler saves only the registers
 * it has live, because the assembly declares every register but the
 * stack and frame pointers clobbered; those two it saves itself.
 *
 * The floating-point control state (rounding mode, exception masks,
 * flush-to-zero) is kept per side, as the ABI keeps it across a call.
 * Reading it is slow (stmxcsr alone takes ~13 cycles on Zen 3, more than
 * the rest of the switch), so it is read only where it may have changed:
 * when a fiber switches out.  The scheduler's is read once, when the run
 * starts (tg__ctx_save_fp), and never changes (libtg does not touch it).
 * Loading it is slower still: done only when the two sides' control
 * bits differ (x86's MXCSR also holds sticky exception flags, which any
 * inexact operation sets and the ABI does not preserve: ignored).  A trace
 * hook run on the scheduler's side may change the scheduler's: it is read
 * again after one (loop.c).
 *
 * A jump-based switch between stacks cannot work with a hardware shadow
 * stack (Intel CET SHSTK) or aarch64's shadow call stack, whose return
 * addresses belong to one stack per thread; the assembly files do not
 * mark the objects as compatible, so the linker keeps them off.
 *
 * Elsewhere, or with TG_FORCE_UCONTEXT, swapcontext does the work.
 */
#ifndef TG_CTX_H
#define TG_CTX_H

#include <stdint.h>

#if !defined(TG_FORCE_UCONTEXT) &&                                           \
    (defined(__x86_64__) || defined(__aarch64__))
#define TG_CTX_ASM 1
#else
#define TG_CTX_UCONTEXT 1
#include <ucontext.h>
#endif

/* A saved execution context.  The field offsets are used by the assembly
 * below: keep them in step. */
typedef struct tg__fiber_ctx {
    void *sp; /* stack pointer at the switch */
#ifdef TG_CTX_ASM
    void (*pc)(void); /* where the side resumes */
    void *fp;      /* frame pointer (rbp, x29) */
    uint64_t fpcr; /* x86-64: mxcsr, then the x87 control word; aarch64: FPCR */
#else
    ucontext_t uc;
#endif
} tg__fiber_ctx;

#ifdef TG_CTX_ASM
/* A new context's first code (ctx_<arch>.S): calls tg__fiber_main with
 * the context the switch jumped to, which is its fiber's first field. */
void tg__ctx_entry(void);

/* Makes ctx start in tg__ctx_entry on the stack whose top is top. */
static inline void tg__ctx_init(tg__fiber_ctx *ctx, char *top)
{
    ctx->sp = (void *)((uintptr_t)top & ~(uintptr_t)15);
    ctx->pc = tg__ctx_entry;
    ctx->fp = 0;
#if defined(__x86_64__)
    ctx->fpcr = 0x1F80u | (uint64_t)0x037Fu << 32; /* the ABI's defaults */
#else
    ctx->fpcr = 0; /* round to nearest, no traps */
#endif
}
#endif

#if defined(TG_CTX_ASM) && defined(__x86_64__)

/* An indirect jump's target under Intel CET's branch tracking. */
#if defined(__CET__) && (__CET__ & 1)
#define TG__CTX_LANDING "endbr64\n\t"
#else
#define TG__CTX_LANDING ""
#endif
#ifdef __AVX512F__
#define TG__CTX_HIGH_VECTORS                                                 \
    , "xmm16", "xmm17", "xmm18", "xmm19", "xmm20", "xmm21", "xmm22",         \
        "xmm23", "xmm24", "xmm25", "xmm26", "xmm27", "xmm28", "xmm29",       \
        "xmm30", "xmm31", "k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7"
#else
#define TG__CTX_HIGH_VECTORS
#endif

/* Saves the running side in *from and continues *to.  Returns when some
 * side switches back to *from.  rsi holds to when the jump lands, which
 * is how tg__ctx_entry finds its fiber.  SAVE_FP reads the running side's
 * floating-point control state into *from, or is empty. */
#define TG__CTX_SWITCH(from, to, SAVE_FP)                                    \
    do {                                                                     \
        tg__fiber_ctx *a_ = (from), *b_ = (to); /* garbage after */          \
        __asm__ volatile(                                                    \
            SAVE_FP                                                          \
            "movq    %%rsp, 0(%0)\n\t"                                       \
            "movq    %%rbp, 16(%0)\n\t"                                      \
            "leaq    1f(%%rip), %%rax\n\t"                                   \
            "movq    %%rax, 8(%0)\n\t"                                       \
            "movq    0(%1), %%rsp\n\t"                                       \
            "movq    16(%1), %%rbp\n\t"                                      \
            "movl    24(%1), %%eax\n\t"                                      \
            "xorl    24(%0), %%eax\n\t"                                      \
            "testl   $0xFFC0, %%eax\n\t" /* control bits, not flags */       \
            "jne     2f\n\t"                                                 \
            "movzwl  28(%1), %%eax\n\t"                                      \
            "cmpw    %%ax, 28(%0)\n\t"                                       \
            "jne     2f\n\t"                                                 \
            "jmpq    *8(%1)\n"                                                \
            "2:\n\t"                                                         \
            "ldmxcsr 24(%1)\n\t"                                             \
            "fldcw   28(%1)\n\t"                                             \
            "jmpq    *8(%1)\n"                                                \
            "1:\n\t" TG__CTX_LANDING                                          \
            : "+D"(a_), "+S"(b_)                                             \
            :                                                                \
            : "rax", "rbx", "rcx", "rdx", "r8", "r9", "r10", "r11", "r12",   \
              "r13", "r14", "r15", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4",   \
              "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11",      \
              "xmm12", "xmm13", "xmm14", "xmm15", "st", "st(1)", "st(2)",    \
              "st(3)", "st(4)", "st(5)", "st(6)", "st(7)", "mm0", "mm1",     \
              "mm2", "mm3", "mm4", "mm5", "mm6",                             \
              "mm7" TG__CTX_HIGH_VECTORS, "memory", "cc");                   \
    } while (0)
#define TG__CTX_READ_FP "stmxcsr 24(%0)\n\tfnstcw  28(%0)\n\t"

/* Reads the running side's floating-point control state into ctx. */
static inline void tg__ctx_save_fp(tg__fiber_ctx *ctx)
{
    __asm__ volatile("stmxcsr 24(%0)\n\tfnstcw  28(%0)" : : "r"(ctx) : "memory");
}

#elif defined(TG_CTX_ASM) && defined(__aarch64__)

/* x18 is an ordinary register on Linux (the compiler keeps values in it),
 * but reserved where the platform owns it, and may not be named there. */
#if defined(__APPLE__) || defined(_WIN32)
#define TG__CTX_X18
#else
#define TG__CTX_X18 "x18",
#endif
#ifdef __ARM_FEATURE_SVE
#define TG__CTX_SVE                                                          \
    , "p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9", "p10",     \
        "p11", "p12", "p13", "p14", "p15", "ffr"
#else
#define TG__CTX_SVE
#endif

/* Saves the running side in *from and continues *to, as above; x1 holds
 * to when the jump lands.  "bti j" (a no-op without branch target
 * identification) marks the resume address as a jump target. */
#define TG__CTX_SWITCH(from, to, SAVE_FP)                                    \
    do {                                                                     \
        register tg__fiber_ctx *a_ __asm__("x0") = (from);                   \
        register tg__fiber_ctx *b_ __asm__("x1") = (to);                     \
        __asm__ volatile(                                                    \
            SAVE_FP                                                          \
            "mov     x16, sp\n\t"                                            \
            "adr     x17, 1f\n\t"                                            \
            "stp     x16, x17, [%0, #0]\n\t"                                 \
            "str     x29, [%0, #16]\n\t"                                     \
            "ldp     x16, x17, [%1, #0]\n\t"                                 \
            "mov     sp, x16\n\t"                                            \
            "ldp     x29, x16, [%1, #16]\n\t"                                \
            "ldr     x15, [%0, #24]\n\t"                                     \
            "cmp     x15, x16\n\t"                                           \
            "b.eq    2f\n\t"                                                 \
            "msr     fpcr, x16\n"                                            \
            "2:\n\t"                                                         \
            "br      x17\n"                                                  \
            "1:\n\t"                                                         \
            "hint    #36\n\t"                                                \
            : "+r"(a_), "+r"(b_)                                             \
            :                                                                \
            : "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",  \
              "x12", "x13", "x14", "x15", "x16", "x17", TG__CTX_X18 "x19",   \
              "x20", "x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28", \
              "x30", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8",   \
              "v9", "v10", "v11", "v12", "v13", "v14", "v15", "v16", "v17",  \
              "v18", "v19", "v20", "v21", "v22", "v23", "v24", "v25", "v26", \
              "v27", "v28", "v29", "v30", "v31" TG__CTX_SVE, "memory", "cc"); \
    } while (0)
#define TG__CTX_READ_FP "mrs     x16, fpcr\n\tstr     x16, [%0, #24]\n\t"

/* Reads the running side's floating-point control state into ctx. */
static inline void tg__ctx_save_fp(tg__fiber_ctx *ctx)
{
    uint64_t fpcr;
    __asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
    ctx->fpcr = fpcr;
}

#endif

#ifdef TG_CTX_ASM
/* Switches from a side whose floating-point control state may have
 * changed (a fiber): reads it first. */
static inline __attribute__((always_inline)) void
tg__ctx_switch(tg__fiber_ctx *from, tg__fiber_ctx *to)
{
    TG__CTX_SWITCH(from, to, TG__CTX_READ_FP);
}

/* Switches from a side whose floating-point control state is already in
 * from (the scheduler's, read by tg__ctx_save_fp when the run began). */
static inline __attribute__((always_inline)) void
tg__ctx_switch_fp_saved(tg__fiber_ctx *from, tg__fiber_ctx *to)
{
    TG__CTX_SWITCH(from, to, "");
}
#else
static inline void tg__ctx_save_fp(tg__fiber_ctx *ctx)
{
    (void)ctx; /* swapcontext saves and restores it every time */
}

static inline void tg__ctx_switch(tg__fiber_ctx *from, tg__fiber_ctx *to)
{
    swapcontext(&from->uc, &to->uc);
}

static inline void tg__ctx_switch_fp_saved(tg__fiber_ctx *from,
                                           tg__fiber_ctx *to)
{
    swapcontext(&from->uc, &to->uc);
}
#endif

#endif /* TG_CTX_H */
