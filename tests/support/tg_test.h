/*
 * tg_test.h -- helpers shared by libtg's cmocka tests.
 *
 * cmocka's assertions longjmp out of the test on failure, which must never
 * happen on a task's stack.  So tasks only record what they see (in a
 * tg_test_log or their own structs) and tests assert after tg_run returns.
 */
#ifndef TG_TEST_H
#define TG_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tg.h"

/* An append-only text log that tasks write to, one event per line. */
typedef struct tg_test_log {
    char buf[16384];
    size_t len;
} tg_test_log;

static inline void tg_test_logf(tg_test_log *log, const char *fmt, ...)
    TG_PRINTF(2, 3);
static inline void tg_test_logf(tg_test_log *log, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(log->buf + log->len, sizeof log->buf - log->len, fmt,
                      ap);
    va_end(ap);
    if (n > 0 && log->len + (size_t)n < sizeof log->buf)
        log->len += (size_t)n;
}

/* Runs fn under virtual time with the given seed. */
static inline tg_result tg_test_run(tg_fn fn, void *arg, uint64_t seed)
{
    tg_options opts = {.virtual_time = true, .seed = seed};
    return tg_run(fn, arg, &opts);
}

/* Every test ends with no error object left alive. */
#define TG_TEST_ASSERT_NO_LEAKED_ERRORS()                                    \
    assert_int_equal(tg_error_live_count(), 0)

#endif /* TG_TEST_H */
