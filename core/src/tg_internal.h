/*
 * tg_internal.h -- names shared between libtg's own source files (tg__),
 * never installed.  Public names live in core/include/tg.h.
 */
#ifndef TG_INTERNAL_H
#define TG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "tg.h"

/* ---- allocation (alloc.c) ------------------------------------------------
 * Every allocation in libtg goes through these, so that tests can make the
 * n-th one fail (as SQLite's fault-injection tests do). */
void *tg__malloc(size_t n);
void *tg__calloc(size_t count, size_t n);
void *tg__realloc(void *p, size_t n);
char *tg__strdup(const char *s);
char *tg__vasprintf(const char *fmt, va_list ap);
void tg__free(void *p);

/* Makes the n-th allocation from now fail (1 = the next one), and every one
 * after it when sticky; 0 turns injection off.  Test-only. */
void tg__alloc_fail_after(unsigned long n, int sticky);
unsigned long tg__alloc_count(void); /* allocations since start */

/* ---- errors (error.c) ----------------------------------------------------
 * Static, immortal errors: ref/unref do nothing to them.  Used where
 * allocating a fresh error could itself fail. */
tg_error *tg__error_oom(void);             /* MemoryError */
tg_error *tg__error_not_done(void);        /* RuntimeError: task not done */
tg_error *tg__error_cancelled_static(void); /* CancelledError, OOM fallback */
/* While a run is on, the error caches are kept even when no error is
 * alive (errors come and go in waves); false drops them if none is. */
void tg__error_caches_hold(bool hold);

#endif /* TG_INTERNAL_H */
