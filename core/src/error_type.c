/*
 * error_type.c -- the built-in error types and the is-a test.  Types form a
 * single-inheritance tree mirroring Python's exception hierarchy; the one
 * place where Python has two bases (ExceptionGroup is both a
 * BaseExceptionGroup and an Exception) is answered here by tg_type_is, so
 * that "catch every Exception" still catches an ExceptionGroup.
 */
#include <stddef.h>

#include "error_internal.h"

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

/*
 * True when type is base or derives from it.  ExceptionGroup (and any type
 * derived from it) also counts as an Exception, its second base in Python.
 * NULL for either argument gives false.  BaseException is reached by the
 * walk itself, so only Exception needs the second base.
 */
bool tg_type_is(const tg_error_type *type, const tg_error_type *base)
{
    return type && base && tg__type_is(type, base);
}
