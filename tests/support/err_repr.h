/*
 * err_repr.h -- a compact, Python-like repr of a tg_error for the error
 * tests, e.g. ExceptionGroup('eg', [ValueError('a'), TypeError('b')]).
 * tests/core/parity/verify.py prints CPython's exceptions in the same form,
 * so an expected string can be checked against CPython 3.11.
 */
#ifndef ERR_REPR_H
#define ERR_REPR_H

#include "tg.h"

enum {
    ERR_REPR_LINKS = 1, /* also cause=..., context=..., suppress_context */
};

/*
 * The repr of e (or "None" for NULL):
 *   Type('message')                      a leaf
 *   Type('message', [member, ...])       a group
 * followed, inside the parentheses, by ", notes=['a', 'b']" when e has
 * notes, and with ERR_REPR_LINKS by ", cause=<repr>", ", context=<repr>"
 * and ", suppress_context=True" when set.  Returns a malloc'd string the
 * caller frees; aborts on OOM (tests only).
 */
char *err_repr(const tg_error *e, unsigned flags);

#endif /* ERR_REPR_H */
