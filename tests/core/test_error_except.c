/*
 * test_error_except.c -- tg_except, the except* of libtg.  Most tests
 * mirror one of CPython 3.11's test_except_star.py (same names after the
 * module prefix): what each handler receives, what propagates, and the
 * context and cause of raised errors.  Others pin libtg's own contract:
 * ownership, handlers that keep or return odd things, and no leaks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../core/src/tg_internal.h"
#include "err_build.h"
#include "err_repr.h"
#include "tg.h"

static int no_leak(void **state)
{
    (void)state;
    assert_int_equal(tg_error_live_count(), 0);
    return 0;
}

static void assert_repr(const tg_error *e, const char *want)
{
    char *s = err_repr(e, 0);
    if (strcmp(s, want) != 0)
        print_error("want %s\n got %s\n", want, s);
    assert_string_equal(s, want);
    free(s);
}

/* A handler that records what it got (a reference) and then does what
 * `action` says: 0 pass, 1 re-raise, 2 raise a new error, 3 raise a new
 * error "from" the match. */
typedef struct rec {
    int action;
    const tg_error_type *raise_type;
    const char *raise_msg;
    tg_error *got;  /* owned */
    tg_error *made; /* borrowed: what it raised */
    int calls;
} rec;

static tg_error *handler(tg_error *matched, void *ud)
{
    rec *r = ud;
    r->calls++;
    tg_error_unref(r->got);
    r->got = tg_error_ref(matched);
    switch (r->action) {
    case 1:
        return matched;
    case 2:
    case 3:
        r->made = tg_error_new(r->raise_type, "%s", r->raise_msg);
        if (r->action == 3)
            tg_error_from(r->made, tg_error_ref(matched));
        return r->made;
    default:
        return NULL;
    }
}

static void rec_done(rec *r)
{
    tg_error_unref(r->got);
    r->got = NULL;
}

#define CLAUSE(M, R) ((tg_except_clause){(M), handler, (R)})

/* doSplitTest: one clause that passes; checks what the handler got and
 * what propagated. */
static void split_test(tg_error *exc, tg_match m, const char *match_tpl,
                       const char *rest_tpl)
{
    rec r = {0};
    tg_except_clause c[] = {CLAUSE(m, &r)};
    tg_error *out = tg_except(exc, c, 1);
    assert_int_equal(r.calls, match_tpl ? 1 : 0);
    assert_repr(r.got, match_tpl ? match_tpl : "None");
    assert_repr(out, rest_tpl ? rest_tpl : "None");
    tg_error_unref(out);
    rec_done(&r);
}

static void test_error_except_no_match_single_type(void **st)
{
    (void)st;
    split_test(G("test1", 2, V("V"), T("T")), TG_MATCH_TYPE(TG_KeyError), NULL,
               "ExceptionGroup('test1', [ValueError('V'), "
               "TypeError('T')])");
}

static void test_error_except_match_single_type(void **st)
{
    (void)st;
    split_test(G("test2", 2, V("V1"), V("V2")), TG_MATCH_TYPE(TG_ValueError),
               "ExceptionGroup('test2', [ValueError('V1'), ValueError('V2')])",
               NULL);
}

static void test_error_except_match_single_type_partial_match(void **st)
{
    (void)st;
    split_test(G("test3", 3, V("V1"), OS("OS"), V("V2")),
               TG_MATCH_TYPE(TG_ValueError),
               "ExceptionGroup('test3', [ValueError('V1'), ValueError('V2')])",
               "ExceptionGroup('test3', [OSError('OS')])");
}

static void test_error_except_match_single_type_nested(void **st)
{
    (void)st;
    split_test(
        G("g1", 3, V("V1"), OS("OS1"), G("g2", 3, OS("OS2"), V("V2"), T("T"))),
        TG_MATCH_TYPE(TG_ValueError),
        "ExceptionGroup('g1', [ValueError('V1'), "
        "ExceptionGroup('g2', [ValueError('V2')])])",
        "ExceptionGroup('g1', [OSError('OS1'), "
        "ExceptionGroup('g2', [OSError('OS2'), TypeError('T')])])");
}

static void test_error_except_match_type_tuple_nested(void **st)
{
    (void)st;
    split_test(
        G("h1", 3, V("V1"), OS("OS1"), G("h2", 3, OS("OS2"), V("V2"), T("T"))),
        TG_MATCH_TYPES(&TG_ValueError, &TG_TypeError),
        "ExceptionGroup('h1', [ValueError('V1'), "
        "ExceptionGroup('h2', [ValueError('V2'), TypeError('T')])])",
        "ExceptionGroup('h1', [OSError('OS1'), "
        "ExceptionGroup('h2', [OSError('OS2')])])");
}

static void test_error_except_empty_groups_removed(void **st)
{
    (void)st;
    split_test(G("eg", 3, G("i1", 1, V("V1")), G("i2", 2, V("V2"), T("T1")),
                 G("i3", 1, T("T2"))),
               TG_MATCH_TYPE(TG_TypeError),
               "ExceptionGroup('eg', [ExceptionGroup('i2', [TypeError('T1')]"
               "), ExceptionGroup('i3', [TypeError('T2')])])",
               "ExceptionGroup('eg', [ExceptionGroup('i1', [ValueError('V1')"
               "]), ExceptionGroup('i2', [ValueError('V2')])])");
}

static void test_error_except_singleton_groups_are_kept(void **st)
{
    (void)st;
    split_test(G("j1", 1, G("j2", 2, G("j3", 1, V("V1")), G("j4", 1, T("T")))),
               TG_MATCH_TYPE(TG_TypeError),
               "ExceptionGroup('j1', [ExceptionGroup('j2', "
               "[ExceptionGroup('j4', [TypeError('T')])])])",
               "ExceptionGroup('j1', [ExceptionGroup('j2', "
               "[ExceptionGroup('j3', [ValueError('V1')])])])");
}

static void test_error_except_naked_exception_matched_wrapped1(void **st)
{
    (void)st;
    tg_error *v = V("V");
    rec r = {0};
    tg_except_clause c[] = {CLAUSE(TG_MATCH_TYPE(TG_ValueError), &r)};
    assert_null(tg_except(tg_error_ref(v), c, 1));
    assert_repr(r.got, "ExceptionGroup('', [ValueError('V')])");
    assert_ptr_equal(tg_error_group_at(r.got, 0), v); /* wrapped, not copied */
    rec_done(&r);
    tg_error_unref(v);
}

static void test_error_except_naked_exception_matched_wrapped2(void **st)
{
    (void)st;
    split_test(V("V"), TG_MATCH_TYPE(TG_Exception),
               "ExceptionGroup('', [ValueError('V')])", NULL);
}

static void test_error_except_naked_base_exception_wrapped_in_beg(void **st)
{
    (void)st;
    split_test(CANCELLED(), TG_MATCH_TYPE(TG_CancelledError),
               "BaseExceptionGroup('', [CancelledError('')])", NULL);
}

static void test_error_except_exception_group_Exception_not_wrapped(void **st)
{
    (void)st;
    tg_error *eg = G("eg", 1, V("V"));
    rec r = {0};
    tg_except_clause c[] = {CLAUSE(TG_MATCH_TYPE(TG_Exception), &r)};
    assert_null(tg_except(tg_error_ref(eg), c, 1));
    assert_ptr_equal(r.got, eg); /* the group matched whole: itself */
    rec_done(&r);
    tg_error_unref(eg);
}

static void test_error_except_plain_exception_not_matched(void **st)
{
    (void)st;
    tg_error *v = V("V");
    rec r = {0};
    tg_except_clause c[] = {CLAUSE(TG_MATCH_TYPE(TG_TypeError), &r)};
    tg_error *out = tg_except(tg_error_ref(v), c, 1);
    assert_ptr_equal(out, v); /* propagates as it is, not wrapped */
    assert_int_equal(r.calls, 0);
    tg_error_unref(out);
    tg_error_unref(v);
}

static void test_error_except_match_supertype(void **st)
{
    (void)st;
    split_test(G("st", 2, CONN("io"), T("T")), TG_MATCH_TYPE(TG_OSError),
               "ExceptionGroup('st', [ConnectionError('io')])",
               "ExceptionGroup('st', [TypeError('T')])");
}

static void test_error_except_multiple_matches(void **st)
{
    (void)st;
    rec a = {0}, b = {0};
    tg_except_clause c[] = {
        CLAUSE(TG_MATCH_TYPE(TG_ConnectionError), &a),
        CLAUSE(TG_MATCH_TYPE(TG_OSError), &b),
    };
    assert_null(tg_except(G("mmn", 2, OS("os"), CONN("io")), c, 2));
    assert_repr(a.got, "ExceptionGroup('mmn', [ConnectionError('io')])");
    assert_repr(b.got, "ExceptionGroup('mmn', [OSError('os')])");
    rec_done(&a);
    rec_done(&b);
}

static void test_error_except_first_match_wins(void **st)
{
    (void)st;
    rec a = {0}, b = {0};
    tg_except_clause c[] = {
        CLAUSE(TG_MATCH_TYPE(TG_OSError), &a),
        CLAUSE(TG_MATCH_TYPE(TG_ConnectionError), &b),
    };
    assert_null(tg_except(G("fst", 1, CONN("io")), c, 2));
    assert_repr(a.got, "ExceptionGroup('fst', [ConnectionError('io')])");
    assert_int_equal(b.calls, 0);
    rec_done(&a);
}

static tg_error *nested_handler(tg_error *matched, void *ud)
{
    (void)matched;
    rec *inner = ud;
    tg_except_clause c[] = {CLAUSE(TG_MATCH_TYPE(TG_ValueError), inner)};
    assert_null(tg_except(G("n", 1, V("io")), c, 1));
    return NULL;
}

static void test_error_except_nested_except_stars(void **st)
{
    (void)st;
    rec inner = {0};
    tg_except_clause c[] = {
        {TG_MATCH_TYPE(TG_ConnectionError), nested_handler, &inner},
    };
    assert_null(tg_except(G("n", 1, CONN("io")), c, 1));
    assert_repr(inner.got, "ExceptionGroup('n', [ValueError('io')])");
    rec_done(&inner);
}

static void test_error_except_nested_in_loop(void **st)
{
    (void)st;
    for (int i = 0; i < 2; i++) {
        rec r = {0};
        tg_except_clause c[] = {CLAUSE(TG_MATCH_TYPE(TG_ConnectionError), &r)};
        assert_null(tg_except(G("nl", 1, CONN("io")), c, 1));
        assert_int_equal(r.calls, 1);
        rec_done(&r);
    }
}

/* ---- TestExceptStarReraise ------------------------------------------- */

static void test_error_except_reraise_all(void **st)
{
    (void)st;
    rec a = {.action = 1}, b = {.action = 1};
    tg_except_clause c[] = {
        CLAUSE(TG_MATCH_TYPE(TG_TypeError), &a),
        CLAUSE(TG_MATCH_TYPE(TG_ValueError), &b),
    };
    tg_error *eg = G("eg", 3, T("1"), V("2"), OS("3"));
    tg_error *out = tg_except(tg_error_ref(eg), c, 2);
    assert_repr(out, "ExceptionGroup('eg', [TypeError('1'), ValueError('2'), "
                     "OSError('3')])");
    /* The shape is rebuilt from the original, leaves shared. */
    for (size_t i = 0; i < 3; i++)
        assert_ptr_equal(tg_error_group_at(out, i), tg_error_group_at(eg, i));
    tg_error_unref(out);
    tg_error_unref(eg);
    rec_done(&a);
    rec_done(&b);
}

static void test_error_except_reraise_some_handle_all(void **st)
{
    (void)st;
    rec a = {.action = 1}, b = {0};
    tg_except_clause c[] = {
        CLAUSE(TG_MATCH_TYPE(TG_TypeError), &a),
        CLAUSE(TG_MATCH_TYPE(TG_ValueError), &b),
    };
    tg_error *out = tg_except(G("eg", 3, T("1"), V("2"), OS("3")), c, 2);
    assert_repr(out, "ExceptionGroup('eg', [TypeError('1'), OSError('3')])");
    tg_error_unref(out);
    rec_done(&a);
    rec_done(&b);
}

static void test_error_except_reraise_partial_handle_all(void **st)
{
    (void)st;
    rec a = {.action = 1}, b = {0};
    tg_except_clause c[] = {
        CLAUSE(TG_MATCH_TYPE(TG_TypeError), &a),
        CLAUSE(TG_MATCH_TYPE(TG_ValueError), &b),
    };
    tg_error *out = tg_except(G("eg", 2, T("1"), V("2")), c, 2);
    assert_repr(out, "ExceptionGroup('eg', [TypeError('1')])");
    tg_error_unref(out);
    rec_done(&a);
    rec_done(&b);
}

static void test_error_except_reraise_plain_exception(void **st)
{
    (void)st;
    rec r = {.action = 1};
    tg_except_clause c[] = {CLAUSE(TG_MATCH_TYPE(TG_ValueError), &r)};
    tg_error *v = V("42");
    tg_error *out = tg_except(tg_error_ref(v), c, 1);
    /* A bare "raise" of a naked error gives the wrapper, as CPython. */
    assert_repr(out, "ExceptionGroup('', [ValueError('42')])");
    assert_ptr_equal(out, r.got);
    assert_ptr_equal(tg_error_group_at(out, 0), v);
    tg_error_unref(out);
    tg_error_unref(v);
    rec_done(&r);
}

/* ---- TestExceptStarRaise / RaiseFrom ------------------------------------ */

static void test_error_except_raise_named(void **st)
{
    (void)st;
    rec r = {.action = 2, .raise_type = &TG_TypeError, .raise_msg = "3"};
    tg_except_clause c[] = {CLAUSE(TG_MATCH_TYPE(TG_OSError), &r)};
    tg_error *out = tg_except(G("eg", 2, V("1"), OS("2")), c, 1);
    assert_repr(out, "ExceptionGroup('', [TypeError('3'), "
                     "ExceptionGroup('eg', [ValueError('1')])])");
    tg_error *raised = tg_error_group_at(out, 0);
    assert_ptr_equal(raised, r.made);
    assert_ptr_equal(tg_error_context(raised), r.got);
    assert_repr(tg_error_context(raised),
                "ExceptionGroup('eg', [OSError('2')])");
    assert_null(tg_error_context(out)); /* the new group has none */
    tg_error_unref(out);
    rec_done(&r);
}

static void test_error_except_raise_handle_all_raise_one(void **st)
{
    (void)st;
    rec r = {.action = 2, .raise_type = &TG_RuntimeError, .raise_msg = "3"};
    tg_except_clause c[] = {
        CLAUSE(TG_MATCH_TYPES(&TG_TypeError, &TG_ValueError), &r),
    };
    tg_error *out = tg_except(G("eg", 2, T("1"), V("2")), c, 1);
    /* One new error and nothing else: it propagates alone, unwrapped. */
    assert_ptr_equal(out, r.made);
    assert_repr(tg_error_context(out),
                "ExceptionGroup('eg', [TypeError('1'), ValueError('2')])");
    tg_error_unref(out);
    rec_done(&r);
}

static void test_error_except_raise_handle_all_raise_two(void **st)
{
    (void)st;
    rec a = {.action = 2, .raise_type = &TG_RuntimeError, .raise_msg = "3"};
    rec b = {.action = 2, .raise_type = &TG_RuntimeError, .raise_msg = "4"};
    tg_except_clause c[] = {
        CLAUSE(TG_MATCH_TYPE(TG_TypeError), &a),
        CLAUSE(TG_MATCH_TYPE(TG_ValueError), &b),
    };
    tg_error *out = tg_except(G("eg", 2, T("1"), V("2")), c, 2);
    assert_repr(out, "ExceptionGroup('', [RuntimeError('3'), "
                     "RuntimeError('4')])");
    assert_repr(tg_error_context(tg_error_group_at(out, 0)),
                "ExceptionGroup('eg', [TypeError('1')])");
    assert_repr(tg_error_context(tg_error_group_at(out, 1)),
                "ExceptionGroup('eg', [ValueError('2')])");
    tg_error_unref(out);
    rec_done(&a);
    rec_done(&b);
}

static void test_error_except_raise_from_named(void **st)
{
    (void)st;
    rec r = {.action = 3, .raise_type = &TG_TypeError, .raise_msg = "3"};
    tg_except_clause c[] = {CLAUSE(TG_MATCH_TYPE(TG_OSError), &r)};
    tg_error *out = tg_except(G("eg", 2, V("1"), OS("2")), c, 1);
    tg_error *raised = tg_error_group_at(out, 0);
    assert_ptr_equal(tg_error_cause(raised), r.got);
    assert_ptr_equal(tg_error_context(raised), r.got);
    assert_true(tg_error_suppress_context(raised));
    assert_null(tg_error_cause(tg_error_group_at(out, 1)));
    tg_error_unref(out);
    rec_done(&r);
}

/* ---- libtg's own contract ------------------------------------------------ */

static tg_error *raise_with_context(tg_error *matched, void *ud)
{
    (void)matched;
    tg_error *e = V("new");
    tg_error_set_context(e, tg_error_ref(ud));
    return e;
}

static void test_error_except_keeps_an_existing_context(void **st)
{
    (void)st;
    tg_error *mine = K("mine");
    tg_except_clause c[] = {
        {TG_MATCH_TYPE(TG_TypeError), raise_with_context, mine},
    };
    tg_error *out = tg_except(T("t"), c, 1);
    assert_ptr_equal(tg_error_context(out), mine);
    tg_error_unref(out);
    tg_error_unref(mine);
}

static tg_error *return_first_leaf(tg_error *matched, void *ud)
{
    (void)ud;
    return tg_error_ref(tg_error_group_at(matched, 0));
}

static void test_error_except_handler_raises_a_leaf_of_match(void **st)
{
    (void)st;
    /* The leaf cannot take its own group as context (a cycle): it keeps
     * none, and nothing leaks. */
    tg_except_clause c[] = {
        {TG_MATCH_TYPE(TG_ValueError), return_first_leaf, NULL},
    };
    tg_error *out = tg_except(G("eg", 2, V("1"), T("2")), c, 1);
    assert_repr(out, "ExceptionGroup('', [ValueError('1'), "
                     "ExceptionGroup('eg', [TypeError('2')])])");
    assert_null(tg_error_context(tg_error_group_at(out, 0)));
    tg_error_unref(out);
}

static tg_error *return_static(tg_error *matched, void *ud)
{
    (void)matched;
    (void)ud;
    return tg__error_cancelled_static();
}

static void test_error_except_handler_raises_static(void **st)
{
    (void)st;
    tg_except_clause c[] = {
        {TG_MATCH_TYPE(TG_ValueError), return_static, NULL},
    };
    tg_error *out = tg_except(G("eg", 1, V("1")), c, 1);
    assert_ptr_equal(out, tg__error_cancelled_static());
}

static void test_error_except_null_handler_is_pass(void **st)
{
    (void)st;
    tg_except_clause c[] = {{TG_MATCH_TYPE(TG_ValueError), NULL, NULL}};
    tg_error *out = tg_except(G("eg", 2, V("1"), T("2")), c, 1);
    assert_repr(out, "ExceptionGroup('eg', [TypeError('2')])");
    tg_error_unref(out);
}

static void test_error_except_null_and_no_clauses(void **st)
{
    (void)st;
    rec r = {0};
    tg_except_clause c[] = {CLAUSE(TG_MATCH_TYPE(TG_ValueError), &r)};
    assert_null(tg_except(NULL, c, 1));
    assert_int_equal(r.calls, 0);
    tg_error *v = V("v");
    tg_error *out = tg_except(tg_error_ref(v), NULL, 0);
    assert_ptr_equal(out, v);
    tg_error_unref(out);
    tg_error_unref(v);
    out = tg_except(G("eg", 1, V("x")), NULL, 0);
    assert_repr(out, "ExceptionGroup('eg', [ValueError('x')])");
    tg_error_unref(out);
}

static void test_error_except_later_clauses_see_only_the_rest(void **st)
{
    (void)st;
    rec a = {0}, b = {0}, c3 = {0};
    tg_except_clause c[] = {
        CLAUSE(TG_MATCH_TYPE(TG_ValueError), &a),
        CLAUSE(TG_MATCH_TYPE(TG_Exception), &b),
        CLAUSE(TG_MATCH_TYPE(TG_BaseException), &c3),
    };
    tg_error *out = tg_except(
        G("eg", 3, V("1"), T("2"), G("sub", 2, V("3"), CANCELLED())), c, 3);
    assert_null(out);
    assert_repr(a.got, "ExceptionGroup('eg', [ValueError('1'), "
                       "ExceptionGroup('sub', [ValueError('3')])])");
    assert_repr(b.got, "ExceptionGroup('eg', [TypeError('2')])");
    assert_repr(c3.got, "BaseExceptionGroup('eg', [BaseExceptionGroup('sub', "
                        "[CancelledError('')])])");
    rec_done(&a);
    rec_done(&b);
    rec_done(&c3);
}

static void test_error_except_handler_may_keep_match(void **st)
{
    (void)st;
    rec r = {0};
    tg_except_clause c[] = {CLAUSE(TG_MATCH_TYPE(TG_ValueError), &r)};
    assert_null(tg_except(G("eg", 2, V("1"), V("2")), c, 1));
    /* r.got is our own reference: still valid after tg_except returned. */
    assert_int_equal(tg_error_leaf_count(r.got), 2);
    rec_done(&r);
}

static void test_error_except_cancelled_group(void **st)
{
    (void)st;
    rec r = {0};
    tg_except_clause c[] = {CLAUSE(TG_MATCH_TYPE(TG_CancelledError), &r)};
    tg_error *out = tg_except(G("b", 2, CANCELLED(), V("v")), c, 1);
    assert_repr(out, "ExceptionGroup('b', [ValueError('v')])");
    assert_repr(r.got, "BaseExceptionGroup('b', [CancelledError('')])");
    tg_error_unref(out);
    rec_done(&r);
}

#define T_(fn) cmocka_unit_test_teardown(fn, no_leak)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T_(test_error_except_no_match_single_type),
        T_(test_error_except_match_single_type),
        T_(test_error_except_match_single_type_partial_match),
        T_(test_error_except_match_single_type_nested),
        T_(test_error_except_match_type_tuple_nested),
        T_(test_error_except_empty_groups_removed),
        T_(test_error_except_singleton_groups_are_kept),
        T_(test_error_except_naked_exception_matched_wrapped1),
        T_(test_error_except_naked_exception_matched_wrapped2),
        T_(test_error_except_naked_base_exception_wrapped_in_beg),
        T_(test_error_except_exception_group_Exception_not_wrapped),
        T_(test_error_except_plain_exception_not_matched),
        T_(test_error_except_match_supertype),
        T_(test_error_except_multiple_matches),
        T_(test_error_except_first_match_wins),
        T_(test_error_except_nested_except_stars),
        T_(test_error_except_nested_in_loop),
        T_(test_error_except_reraise_all),
        T_(test_error_except_reraise_some_handle_all),
        T_(test_error_except_reraise_partial_handle_all),
        T_(test_error_except_reraise_plain_exception),
        T_(test_error_except_raise_named),
        T_(test_error_except_raise_handle_all_raise_one),
        T_(test_error_except_raise_handle_all_raise_two),
        T_(test_error_except_raise_from_named),
        T_(test_error_except_keeps_an_existing_context),
        T_(test_error_except_handler_raises_a_leaf_of_match),
        T_(test_error_except_handler_raises_static),
        T_(test_error_except_null_handler_is_pass),
        T_(test_error_except_null_and_no_clauses),
        T_(test_error_except_later_clauses_see_only_the_rest),
        T_(test_error_except_handler_may_keep_match),
        T_(test_error_except_cancelled_group),
    };
    return cmocka_run_group_tests_name("error_except", tests, NULL, NULL);
}
