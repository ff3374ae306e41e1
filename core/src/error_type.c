/*
 * error_type.c -- the built-in error types and the is-a test.  Types form a
 * single-inheritance tree mirroring Python's exception hierarchy; the one
 * place where Python has two bases (ExceptionGroup is both a
 * BaseExceptionGroup and an Exception) is answered here by tg_type_is, so
 * that "catch every Exception" still catches an ExceptionGroup.
 */
#include <stddef.h>

#include "tg.h"

/* TG_ERROR_TYPE would name them "TG_ValueError"; learners read the names in
 * every rendered error, so the built-ins carry Python's plain names. */
const tg_error_type TG_BaseException = {"BaseException", NULL};
const tg_error_type TG_Exception = {"Exception", &TG_BaseException};
const tg_error_type TG_CancelledError = {"CancelledError", &TG_BaseException};
const tg_error_type TG_TimeoutError = {"TimeoutError", &TG_Exception};
const tg_error_type TG_ValueError = {"ValueError", &TG_Exception};
const tg_error_type TG_TypeError = {"TypeError", &TG_Exception};
const tg_error_type TG_KeyError = {"KeyError", &TG_Exception};
const tg_error_type TG_RuntimeError = {"RuntimeError", &TG_Exception};
const tg_error_type TG_MemoryError = {"MemoryError", &TG_Exception};
const tg_error_type TG_OSError = {"OSError", &TG_Exception};
const tg_error_type TG_ConnectionError = {"ConnectionError", &TG_OSError};
const tg_error_type TG_BaseExceptionGroup = {"BaseExceptionGroup",
                                             &TG_BaseException};
const tg_error_type TG_ExceptionGroup = {"ExceptionGroup",
                                         &TG_BaseExceptionGroup};

/* Walks the single chain of bases; never allocates. */
static bool walks_to(const tg_error_type *type, const tg_error_type *base)
{
    for (; type; type = type->base)
        if (type == base)
            return true;
    return false;
}

/*
 * True when type is base or derives from it.  ExceptionGroup (and any type
 * derived from it) also counts as an Exception, its second base in Python.
 * NULL for either argument gives false.
 */
bool tg_type_is(const tg_error_type *type, const tg_error_type *base)
{
    if (!type || !base)
        return false;
    if (walks_to(type, base))
        return true;
    /* Only ancestors of Exception can be reached through the second base. */
    return walks_to(&TG_Exception, base) && walks_to(type, &TG_ExceptionGroup);
}
