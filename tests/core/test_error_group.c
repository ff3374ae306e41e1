/*
 * test_error_group.c -- error groups: construction as
 * BaseExceptionGroup(msg, errs) (type picked from the members, Python's
 * ValueErrors for bad arguments), references to members, nesting and
 * depth-first leaf iteration.  Names of the form _EG_/_BEG_ mirror
 * CPython's test_exception_group.py.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "err_build.h"
#include "err_repr.h"
#include "tg.h"

static int no_leak(void **state)
{
    (void)state;
    assert_int_equal(tg_error_live_count(), 0);
    return 0;
}

static void test_error_group_EG_wraps_Exceptions_creates_EG(void **state)
{
    (void)state;
    tg_error *g = G("eg", 2, V("a"), OS("b"));
    assert_ptr_equal(tg_error_type_of(g), &TG_ExceptionGroup);
    assert_true(tg_error_is(g, &TG_Exception));
    assert_true(tg_error_is_group(g));
    tg_error_unref(g);
}

static void test_error_group_BEG_wraps_BaseException_creates_BEG(void **state)
{
    (void)state;
    tg_error *g = G("beg", 2, V("a"), CANCELLED());
    assert_ptr_equal(tg_error_type_of(g), &TG_BaseExceptionGroup);
    assert_false(tg_error_is(g, &TG_Exception));
    /* A group of groups: an inner BaseExceptionGroup makes the outer one
     * a BaseExceptionGroup too. */
    tg_error *outer = G("outer", 2, g, V("c"));
    assert_ptr_equal(tg_error_type_of(outer), &TG_BaseExceptionGroup);
    tg_error *eg = G("eg", 1, G("inner", 1, V("x")));
    assert_ptr_equal(tg_error_type_of(eg), &TG_ExceptionGroup);
    tg_error_unref(outer);
    tg_error_unref(eg);
}

static void test_error_group_basics_fields(void **state)
{
    (void)state;
    tg_error *a = V("a"), *b = T("b");
    tg_error *m[] = {a, b};
    tg_error *g = tg_error_group_new("simple eg", m, 2);
    int line = __LINE__ - 1;
    assert_string_equal(tg_error_message(g), "simple eg");
    assert_int_equal(tg_error_group_count(g), 2);
    assert_ptr_equal(tg_error_group_at(g, 0), a); /* the same objects */
    assert_ptr_equal(tg_error_group_at(g, 1), b);
    assert_null(tg_error_group_at(g, 2));
    assert_int_equal(tg_error_line(g), line);
    /* The group holds its own references: the caller's can go. */
    tg_error_unref(a);
    tg_error_unref(b);
    assert_int_equal(tg_error_live_count(), 3);
    assert_string_equal(tg_error_message(tg_error_group_at(g, 0)), "a");
    tg_error_unref(g);
}

static void test_error_group_bad_construction_empty(void **state)
{
    (void)state;
    tg_error *e = tg_error_group_new("eg", NULL, 0);
    assert_true(tg_error_is(e, &TG_ValueError));
    assert_string_equal(tg_error_message(e),
                        "second argument (exceptions) must be a non-empty "
                        "sequence");
    tg_error_unref(e);
    tg_error *v = V("v");
    e = tg_error_group_new("eg", &v, 0);
    assert_true(tg_error_is(e, &TG_ValueError));
    tg_error_unref(e);
    tg_error_unref(v);
}

static void test_error_group_bad_construction_null_member(void **state)
{
    (void)state;
    tg_error *m[] = {V("v"), NULL};
    tg_error *e = tg_error_group_new("eg", m, 2);
    assert_true(tg_error_is(e, &TG_ValueError));
    assert_string_equal(tg_error_message(e),
                        "Item 1 of second argument (exceptions) is not an "
                        "exception");
    assert_int_equal(tg_error_live_count(), 2); /* m[0] is still ours */
    tg_error_unref(e);
    tg_error_unref(m[0]);
}

static void test_error_group_null_message_is_empty(void **state)
{
    (void)state;
    tg_error *v = V("v");
    tg_error *g = tg_error_group_new(NULL, &v, 1);
    assert_string_equal(tg_error_message(g), "");
    tg_error_unref(v);
    tg_error_unref(g);
}

static void test_error_group_non_group_accessors(void **state)
{
    (void)state;
    tg_error *v = V("v");
    assert_false(tg_error_is_group(v));
    assert_false(tg_error_is_group(NULL));
    assert_int_equal(tg_error_group_count(v), 0);
    assert_null(tg_error_group_at(v, 0));
    assert_int_equal(tg_error_leaf_count(v), 1);
    assert_int_equal(tg_error_leaf_count(NULL), 0);
    tg_error_unref(v);
}

static void collect(tg_error *leaf, void *ud)
{
    char *out = ud;
    strcat(out, tg_error_message(leaf));
}

static void test_error_group_leaf_generator(void **state)
{
    (void)state;
    tg_error *g = G("top", 3, V("a"),
                    G("mid", 2, T("b"), G("low", 2, V("c"), K("d"))), T("e"));
    char order[16] = "";
    tg_error_foreach_leaf(g, collect, order);
    assert_string_equal(order, "abcde");
    assert_int_equal(tg_error_leaf_count(g), 5);
    tg_error *v = V("z");
    order[0] = '\0';
    tg_error_foreach_leaf(v, collect, order);
    assert_string_equal(order, "z");
    tg_error_foreach_leaf(NULL, collect, order); /* nothing happens */
    tg_error_unref(v);
    tg_error_unref(g);
}

static void test_error_group_shared_member(void **state)
{
    (void)state;
    /* The same leaf in two places is two leaves, as in Python. */
    tg_error *v = V("v");
    tg_error *g = G("g", 2, tg_error_ref(v), G("in", 1, tg_error_ref(v)));
    assert_int_equal(tg_error_leaf_count(g), 2);
    tg_error_unref(v);
    tg_error_unref(g);
}

static void test_error_group_deep_nesting(void **state)
{
    (void)state;
    /* 5000 levels: walks and releases must not recurse. */
    tg_error *e = T("1");
    for (int i = 0; i < 5000; i++)
        e = G("eg", 1, e);
    assert_int_equal(tg_error_leaf_count(e), 1);
    tg_error *m, *r;
    tg_error_split(e, TG_MATCH_TYPE(TG_TypeError), &m, &r);
    assert_null(r);
    assert_int_equal(tg_error_leaf_count(m), 1);
    assert_ptr_not_equal(m, e);
    tg_error_unref(m);
    tg_error_unref(e);
}

static void test_error_group_wide(void **state)
{
    (void)state;
    enum { N = 10000 };
    static tg_error *m[N];
    for (int i = 0; i < N; i++)
        m[i] = i % 2 ? V("v") : T("t");
    tg_error *g = tg_error_group_new("wide", m, N);
    for (int i = 0; i < N; i++)
        tg_error_unref(m[i]);
    assert_int_equal(tg_error_group_count(g), N);
    assert_int_equal(tg_error_leaf_count(g), N);
    tg_error_unref(g);
}

static void test_error_group_str_and_repr(void **state)
{
    (void)state;
    tg_error *g = G("simple", 2, V("1"), CANCELLED());
    char *s = err_repr(g, 0);
    assert_string_equal(s, "BaseExceptionGroup('simple', [ValueError('1'), "
                           "CancelledError('')])");
    free(s);
    s = tg_error_format(g);
    assert_non_null(strstr(s, "BaseExceptionGroup: simple (2 sub-exceptions)"));
    free(s);
    tg_error_unref(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(
            test_error_group_EG_wraps_Exceptions_creates_EG, no_leak),
        cmocka_unit_test_teardown(
            test_error_group_BEG_wraps_BaseException_creates_BEG, no_leak),
        cmocka_unit_test_teardown(test_error_group_basics_fields, no_leak),
        cmocka_unit_test_teardown(test_error_group_bad_construction_empty,
                                  no_leak),
        cmocka_unit_test_teardown(test_error_group_bad_construction_null_member,
                                  no_leak),
        cmocka_unit_test_teardown(test_error_group_null_message_is_empty,
                                  no_leak),
        cmocka_unit_test_teardown(test_error_group_non_group_accessors,
                                  no_leak),
        cmocka_unit_test_teardown(test_error_group_leaf_generator, no_leak),
        cmocka_unit_test_teardown(test_error_group_shared_member, no_leak),
        cmocka_unit_test_teardown(test_error_group_deep_nesting, no_leak),
        cmocka_unit_test_teardown(test_error_group_wide, no_leak),
        cmocka_unit_test_teardown(test_error_group_str_and_repr, no_leak),
    };
    return cmocka_run_group_tests_name("error_group", tests, NULL, NULL);
}
