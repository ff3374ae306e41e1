/*
 * err_build.h -- short constructors for the error tests, so a scenario
 * reads like its Python twin in tests/core/parity/verify.py:
 *   G("eg", 2, V("a"), T("b"))  is  ExceptionGroup('eg', [ValueError('a'),
 *                                                      TypeError('b')])
 * G takes ownership of the members it is given (the Python expression
 * would not keep them either).
 */
#ifndef ERR_BUILD_H
#define ERR_BUILD_H

#include <stddef.h>

#include "tg.h"

#define V(m) tg_error_new(&TG_ValueError, "%s", (m))
#define T(m) tg_error_new(&TG_TypeError, "%s", (m))
#define K(m) tg_error_new(&TG_KeyError, "%s", (m))
#define R(m) tg_error_new(&TG_RuntimeError, "%s", (m))
#define OS(m) tg_error_new(&TG_OSError, "%s", (m))
#define CONN(m) tg_error_new(&TG_ConnectionError, "%s", (m))
#define CANCELLED() tg_error_new(&TG_CancelledError, "%s", "")

/* A group of n members; takes ownership of them.  Aborts on a failure to
 * build (the tests that use it do not inject faults while building). */
tg_error *G(const char *msg, size_t n, ...);

/* Adds the n notes to e and returns e. */
tg_error *noted(tg_error *e, size_t n, ...);

/* Sets e's cause and context (owned, may be NULL) as Python's
 * e.__cause__ = cause; e.__context__ = context does: a cause also sets
 * __suppress_context__.  Returns e. */
tg_error *linked(tg_error *e, tg_error *cause, tg_error *context);

#endif /* ERR_BUILD_H */
