/*
 * test_error_type.c -- the built-in error types, their names, and the is-a
 * test (single inheritance, plus ExceptionGroup's second base Exception),
 * for built-ins and for types defined with TG_ERROR_TYPE as exercises do.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "tg.h"

TG_ERROR_TYPE(EmailError, TG_ConnectionError);
TG_ERROR_TYPE(BounceError, EmailError);
TG_ERROR_TYPE(MyGroup, TG_ExceptionGroup);

static void test_error_type_builtin_names(void **state)
{
    (void)state;
    struct {
        const tg_error_type *t;
        const char *name;
    } want[] = {
        {&TG_BaseException, "BaseException"},
        {&TG_Exception, "Exception"},
        {&TG_CancelledError, "CancelledError"},
        {&TG_TimeoutError, "TimeoutError"},
        {&TG_ValueError, "ValueError"},
        {&TG_TypeError, "TypeError"},
        {&TG_KeyError, "KeyError"},
        {&TG_RuntimeError, "RuntimeError"},
        {&TG_MemoryError, "MemoryError"},
        {&TG_OSError, "OSError"},
        {&TG_ConnectionError, "ConnectionError"},
        {&TG_BaseExceptionGroup, "BaseExceptionGroup"},
        {&TG_ExceptionGroup, "ExceptionGroup"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        assert_string_equal(want[i].t->name, want[i].name);
}

static void test_error_type_hierarchy_as_python(void **state)
{
    (void)state;
    /* Every built-in is a BaseException; only BaseException has no base. */
    const tg_error_type *all[] = {
        &TG_Exception,       &TG_CancelledError,     &TG_TimeoutError,
        &TG_ValueError,      &TG_TypeError,          &TG_KeyError,
        &TG_RuntimeError,    &TG_MemoryError,        &TG_OSError,
        &TG_ConnectionError, &TG_BaseExceptionGroup, &TG_ExceptionGroup,
    };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        assert_true(tg_type_is(all[i], &TG_BaseException));
        assert_true(tg_type_is(all[i], all[i]));
        assert_non_null(all[i]->base);
    }
    assert_null(TG_BaseException.base);
    assert_true(tg_type_is(&TG_ValueError, &TG_Exception));
    assert_true(tg_type_is(&TG_TimeoutError, &TG_Exception));
    assert_true(tg_type_is(&TG_MemoryError, &TG_Exception));
    assert_true(tg_type_is(&TG_ConnectionError, &TG_OSError));
    assert_false(tg_type_is(&TG_OSError, &TG_ConnectionError));
    assert_false(tg_type_is(&TG_Exception, &TG_ValueError));
    assert_false(tg_type_is(&TG_ValueError, &TG_TypeError));
    assert_false(tg_type_is(&TG_TimeoutError, &TG_OSError));
}

static void test_error_type_cancelled_is_not_exception(void **state)
{
    (void)state;
    /* The point of the lesson: "catch every Exception" must not swallow
     * cancellation. */
    assert_false(tg_type_is(&TG_CancelledError, &TG_Exception));
    assert_true(tg_type_is(&TG_CancelledError, &TG_BaseException));
}

static void test_error_type_exception_group_two_bases(void **state)
{
    (void)state;
    assert_true(tg_type_is(&TG_ExceptionGroup, &TG_BaseExceptionGroup));
    assert_true(tg_type_is(&TG_ExceptionGroup, &TG_Exception));
    assert_false(tg_type_is(&TG_BaseExceptionGroup, &TG_Exception));
    assert_false(tg_type_is(&TG_BaseExceptionGroup, &TG_ExceptionGroup));
    assert_false(tg_type_is(&TG_ExceptionGroup, &TG_ValueError));
    assert_true(tg_type_is(&MyGroup, &TG_Exception));
    assert_true(tg_type_is(&MyGroup, &TG_BaseExceptionGroup));
}

static void test_error_type_user_defined(void **state)
{
    (void)state;
    assert_string_equal(EmailError.name, "EmailError");
    assert_ptr_equal(EmailError.base, &TG_ConnectionError);
    assert_true(tg_type_is(&BounceError, &EmailError));
    assert_true(tg_type_is(&BounceError, &TG_OSError));
    assert_true(tg_type_is(&BounceError, &TG_Exception));
    assert_false(tg_type_is(&EmailError, &BounceError));
    assert_false(tg_type_is(&BounceError, &TG_CancelledError));
}

static void test_error_type_null_is_false(void **state)
{
    (void)state;
    assert_false(tg_type_is(NULL, &TG_Exception));
    assert_false(tg_type_is(&TG_Exception, NULL));
    assert_false(tg_error_is(NULL, &TG_BaseException));
}

static void test_error_type_error_is_walks_bases(void **state)
{
    (void)state;
    tg_error *e = tg_error_new(&BounceError, "mailbox full");
    assert_true(tg_error_is(e, &BounceError));
    assert_true(tg_error_is(e, &TG_ConnectionError));
    assert_true(tg_error_is(e, &TG_BaseException));
    assert_false(tg_error_is(e, &TG_ValueError));
    assert_ptr_equal(tg_error_type_of(e), &BounceError);
    assert_string_equal(tg_error_type_name(e), "BounceError");
    tg_error_unref(e);
    assert_int_equal(tg_error_live_count(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_type_builtin_names),
        cmocka_unit_test(test_error_type_hierarchy_as_python),
        cmocka_unit_test(test_error_type_cancelled_is_not_exception),
        cmocka_unit_test(test_error_type_exception_group_two_bases),
        cmocka_unit_test(test_error_type_user_defined),
        cmocka_unit_test(test_error_type_null_is_false),
        cmocka_unit_test(test_error_type_error_is_walks_bases),
    };
    return cmocka_run_group_tests_name("error_type", tests, NULL, NULL);
}
