/*
 * test_error.c -- the error object: message and location, notes (PEP 678),
 * cause and context as Python's "raise ... from" and __context__, refusal
 * of reference cycles, reference counting with the live count, and the
 * immortal static errors.  Every test ends with no error alive.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../core/src/tg_internal.h"
#include "err_build.h"
#include "tg.h"

static int no_leak(void **state)
{
    (void)state;
    assert_int_equal(tg_error_live_count(), 0);
    return 0;
}

static void test_error_new_message_and_location(void **state)
{
    (void)state;
    tg_error *e = tg_error_new(&TG_ValueError, "bad %s #%d", "value", 3);
    int line = __LINE__ - 1;
    assert_string_equal(tg_error_message(e), "bad value #3");
    assert_string_equal(tg_error_type_name(e), "ValueError");
    assert_non_null(strstr(tg_error_file(e), "test_error.c"));
    assert_int_equal(tg_error_line(e), line);
    assert_int_equal(tg_error_live_count(), 1);
    tg_error_unref(e);
}

static void test_error_new_at_explicit_place(void **state)
{
    (void)state;
    tg_error *e = tg_error_new_at("send.c", 42, &TG_OSError, "%s", "");
    assert_string_equal(tg_error_file(e), "send.c");
    assert_int_equal(tg_error_line(e), 42);
    assert_string_equal(tg_error_message(e), "");
    tg_error_unref(e);
    e = tg_error_new_at(NULL, 0, &TG_OSError, NULL);
    assert_null(tg_error_file(e));
    assert_string_equal(tg_error_message(e), ""); /* never NULL */
    tg_error_unref(e);
}

static void test_error_new_long_message(void **state)
{
    (void)state;
    char big[5000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    tg_error *e = tg_error_new(&TG_ValueError, "%s!", big);
    assert_int_equal(strlen(tg_error_message(e)), sizeof big);
    tg_error_unref(e);
}

/* Each way a message is made: copied as is (no '%', or a lone "%s"),
 * formatted on the stack (short), or measured and formatted in place
 * (long), on both sides of the stack buffer's size. */
static void test_error_new_message_paths(void **state)
{
    (void)state;
    tg_error *e = tg_error_new(&TG_ValueError, "plain text");
    assert_string_equal(tg_error_message(e), "plain text");
    tg_error_unref(e);
    e = tg_error_new(&TG_ValueError, "%s", "taken as is, 100%");
    assert_string_equal(tg_error_message(e), "taken as is, 100%");
    tg_error_unref(e);
    e = tg_error_new(&TG_ValueError, "100%% of %d", 7);
    assert_string_equal(tg_error_message(e), "100% of 7");
    tg_error_unref(e);
    for (size_t n = 250; n <= 260; n++) {
        char text[300];
        memset(text, 'a' + (int)(n % 26), n);
        text[n] = '\0';
        e = tg_error_new(&TG_ValueError, "%s%d", text, 5);
        assert_int_equal(strlen(tg_error_message(e)), n + 1);
        assert_memory_equal(tg_error_message(e), text, n);
        assert_int_equal(tg_error_message(e)[n], '5');
        tg_error_unref(e);
    }
}

static void test_error_new_null_type_is_type_error(void **state)
{
    (void)state;
    tg_error *e = tg_error_new(NULL, "x");
    assert_true(tg_error_is(e, &TG_TypeError));
    tg_error_unref(e);
}

static void test_error_new_group_type_is_type_error(void **state)
{
    (void)state;
    /* As ExceptionGroup("x") raises TypeError in Python. */
    tg_error *e = tg_error_new(&TG_ExceptionGroup, "x");
    assert_true(tg_error_is(e, &TG_TypeError));
    assert_false(tg_error_is_group(e));
    assert_non_null(strstr(tg_error_message(e), "tg_error_group_new"));
    tg_error_unref(e);
}

static void test_error_notes_order(void **state)
{
    (void)state;
    tg_error *e = V("v");
    assert_int_equal(tg_error_note_count(e), 0);
    assert_null(tg_error_note_at(e, 0));
    for (int i = 0; i < 10; i++)
        tg_error_add_note(e, "note %d", i);
    assert_int_equal(tg_error_note_count(e), 10);
    for (int i = 0; i < 10; i++) {
        char want[16];
        snprintf(want, sizeof want, "note %d", i);
        assert_string_equal(tg_error_note_at(e, (size_t)i), want);
    }
    assert_null(tg_error_note_at(e, 10));
    tg_error_unref(e);
}

static void test_error_cause_sets_suppress_context(void **state)
{
    (void)state;
    tg_error *e = V("v");
    assert_false(tg_error_suppress_context(e));
    tg_error *cause = K("k");
    assert_ptr_equal(tg_error_from(e, cause), e);
    assert_ptr_equal(tg_error_cause(e), cause);
    assert_true(tg_error_suppress_context(e));
    /* A second "from" replaces (and releases) the first cause. */
    tg_error *cause2 = T("t");
    tg_error_from(e, cause2);
    assert_ptr_equal(tg_error_cause(e), cause2);
    assert_int_equal(tg_error_live_count(), 2);
    tg_error_unref(e);
}

static void test_error_from_null_suppresses_context(void **state)
{
    (void)state;
    /* raise V from None */
    tg_error *e = V("v");
    tg_error_set_context(e, K("ctx"));
    tg_error_from(e, NULL);
    assert_null(tg_error_cause(e));
    assert_true(tg_error_suppress_context(e));
    assert_non_null(tg_error_context(e)); /* kept, only not shown */
    tg_error_unref(e);
}

static void test_error_context_set_and_replace(void **state)
{
    (void)state;
    tg_error *e = V("v");
    tg_error *c1 = K("1");
    tg_error_set_context(e, c1);
    assert_ptr_equal(tg_error_context(e), c1);
    assert_false(tg_error_suppress_context(e));
    tg_error_set_context(e, K("2"));
    assert_string_equal(tg_error_message(tg_error_context(e)), "2");
    tg_error_set_context(e, NULL);
    assert_null(tg_error_context(e));
    assert_int_equal(tg_error_live_count(), 1);
    tg_error_unref(e);
}

static void test_error_links_refuse_cycles(void **state)
{
    (void)state;
    tg_error *a = V("a"), *b = T("b");
    tg_error_set_context(a, tg_error_ref(b)); /* a -> b */
    tg_error_set_context(b, tg_error_ref(a)); /* would close a cycle */
    assert_null(tg_error_context(b));
    tg_error_from(b, tg_error_ref(a));
    assert_null(tg_error_cause(b));
    tg_error_set_context(a, tg_error_ref(a)); /* self */
    assert_ptr_equal(tg_error_context(a), b);
    /* Through a group: a leaf cannot have its own group as context. */
    tg_error *leaf = K("leaf");
    tg_error *g = G("g", 2, tg_error_ref(leaf), R("r"));
    tg_error_set_context(leaf, tg_error_ref(g));
    assert_null(tg_error_context(leaf));
    tg_error_unref(g);
    tg_error_unref(leaf);
    tg_error_unref(a);
    tg_error_unref(b);
}

static void test_error_refcount_and_live_count(void **state)
{
    (void)state;
    size_t base = tg_error_live_count();
    tg_error *e = V("v");
    assert_int_equal(tg_error_live_count(), base + 1);
    assert_ptr_equal(tg_error_ref(e), e);
    tg_error_unref(e);
    assert_int_equal(tg_error_live_count(), base + 1);
    assert_string_equal(tg_error_message(e), "v"); /* still alive */
    tg_error_unref(e);
    assert_int_equal(tg_error_live_count(), base);
    tg_error_unref(NULL);
    assert_null(tg_error_ref(NULL));
}

static void test_error_links_are_released(void **state)
{
    (void)state;
    tg_error *e = linked(V("v"), K("cause"), T("ctx"));
    assert_int_equal(tg_error_live_count(), 3);
    tg_error_unref(e);
}

static void test_error_long_chain_release_is_iterative(void **state)
{
    (void)state;
    /* A million-long context chain: a recursive release would overflow a
     * 64 KiB task stack long before. */
    tg_error *e = V("0");
    for (int i = 1; i < 1000000; i++) {
        tg_error *next = V("n");
        tg_error_set_context(next, e);
        e = next;
    }
    assert_int_equal(tg_error_live_count(), 1000000);
    tg_error_unref(e);
}

static void test_error_statics_are_immortal(void **state)
{
    (void)state;
    tg_error *statics[] = {tg__error_oom(), tg__error_not_done(),
                           tg__error_cancelled_static()};
    const tg_error_type *types[] = {&TG_MemoryError, &TG_RuntimeError,
                                    &TG_CancelledError};
    for (int i = 0; i < 3; i++) {
        tg_error *s = statics[i];
        assert_true(tg_error_is(s, types[i]));
        for (int k = 0; k < 5; k++)
            tg_error_unref(s);
        assert_ptr_equal(tg_error_ref(s), s);
        tg_error_add_note(s, "ignored");
        assert_int_equal(tg_error_note_count(s), 0);
        tg_error_set_context(s, V("released, not kept"));
        assert_null(tg_error_context(s));
        tg_error_from(s, K("released too"));
        assert_null(tg_error_cause(s));
        assert_false(tg_error_suppress_context(s));
        assert_true(tg_error_is(s, types[i])); /* still intact */
    }
    assert_int_equal(tg_error_live_count(), 0);
    /* A static can be a member, a cause and a context like any error. */
    tg_error *g = G("g", 2, tg__error_oom(), V("v"));
    tg_error_set_context(g, tg__error_cancelled_static());
    assert_int_equal(tg_error_live_count(), 2);
    tg_error_unref(g);
}

static void test_error_new_on_oom_returns_static(void **state)
{
    (void)state;
    tg__alloc_fail_after(1, 0);
    tg_error *e = tg_error_new(&TG_ValueError, "lost");
    tg__alloc_fail_after(0, 0);
    assert_ptr_equal(e, tg__error_oom());
    assert_true(tg_error_is(e, &TG_MemoryError));
    tg_error_unref(e);
}

static void test_error_add_note_on_oom_drops_note(void **state)
{
    (void)state;
    tg_error *e = V("v");
    tg__alloc_fail_after(1, 1);
    tg_error_add_note(e, "dropped");
    tg__alloc_fail_after(0, 0);
    assert_int_equal(tg_error_note_count(e), 0);
    tg_error_add_note(e, "kept");
    assert_string_equal(tg_error_note_at(e, 0), "kept");
    tg_error_unref(e);
}

static void test_error_null_accessors(void **state)
{
    (void)state;
    assert_null(tg_error_type_of(NULL));
    assert_string_equal(tg_error_message(NULL), "");
    assert_null(tg_error_file(NULL));
    assert_int_equal(tg_error_line(NULL), 0);
    assert_int_equal(tg_error_note_count(NULL), 0);
    assert_null(tg_error_cause(NULL));
    assert_null(tg_error_context(NULL));
    assert_false(tg_error_suppress_context(NULL));
    tg_error_add_note(NULL, "x");
    tg_error_set_context(NULL, NULL);
    assert_null(tg_error_from(NULL, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_error_new_message_and_location, no_leak),
        cmocka_unit_test_teardown(test_error_new_at_explicit_place, no_leak),
        cmocka_unit_test_teardown(test_error_new_long_message, no_leak),
        cmocka_unit_test_teardown(test_error_new_message_paths, no_leak),
        cmocka_unit_test_teardown(test_error_new_null_type_is_type_error,
                                  no_leak),
        cmocka_unit_test_teardown(test_error_new_group_type_is_type_error,
                                  no_leak),
        cmocka_unit_test_teardown(test_error_notes_order, no_leak),
        cmocka_unit_test_teardown(test_error_cause_sets_suppress_context,
                                  no_leak),
        cmocka_unit_test_teardown(test_error_from_null_suppresses_context,
                                  no_leak),
        cmocka_unit_test_teardown(test_error_context_set_and_replace, no_leak),
        cmocka_unit_test_teardown(test_error_links_refuse_cycles, no_leak),
        cmocka_unit_test_teardown(test_error_refcount_and_live_count, no_leak),
        cmocka_unit_test_teardown(test_error_links_are_released, no_leak),
        cmocka_unit_test_teardown(test_error_long_chain_release_is_iterative,
                                  no_leak),
        cmocka_unit_test_teardown(test_error_statics_are_immortal, no_leak),
        cmocka_unit_test_teardown(test_error_new_on_oom_returns_static,
                                  no_leak),
        cmocka_unit_test_teardown(test_error_add_note_on_oom_drops_note,
                                  no_leak),
        cmocka_unit_test_teardown(test_error_null_accessors, no_leak),
    };
    return cmocka_run_group_tests_name("error", tests, NULL, NULL);
}
