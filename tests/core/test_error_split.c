/*
 * test_error_split.c -- split, subgroup and tg_match: identity (which
 * results are the original object, which are new), shared leaves,
 * independent copies of notes, the metadata a part keeps, and the order in
 * which a predicate sees groups and leaves.  Names of the form
 * _basics_..._passthrough mirror CPython's test_exception_group.py; the
 * shapes of the results are checked against CPython in test_error_parity.
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

/* create_simple_eg() of test_exception_group.py */
static tg_error *simple_eg(void)
{
    return G("simple eg", 3, V("1"), T("int"), V("2"));
}

static void assert_repr(const tg_error *e, const char *want)
{
    char *s = err_repr(e, 0);
    assert_string_equal(s, want);
    free(s);
}

static bool always(const tg_error *e, void *ud)
{
    (void)e;
    (void)ud;
    return true;
}

static bool never(const tg_error *e, void *ud)
{
    (void)e;
    (void)ud;
    return false;
}

static bool is_value_error(const tg_error *e, void *ud)
{
    (void)ud;
    return tg_error_is(e, &TG_ValueError);
}

static void test_error_split_basics_subgroup_by_type_passthrough(void **st)
{
    (void)st;
    tg_error *eg = simple_eg();
    const tg_error_type *types[] = {&TG_BaseException, &TG_Exception,
                                    &TG_BaseExceptionGroup, &TG_ExceptionGroup};
    for (int i = 0; i < 4; i++) {
        tg_error *sub = tg_error_subgroup(eg, (tg_match){.type = types[i]});
        assert_ptr_equal(sub, eg);
        tg_error_unref(sub);
    }
    tg_error *sub = tg_error_subgroup(eg, TG_MATCH_PRED(always, NULL));
    assert_ptr_equal(sub, eg);
    tg_error_unref(sub);
    tg_error_unref(eg);
}

static void test_error_split_basics_subgroup_no_match(void **st)
{
    (void)st;
    tg_error *eg = simple_eg();
    assert_null(tg_error_subgroup(eg, TG_MATCH_TYPE(TG_OSError)));
    assert_null(tg_error_subgroup(eg, TG_MATCH_PRED(never, NULL)));
    assert_null(tg_error_subgroup(eg, (tg_match){0})); /* empty match */
    assert_null(tg_error_subgroup(NULL, TG_MATCH_TYPE(TG_OSError)));
    tg_error_unref(eg);
}

static void test_error_split_basics_subgroup_by_type_match(void **st)
{
    (void)st;
    tg_error *eg = simple_eg();
    tg_error *sub = tg_error_subgroup(eg, TG_MATCH_TYPE(TG_ValueError));
    assert_repr(sub, "ExceptionGroup('simple eg', [ValueError('1'), "
                     "ValueError('2')])");
    tg_error_unref(sub);
    sub = tg_error_subgroup(eg, TG_MATCH_PRED(is_value_error, NULL));
    assert_repr(sub, "ExceptionGroup('simple eg', [ValueError('1'), "
                     "ValueError('2')])");
    tg_error_unref(sub);
    /* Every leaf matches but the group itself does not: a new group. */
    sub = tg_error_subgroup(eg, TG_MATCH_TYPES(&TG_ValueError, &TG_TypeError));
    assert_ptr_not_equal(sub, eg);
    assert_repr(sub, "ExceptionGroup('simple eg', [ValueError('1'), "
                     "TypeError('int'), ValueError('2')])");
    tg_error_unref(sub);
    tg_error_unref(eg);
}

static void test_error_split_basics_split_by_type_passthrough(void **st)
{
    (void)st;
    tg_error *eg = simple_eg();
    tg_error *m, *r;
    tg_error_split(eg, TG_MATCH_TYPE(TG_BaseException), &m, &r);
    assert_ptr_equal(m, eg);
    assert_null(r);
    tg_error_unref(m);
    tg_error_split(eg, TG_MATCH_PRED(always, NULL), &m, &r);
    assert_ptr_equal(m, eg);
    assert_null(r);
    tg_error_unref(m);
    tg_error_unref(eg);
}

static void test_error_split_basics_split_by_type_no_match(void **st)
{
    (void)st;
    tg_error *eg = simple_eg();
    tg_error *m, *r;
    tg_error_split(eg, TG_MATCH_TYPE(TG_OSError), &m, &r);
    assert_null(m);
    /* CPython rebuilds the rest even when nothing matched. */
    assert_ptr_not_equal(r, eg);
    assert_repr(r, "ExceptionGroup('simple eg', [ValueError('1'), "
                   "TypeError('int'), ValueError('2')])");
    for (size_t i = 0; i < 3; i++)
        assert_ptr_equal(tg_error_group_at(r, i), tg_error_group_at(eg, i));
    tg_error_unref(r);
    tg_error_unref(eg);
}

static void test_error_split_basics_split_by_type_match(void **st)
{
    (void)st;
    tg_error *eg = simple_eg();
    tg_error *m, *r;
    tg_error_split(eg, TG_MATCH_TYPES(&TG_OSError, &TG_ValueError), &m, &r);
    assert_repr(m, "ExceptionGroup('simple eg', [ValueError('1'), "
                   "ValueError('2')])");
    assert_repr(r, "ExceptionGroup('simple eg', [TypeError('int')])");
    tg_error_unref(m);
    tg_error_unref(r);
    tg_error_split(eg, TG_MATCH_TYPES(&TG_ValueError, &TG_TypeError), &m, &r);
    assert_int_equal(tg_error_leaf_count(m), 3);
    assert_null(r);
    tg_error_unref(m);
    tg_error_unref(eg);
}

static void share_check(tg_error *leaf, void *ud)
{
    const tg_error *orig = ud;
    bool found = false;
    for (size_t i = 0; i < tg_error_group_count(orig); i++) {
        tg_error *mem = tg_error_group_at(orig, i);
        for (size_t k = 0; k < tg_error_group_count(mem); k++)
            found |= tg_error_group_at(mem, k) == leaf;
        found |= mem == leaf;
    }
    assert_true(found);
}

static void test_error_split_leaves_are_shared(void **st)
{
    (void)st;
    tg_error *eg = G("eg", 3, V("a"), G("sub", 2, T("b"), V("c")), T("d"));
    size_t live = tg_error_live_count();
    tg_error *m, *r;
    tg_error_split(eg, TG_MATCH_TYPE(TG_ValueError), &m, &r);
    /* Only new groups were made: match, rest and one "sub" each. */
    assert_int_equal(tg_error_live_count(), live + 4);
    tg_error_foreach_leaf(m, share_check, eg);
    tg_error_foreach_leaf(r, share_check, eg);
    tg_error_unref(eg); /* the parts keep the leaves alive */
    assert_repr(m, "ExceptionGroup('eg', [ValueError('a'), "
                   "ExceptionGroup('sub', [ValueError('c')])])");
    tg_error_unref(m);
    tg_error_unref(r);
}

static void test_error_split_copies_notes(void **st)
{
    (void)st;
    tg_error *eg = noted(G("eg", 2, V("1"), T("2")), 2, "note1", "note2");
    tg_error *m, *r;
    tg_error_split(eg, TG_MATCH_TYPE(TG_TypeError), &m, &r);
    assert_int_equal(tg_error_note_count(m), 2);
    assert_int_equal(tg_error_note_count(r), 2);
    assert_ptr_not_equal(tg_error_note_at(m, 0), tg_error_note_at(eg, 0));
    tg_error_add_note(eg, "eg");
    tg_error_add_note(m, "match");
    tg_error_add_note(r, "rest");
    assert_string_equal(tg_error_note_at(eg, 2), "eg");
    assert_string_equal(tg_error_note_at(m, 2), "match");
    assert_string_equal(tg_error_note_at(r, 2), "rest");
    assert_int_equal(tg_error_note_count(eg), 3);
    assert_int_equal(tg_error_note_count(m), 3);
    tg_error_unref(m);
    tg_error_unref(r);
    tg_error_unref(eg);
}

static void test_error_split_keeps_metadata(void **st)
{
    (void)st;
    tg_error *m0[] = {V("a"), T("b")};
    tg_error *eg = tg_error_group_new_at("group.c", 7, "eg", m0, 2);
    tg_error_unref(m0[0]);
    tg_error_unref(m0[1]);
    tg_error *cause = K("root"), *ctx = OS("ctx");
    tg_error_from(eg, cause);
    tg_error_set_context(eg, ctx);
    tg_error *m, *r;
    tg_error_split(eg, TG_MATCH_TYPE(TG_ValueError), &m, &r);
    tg_error *parts[] = {m, r};
    for (int i = 0; i < 2; i++) {
        assert_string_equal(tg_error_message(parts[i]), "eg");
        assert_ptr_equal(tg_error_cause(parts[i]), cause);
        assert_ptr_equal(tg_error_context(parts[i]), ctx);
        assert_true(tg_error_suppress_context(parts[i]));
        assert_string_equal(tg_error_file(parts[i]), "group.c");
        assert_int_equal(tg_error_line(parts[i]), 7);
    }
    tg_error_unref(m);
    tg_error_unref(r);
    tg_error_unref(eg);
}

static void test_error_split_derived_suppresses_context(void **st)
{
    (void)st;
    /* CPython copies the context with PyException_SetCause, which sets
     * __suppress_context__: a part never shows its context. */
    tg_error *eg = linked(G("eg", 2, V("a"), T("b")), NULL, OS("ctx"));
    assert_false(tg_error_suppress_context(eg));
    tg_error *m = tg_error_subgroup(eg, TG_MATCH_TYPE(TG_ValueError));
    assert_true(tg_error_suppress_context(m));
    tg_error_unref(m);
    tg_error_unref(eg);
}

static void test_error_split_nested_partition(void **st)
{
    (void)st;
    /* The shape of NestedExceptionGroupSplitTest.test_split_by_type. */
    tg_error *eg = G("msg3", 2,
                     G("msg2", 3, G("msg1", 3, V("6"), T("int"), V("7")),
                       G("msg1", 3, V("7"), T("int"), V("8")), V("8")),
                     V("7"));
    const tg_match ms[] = {
        TG_MATCH_TYPE(TG_KeyError),
        TG_MATCH_TYPE(TG_BaseException),
        TG_MATCH_TYPE(TG_ValueError),
        TG_MATCH_TYPE(TG_TypeError),
        TG_MATCH_TYPES(&TG_ValueError, &TG_TypeError),
    };
    for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++) {
        tg_error *m, *r;
        tg_error_split(eg, ms[i], &m, &r);
        tg_error *sg = tg_error_subgroup(eg, ms[i]);
        assert_int_equal(tg_error_leaf_count(m) + tg_error_leaf_count(r),
                         tg_error_leaf_count(eg));
        char *a = err_repr(m, 0), *b = err_repr(sg, 0);
        assert_string_equal(a, b); /* match and subgroup agree */
        free(a);
        free(b);
        tg_error_unref(m);
        tg_error_unref(r);
        tg_error_unref(sg);
    }
    tg_error *m, *r;
    tg_error_split(eg, TG_MATCH_TYPE(TG_TypeError), &m, &r);
    assert_repr(m, "ExceptionGroup('msg3', [ExceptionGroup('msg2', "
                   "[ExceptionGroup('msg1', [TypeError('int')]), "
                   "ExceptionGroup('msg1', [TypeError('int')])])])");
    tg_error_unref(m);
    tg_error_unref(r);
    tg_error_unref(eg);
}

static void test_error_split_BaseExceptionGroup(void **st)
{
    (void)st;
    tg_error *beg = G("beg", 2, V("1"), CANCELLED());
    tg_error *m, *r;
    tg_error_split(beg, TG_MATCH_TYPE(TG_ValueError), &m, &r);
    assert_ptr_equal(tg_error_type_of(m), &TG_ExceptionGroup);
    assert_ptr_equal(tg_error_type_of(r), &TG_BaseExceptionGroup);
    tg_error_unref(m);
    tg_error_unref(r);
    tg_error_split(beg, TG_MATCH_TYPE(TG_TypeError), &m, &r);
    assert_null(m);
    assert_ptr_equal(tg_error_type_of(r), &TG_BaseExceptionGroup);
    tg_error_unref(r);
    tg_error_unref(beg);
}

static void test_error_split_bare_error_is_a_leaf(void **st)
{
    (void)st;
    tg_error *v = V("v");
    tg_error *m, *r;
    tg_error_split(v, TG_MATCH_TYPE(TG_Exception), &m, &r);
    assert_ptr_equal(m, v);
    assert_null(r);
    tg_error_unref(m);
    tg_error_split(v, TG_MATCH_TYPE(TG_TypeError), &m, &r);
    assert_null(m);
    assert_ptr_equal(r, v);
    tg_error_unref(r);
    tg_error *sub = tg_error_subgroup(v, TG_MATCH_TYPE(TG_ValueError));
    assert_ptr_equal(sub, v);
    tg_error_unref(sub);
    tg_error_unref(v);
}

static void test_error_split_null_and_optional_outputs(void **st)
{
    (void)st;
    tg_error *m = (tg_error *)1, *r = (tg_error *)1;
    tg_error_split(NULL, TG_MATCH_TYPE(TG_Exception), &m, &r);
    assert_null(m);
    assert_null(r);
    tg_error *eg = simple_eg();
    tg_error_split(eg, TG_MATCH_TYPE(TG_ValueError), NULL, &r);
    assert_repr(r, "ExceptionGroup('simple eg', [TypeError('int')])");
    tg_error_unref(r);
    tg_error_split(eg, TG_MATCH_TYPE(TG_ValueError), &m, NULL);
    assert_int_equal(tg_error_leaf_count(m), 2);
    tg_error_unref(m);
    tg_error_unref(eg);
}

typedef struct seen_log {
    char text[128];
} seen_log;

static bool log_calls(const tg_error *e, void *ud)
{
    seen_log *log = ud;
    strcat(log->text, tg_error_message(e));
    strcat(log->text, " ");
    return false;
}

static void test_error_split_predicate_sees_group_first(void **st)
{
    (void)st;
    tg_error *eg = G("top", 2, V("a"), G("mid", 2, T("b"), K("c")));
    seen_log log = {""};
    tg_error *m, *r;
    tg_error_split(eg, TG_MATCH_PRED(log_calls, &log), &m, &r);
    assert_string_equal(log.text, "top a mid b c ");
    assert_null(m);
    tg_error_unref(r);
    tg_error_unref(eg);
}

static void test_error_split_static_members(void **st)
{
    (void)st;
    tg_error *eg = G("eg", 2, tg__error_oom(), V("v"));
    tg_error *m, *r;
    tg_error_split(eg, TG_MATCH_TYPE(TG_MemoryError), &m, &r);
    assert_repr(m, "ExceptionGroup('eg', [MemoryError('out of memory')])");
    assert_ptr_equal(tg_error_group_at(m, 0), tg__error_oom());
    assert_repr(r, "ExceptionGroup('eg', [ValueError('v')])");
    tg_error_unref(m);
    tg_error_unref(r);
    tg_error_unref(eg);
}

/* Types made at run time for test_error_split_many_types: 16-byte
 * neighbours, as the built-in types are. */
static tg_error_type many[40];

static void count_leaf(tg_error *leaf, void *ud)
{
    (void)leaf;
    (*(size_t *)ud)++;
}

static void count_value_errors(tg_error *leaf, void *ud)
{
    assert_true(tg_error_is(leaf, &TG_ValueError));
    (*(size_t *)ud)++;
}

static void count_others(tg_error *leaf, void *ud)
{
    assert_false(tg_error_is(leaf, &TG_ValueError));
    (*(size_t *)ud)++;
}

static void test_error_split_many_types(void **st)
{
    (void)st;
    /* More types than split keeps answers for, some at addresses that
     * share a slot: every leaf must still be tested right.  Types i % 3
     * == 1 derive from ValueError, == 2 from type i - 1 (so ValueError
     * too), == 0 from TypeError. */
    for (size_t i = 0; i < 40; i++)
        many[i] = (tg_error_type){"Many", i % 3 == 0   ? &TG_TypeError
                                          : i % 3 == 1 ? &TG_ValueError
                                                       : &many[i - 1]};
    tg_error *mids[40];
    for (size_t i = 0; i < 40; i++) {
        tg_error *leaves[] = {tg_error_new(&many[i], "a"),
                              tg_error_new(&many[39 - i], "b"),
                              tg_error_new(&many[i], "c")};
        mids[i] = tg_error_group_new("mid", leaves, 3);
        for (size_t l = 0; l < 3; l++)
            tg_error_unref(leaves[l]);
    }
    tg_error *top[] = {tg_error_group_new("left", mids, 20),
                       tg_error_group_new("right", mids + 20, 20),
                       tg_error_new(&many[2], "bare")};
    for (size_t i = 0; i < 40; i++)
        tg_error_unref(mids[i]);
    tg_error *eg = tg_error_group_new("eg", top, 3);
    for (size_t i = 0; i < 3; i++)
        tg_error_unref(top[i]);

    tg_error *m, *r;
    tg_error_split(eg, TG_MATCH_TYPE(TG_ValueError), &m, &r);
    size_t nm = 0, nr = 0;
    tg_error_foreach_leaf(m, count_value_errors, &nm);
    tg_error_foreach_leaf(r, count_others, &nr);
    /* 26 of the 40 types are ValueErrors; each type has 3 leaves, and
     * the bare one is many[2]. */
    assert_int_equal(nm, 26 * 3 + 1);
    assert_int_equal(nr, 14 * 3);
    tg_error_unref(m);
    tg_error_unref(r);

    /* A list of types: many[4] (and many[5], derived from it) and
     * many[33]. */
    m = tg_error_subgroup(eg, TG_MATCH_TYPES(&many[4], &many[33]));
    nm = 0;
    tg_error_foreach_leaf(m, count_leaf, &nm);
    assert_int_equal(nm, 3 * 3);
    tg_error_unref(m);
    tg_error_unref(eg);
}

static void test_error_split_match_test(void **st)
{
    (void)st;
    tg_error *c = CONN("c");
    assert_true(tg_match_test(TG_MATCH_TYPE(TG_OSError), c));
    assert_false(tg_match_test(TG_MATCH_TYPE(TG_ValueError), c));
    assert_true(tg_match_test(TG_MATCH_TYPES(&TG_ValueError, &TG_OSError), c));
    assert_false(tg_match_test(TG_MATCH_TYPES(&TG_ValueError), c));
    assert_true(tg_match_test(TG_MATCH_PRED(always, NULL), c));
    assert_false(tg_match_test((tg_match){0}, c));
    assert_false(tg_match_test(TG_MATCH_TYPE(TG_OSError), NULL));
    tg_error_unref(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(
            test_error_split_basics_subgroup_by_type_passthrough, no_leak),
        cmocka_unit_test_teardown(test_error_split_basics_subgroup_no_match,
                                  no_leak),
        cmocka_unit_test_teardown(
            test_error_split_basics_subgroup_by_type_match, no_leak),
        cmocka_unit_test_teardown(
            test_error_split_basics_split_by_type_passthrough, no_leak),
        cmocka_unit_test_teardown(
            test_error_split_basics_split_by_type_no_match, no_leak),
        cmocka_unit_test_teardown(test_error_split_basics_split_by_type_match,
                                  no_leak),
        cmocka_unit_test_teardown(test_error_split_leaves_are_shared, no_leak),
        cmocka_unit_test_teardown(test_error_split_copies_notes, no_leak),
        cmocka_unit_test_teardown(test_error_split_keeps_metadata, no_leak),
        cmocka_unit_test_teardown(test_error_split_derived_suppresses_context,
                                  no_leak),
        cmocka_unit_test_teardown(test_error_split_nested_partition, no_leak),
        cmocka_unit_test_teardown(test_error_split_BaseExceptionGroup, no_leak),
        cmocka_unit_test_teardown(test_error_split_bare_error_is_a_leaf,
                                  no_leak),
        cmocka_unit_test_teardown(test_error_split_null_and_optional_outputs,
                                  no_leak),
        cmocka_unit_test_teardown(test_error_split_predicate_sees_group_first,
                                  no_leak),
        cmocka_unit_test_teardown(test_error_split_static_members, no_leak),
        cmocka_unit_test_teardown(test_error_split_many_types, no_leak),
        cmocka_unit_test_teardown(test_error_split_match_test, no_leak),
    };
    return cmocka_run_group_tests_name("error_split", tests, NULL, NULL);
}
