/*
 * ctx_selftest.c -- a standalone check of libtg's context switch and stack
 * pool, with no libuv: built for another architecture (aarch64) and run
 * under qemu-user by tests/core/cross/run, so that the assembly for an
 * architecture we do not run natively is exercised too.
 *
 * Three fibers and the scheduler ping-pong 1000 times; each fiber keeps
 * integer and floating-point values in locals across every switch, calls
 * a vararg function with doubles (which needs an aligned stack), and the
 * result is compared with the same computation done without switching.
 * Fiber 1 rounds upward: its rounding mode must survive every switch and
 * never leak into the scheduler or the other fibers.
 */
#include <fenv.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fiber.h"

static tg__fiber_ctx sched;
static tg__fiber *fibers[3];
static int finished;
static double results[3];
static int rounding_errors;

/* The rounding mode fiber id must see. */
static int rounding_of(int id)
{
    return id == 1 ? FE_UPWARD : FE_TONEAREST;
}

static double vsum(int n, ...)
{
    va_list ap;
    va_start(ap, n);
    double s = 0;
    for (int i = 0; i < n; i++)
        s += va_arg(ap, double);
    va_end(ap);
    return s;
}

static double compute(int id, int steps, int yield)
{
    double acc = id + 1.5;
    uint64_t iacc = (uint64_t)id * 7 + 3;
    for (int i = 0; i < steps; i++) {
        acc = acc * 1.0000001 + vsum(3, (double)i, 0.25, acc * 1e-9);
        iacc = iacc * 6364136223846793005u + 1442695040888963407u;
        if (yield) {
            tg__fiber_yield(fibers[id], &sched, false);
            rounding_errors += fegetround() != rounding_of(id);
        }
    }
    return acc + (double)(iacc % 1000);
}

static void body(void *arg)
{
    int id = (int)(intptr_t)arg;
    char buf[64];
    snprintf(buf, sizeof buf, "%.3f", 1.0 / 3); /* aligned-stack varargs */
    fesetround(rounding_of(id));
    results[id] = compute(id, 1000, 1) + (strcmp(buf, "0.333") ? 1e9 : 0);
    finished++;
    tg__fiber_yield(fibers[id], &sched, true);
}

int main(void)
{
    tg__fiber_pool pool;
    tg__fiber_pool_init(&pool, 64 * 1024);
    tg__ctx_save_fp(&sched);
    for (int i = 0; i < 3; i++)
        fibers[i] = tg__fiber_get(&pool, body, (void *)(intptr_t)i);
    int rounds = 0;
    while (finished < 3 && rounds < 10000) {
        for (int i = 0; i < 3; i++)
            if (fibers[i]) {
                tg__fiber_resume(&sched, fibers[i]);
                tg__fiber_check(fibers[i], (unsigned long long)i);
                rounding_errors += fegetround() != FE_TONEAREST;
            }
        rounds++;
    }
    int bad = 0;
    for (int i = 0; i < 3; i++) {
        fesetround(rounding_of(i));
        double want = compute(i, 1000, 0);
        fesetround(FE_TONEAREST);
        if (results[i] != want) {
            printf("fiber %d: got %.17g, want %.17g\n", i, results[i], want);
            bad++;
        }
        tg__fiber_put(&pool, fibers[i]);
    }
    tg__fiber_pool_destroy(&pool);
    if (finished != 3)
        printf("only %d of 3 fibers finished\n", finished);
    if (rounding_errors)
        printf("%d switches lost a rounding mode\n", rounding_errors);
    bad += finished != 3 || rounding_errors;
    printf("%s\n", bad ? "ctx_selftest: FAILED" : "ctx_selftest: ok");
    return bad != 0;
}
