/*
 * test_error_parity.c -- Python parity of split, subgroup and except*.
 * Each scenario builds the same errors as its twin in parity/verify.py and
 * prints the result with err_repr(); the expected string beside it is what
 * CPython 3.11 gives, which `python3 tests/core/parity/verify.py` checks.
 * These tests never run Python themselves.
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

/* ---- helpers ------------------------------------------------------------ */

static char *cat3(char *a, const char *mid, char *b)
{
    size_t n = strlen(a) + strlen(mid) + strlen(b) + 1;
    char *s = malloc(n);
    assert_non_null(s);
    snprintf(s, n, "%s%s%s", a, mid, b);
    free(a);
    free(b);
    return s;
}

/* "match=<repr>; rest=<repr>", consuming g. */
static char *split_str(tg_error *g, tg_match m, unsigned flags)
{
    tg_error *match, *rest;
    tg_error_split(g, m, &match, &rest);
    char *s = cat3(cat3(strdup("match="), "", err_repr(match, flags)),
                   "; rest=", err_repr(rest, flags));
    tg_error_unref(match);
    tg_error_unref(rest);
    tg_error_unref(g);
    return s;
}

static char *show(tg_error *e, unsigned flags)
{
    char *s = err_repr(e, flags);
    tg_error_unref(e);
    return s;
}

static tg_error *nested3(void)
{
    return G("top", 3, V("a"), G("mid", 2, T("b"), G("low", 2, V("c"), K("d"))),
             T("e"));
}

/* Handlers: "pass", "raise", and "raise NEW" with the spec in ud. */
static tg_error *h_pass(tg_error *matched, void *ud)
{
    (void)matched;
    (void)ud;
    return NULL;
}

static tg_error *h_reraise(tg_error *matched, void *ud)
{
    (void)ud;
    return matched;
}

typedef struct raise_spec {
    const tg_error_type *type;
    const char *msg;
    bool from; /* raise NEW from matched */
} raise_spec;

static tg_error *h_raise(tg_error *matched, void *ud)
{
    const raise_spec *spec = ud;
    tg_error *e = tg_error_new(spec->type, "%s", spec->msg);
    if (spec->from)
        tg_error_from(e, tg_error_ref(matched));
    return e;
}

static tg_error *h_raise_group(tg_error *matched, void *ud)
{
    (void)matched;
    (void)ud;
    return G("inner", 1, K("k"));
}

#define CLAUSE(M, H, UD) ((tg_except_clause){(M), (H), (UD)})

static bool starts_with_x(const tg_error *e, void *ud)
{
    (void)ud;
    return !tg_error_is_group(e) && tg_error_message(e)[0] == 'x';
}

static bool is_inner(const tg_error *e, void *ud)
{
    (void)ud;
    return tg_error_is_group(e) && !strcmp(tg_error_message(e), "inner");
}

static bool is_leaf(const tg_error *e, void *ud)
{
    (void)ud;
    return !tg_error_is_group(e);
}

/* ---- scenarios ----------------------------------------------------------- */

static char *split_by_type(void)
{
    return split_str(G("eg", 3, V("a"), T("b"), V("c")),
                     TG_MATCH_TYPE(TG_ValueError), 0);
}

static char *split_match_type_tuple_nested(void)
{
    return split_str(
        G("h1", 3, V("V1"), OS("OS1"), G("h2", 3, OS("OS2"), V("V2"), T("T"))),
        TG_MATCH_TYPES(&TG_ValueError, &TG_TypeError), 0);
}

static char *split_match_single_type_nested(void)
{
    return split_str(
        G("g1", 3, V("V1"), OS("OS1"), G("g2", 3, OS("OS2"), V("V2"), T("T"))),
        TG_MATCH_TYPE(TG_ValueError), 0);
}

static char *split_empty_groups_removed(void)
{
    return split_str(G("eg", 3, G("i1", 1, V("V1")),
                       G("i2", 2, V("V2"), T("T1")), G("i3", 1, T("T2"))),
                     TG_MATCH_TYPE(TG_TypeError), 0);
}

static char *split_singleton_groups_kept(void)
{
    return split_str(
        G("j1", 1, G("j2", 2, G("j3", 1, V("V1")), G("j4", 1, T("T")))),
        TG_MATCH_TYPE(TG_TypeError), 0);
}

static char *split_match_supertype(void)
{
    return split_str(G("st", 2, CONN("io"), T("T")), TG_MATCH_TYPE(TG_OSError),
                     0);
}

static char *split_no_match(void)
{
    return split_str(G("test1", 2, V("V"), T("T")), TG_MATCH_TYPE(TG_KeyError),
                     0);
}

static char *split_by_predicate_on_leaves(void)
{
    return split_str(
        G("eg", 3, V("x1"), T("y1"), G("sub", 2, K("x2"), V("y2"))),
        TG_MATCH_PRED(starts_with_x, NULL), 0);
}

static char *split_predicate_takes_subgroup_whole(void)
{
    return split_str(G("outer", 2, V("a"), G("inner", 2, T("b"), K("c"))),
                     TG_MATCH_PRED(is_inner, NULL), 0);
}

static char *split_three_levels(void)
{
    return split_str(nested3(), TG_MATCH_TYPE(TG_ValueError), 0);
}

static char *split_whole_group_by_group_type(void)
{
    return split_str(G("eg", 2, V("a"), T("b")),
                     TG_MATCH_TYPE(TG_ExceptionGroup), 0);
}

static char *split_base_group_rest_repicks_type(void)
{
    return split_str(G("b", 2, CANCELLED(), V("v")),
                     TG_MATCH_TYPE(TG_CancelledError), 0);
}

static char *split_exception_in_base_group(void)
{
    return split_str(G("b", 3, CANCELLED(), V("v"), G("e", 1, T("t"))),
                     TG_MATCH_TYPE(TG_Exception), 0);
}

static char *split_keeps_notes(void)
{
    tg_error *eg = noted(
        G("eg", 3, V("a"), noted(G("sub", 2, T("b"), V("c")), 1, "s1"), T("d")),
        2, "n1", "n2");
    return split_str(eg, TG_MATCH_TYPE(TG_ValueError), 0);
}

static char *split_keeps_cause_and_context(void)
{
    tg_error *eg = linked(G("eg", 2, V("a"), T("b")), K("root"), OS("ctx"));
    return split_str(eg, TG_MATCH_TYPE(TG_ValueError), ERR_REPR_LINKS);
}

static char *subgroup_nested(void)
{
    tg_error *g = nested3();
    char *s = show(tg_error_subgroup(g, TG_MATCH_TYPE(TG_TypeError)), 0);
    tg_error_unref(g);
    return s;
}

static char *subgroup_no_match(void)
{
    tg_error *g = nested3();
    char *s = show(tg_error_subgroup(g, TG_MATCH_TYPE(TG_ConnectionError)), 0);
    tg_error_unref(g);
    return s;
}

static char *subgroup_predicate_every_leaf(void)
{
    tg_error *g = nested3();
    char *s = show(tg_error_subgroup(g, TG_MATCH_PRED(is_leaf, NULL)), 0);
    tg_error_unref(g);
    return s;
}

static char *group_new_picks_type(void)
{
    return cat3(show(G("x", 1, V("v")), 0), "; ",
                show(G("y", 2, V("v"), CANCELLED()), 0));
}

static char *except_two_clauses_rest(void)
{
    tg_except_clause c[] = {
        CLAUSE(TG_MATCH_TYPE(TG_ValueError), h_pass, NULL),
        CLAUSE(TG_MATCH_TYPE(TG_TypeError), h_pass, NULL),
    };
    return show(tg_except(G("eg", 3, V("a"), T("b"), K("c")), c, 2), 0);
}

static char *except_three_clauses_all_handled(void)
{
    tg_except_clause c[] = {
        CLAUSE(TG_MATCH_TYPE(TG_ValueError), h_pass, NULL),
        CLAUSE(TG_MATCH_TYPE(TG_TypeError), h_pass, NULL),
        CLAUSE(TG_MATCH_TYPE(TG_KeyError), h_pass, NULL),
    };
    tg_error *eg = G("eg", 3, V("a"), T("b"), G("sub", 2, K("c"), V("d")));
    return show(tg_except(eg, c, 3), 0);
}

static char *except_raise_named(void)
{
    raise_spec spec = {&TG_TypeError, "3", false};
    tg_except_clause c[] = {
        CLAUSE(TG_MATCH_TYPE(TG_OSError), h_raise, &spec),
    };
    return show(tg_except(G("eg", 2, V("1"), OS("2")), c, 1), ERR_REPR_LINKS);
}

static char *except_reraise_all(void)
{
    tg_except_clause c[] = {
        CLAUSE(TG_MATCH_TYPE(TG_TypeError), h_reraise, NULL),
        CLAUSE(TG_MATCH_TYPE(TG_ValueError), h_reraise, NULL),
    };
    return show(tg_except(G("eg", 3, T("1"), V("2"), OS("3")), c, 2), 0);
}

static char *except_reraise_some_handle_all(void)
{
    tg_except_clause c[] = {
        CLAUSE(TG_MATCH_TYPE(TG_TypeError), h_reraise, NULL),
        CLAUSE(TG_MATCH_TYPE(TG_ValueError), h_pass, NULL),
    };
    return show(tg_except(G("eg", 3, T("1"), V("2"), OS("3")), c, 2), 0);
}

static char *except_reraise_plain_exception(void)
{
    tg_except_clause c[] = {
        CLAUSE(TG_MATCH_TYPE(TG_ValueError), h_reraise, NULL),
    };
    return show(tg_except(V("42"), c, 1), 0);
}

static char *except_plain_exception_not_matched(void)
{
    tg_except_clause c[] = {
        CLAUSE(TG_MATCH_TYPE(TG_TypeError), h_pass, NULL),
    };
    return show(tg_except(V("V"), c, 1), 0);
}

static char *except_plain_exception_raises_new(void)
{
    raise_spec spec = {&TG_TypeError, "t", false};
    tg_except_clause c[] = {
        CLAUSE(TG_MATCH_TYPE(TG_ValueError), h_raise, &spec),
    };
    return show(tg_except(V("v"), c, 1), ERR_REPR_LINKS);
}

static char *except_raise_handle_all_raise_two(void)
{
    raise_spec s3 = {&TG_RuntimeError, "3", false};
    raise_spec s4 = {&TG_RuntimeError, "4", false};
    tg_except_clause c[] = {
        CLAUSE(TG_MATCH_TYPE(TG_TypeError), h_raise, &s3),
        CLAUSE(TG_MATCH_TYPE(TG_ValueError), h_raise, &s4),
    };
    return show(tg_except(G("eg", 2, T("1"), V("2")), c, 2), ERR_REPR_LINKS);
}

static char *except_raise_from(void)
{
    raise_spec spec = {&TG_TypeError, "3", true};
    tg_except_clause c[] = {
        CLAUSE(TG_MATCH_TYPE(TG_OSError), h_raise, &spec),
    };
    return show(tg_except(G("eg", 2, V("1"), OS("2")), c, 1), ERR_REPR_LINKS);
}

static char *except_raise_handle_all_raise_one(void)
{
    raise_spec spec = {&TG_RuntimeError, "3", false};
    tg_except_clause c[] = {
        CLAUSE(TG_MATCH_TYPES(&TG_TypeError, &TG_ValueError), h_raise, &spec),
    };
    return show(tg_except(G("eg", 2, T("1"), V("2")), c, 1), ERR_REPR_LINKS);
}

static char *except_three_levels(void)
{
    tg_except_clause c[] = {
        CLAUSE(TG_MATCH_TYPE(TG_ValueError), h_pass, NULL),
        CLAUSE(TG_MATCH_TYPE(TG_KeyError), h_reraise, NULL),
    };
    return show(tg_except(nested3(), c, 2), 0);
}

static char *except_reraise_and_raise(void)
{
    raise_spec spec = {&TG_RuntimeError, "r", false};
    tg_except_clause c[] = {
        CLAUSE(TG_MATCH_TYPE(TG_ValueError), h_reraise, NULL),
        CLAUSE(TG_MATCH_TYPE(TG_TypeError), h_raise, &spec),
    };
    return show(tg_except(G("eg", 3, V("a"), T("b"), K("c")), c, 2), 0);
}

static char *except_cancelled_in_base_group(void)
{
    tg_except_clause c[] = {
        CLAUSE(TG_MATCH_TYPE(TG_CancelledError), h_pass, NULL),
    };
    return show(tg_except(G("b", 2, CANCELLED(), V("v")), c, 1), 0);
}

static char *except_raise_cancelled_makes_base_group(void)
{
    raise_spec spec = {&TG_CancelledError, "", false};
    tg_except_clause c[] = {
        CLAUSE(TG_MATCH_TYPE(TG_ValueError), h_raise, &spec),
    };
    return show(tg_except(G("eg", 2, V("a"), T("b")), c, 1), 0);
}

static char *except_notes_kept_on_rest(void)
{
    tg_except_clause c[] = {
        CLAUSE(TG_MATCH_TYPE(TG_ValueError), h_pass, NULL),
    };
    return show(tg_except(noted(G("eg", 2, V("a"), T("b")), 1, "n"), c, 1), 0);
}

static char *except_handler_raises_group(void)
{
    tg_except_clause c[] = {
        CLAUSE(TG_MATCH_TYPE(TG_ValueError), h_raise_group, NULL),
    };
    return show(tg_except(G("eg", 2, V("a"), T("b")), c, 1), 0);
}

static char *except_first_match_wins(void)
{
    raise_spec spec = {&TG_RuntimeError, "never", false};
    tg_except_clause c[] = {
        CLAUSE(TG_MATCH_TYPE(TG_OSError), h_pass, NULL),
        CLAUSE(TG_MATCH_TYPE(TG_ConnectionError), h_raise, &spec),
    };
    return show(tg_except(G("fst", 1, CONN("io")), c, 2), 0);
}

static char *except_whole_match_reraise(void)
{
    tg_except_clause c[] = {
        CLAUSE(TG_MATCH_TYPE(TG_Exception), h_reraise, NULL),
    };
    return show(tg_except(noted(G("eg", 2, V("a"), T("b")), 1, "n"), c, 1),
                ERR_REPR_LINKS);
}

static char *except_star_ExceptionGroup_is_runtime_error_single(void)
{
    tg_except_clause c[] = {
        CLAUSE(TG_MATCH_TYPE(TG_ExceptionGroup), h_pass, NULL),
    };
    return show(tg_except(G("eg", 2, V("1"), T("2")), c, 1), ERR_REPR_LINKS);
}

static char *except_star_ExceptionGroup_is_runtime_error_tuple(void)
{
    tg_except_clause c[] = {
        CLAUSE(TG_MATCH_TYPES(&TG_TypeError, &TG_BaseExceptionGroup), h_pass,
               NULL),
    };
    return show(tg_except(G("eg", 2, V("1"), T("2")), c, 1), ERR_REPR_LINKS);
}

static char *except_star_ExceptionGroup_after_handlers(void)
{
    raise_spec spec = {&TG_KeyError, "k", false};
    tg_except_clause c[] = {
        CLAUSE(TG_MATCH_TYPE(TG_ValueError), h_raise, &spec),
        CLAUSE(TG_MATCH_TYPE(TG_TypeError), h_pass, NULL),
        CLAUSE(TG_MATCH_TYPE(TG_ExceptionGroup), h_pass, NULL),
    };
    return show(tg_except(G("eg", 3, V("1"), T("2"), K("3")), c, 3),
                ERR_REPR_LINKS);
}

/* ---- the table: scenario, CPython 3.11's answer ------------------------ */

typedef struct parity_case {
    const char *name;
    char *(*run)(void);
    const char *expected;
} parity_case;

/* verify.py finds the rows by this macro: keep one per scenario. */
#define PARITY(NAME, EXPECTED)                                                 \
    {                                                                          \
#NAME, NAME, EXPECTED                                                  \
    }

static const parity_case cases[] = {
    PARITY(split_by_type, "match=ExceptionGroup('eg', [ValueError('a'),"
                          " ValueError('c')]); rest=ExceptionGroup('eg',"
                          " [TypeError('b')])"),
    PARITY(split_match_type_tuple_nested,
           "match=ExceptionGroup('h1', [ValueError('V1'),"
           " ExceptionGroup('h2', [ValueError('V2'), TypeError('T')])]);"
           " rest=ExceptionGroup('h1', [OSError('OS1'),"
           " ExceptionGroup('h2', [OSError('OS2')])])"),
    PARITY(split_match_single_type_nested,
           "match=ExceptionGroup('g1', [ValueError('V1'),"
           " ExceptionGroup('g2', [ValueError('V2')])]);"
           " rest=ExceptionGroup('g1', [OSError('OS1'),"
           " ExceptionGroup('g2', [OSError('OS2'), TypeError('T')])])"),
    PARITY(split_empty_groups_removed,
           "match=ExceptionGroup('eg', [ExceptionGroup('i2',"
           " [TypeError('T1')]), ExceptionGroup('i3',"
           " [TypeError('T2')])]); rest=ExceptionGroup('eg',"
           " [ExceptionGroup('i1', [ValueError('V1')]),"
           " ExceptionGroup('i2', [ValueError('V2')])])"),
    PARITY(split_singleton_groups_kept,
           "match=ExceptionGroup('j1', [ExceptionGroup('j2',"
           " [ExceptionGroup('j4', [TypeError('T')])])]);"
           " rest=ExceptionGroup('j1', [ExceptionGroup('j2',"
           " [ExceptionGroup('j3', [ValueError('V1')])])])"),
    PARITY(split_match_supertype,
           "match=ExceptionGroup('st', [ConnectionError('io')]);"
           " rest=ExceptionGroup('st', [TypeError('T')])"),
    PARITY(split_no_match,
           "match=None; rest=ExceptionGroup('test1', [ValueError('V'),"
           " TypeError('T')])"),
    PARITY(split_by_predicate_on_leaves,
           "match=ExceptionGroup('eg', [ValueError('x1'),"
           " ExceptionGroup('sub', [KeyError('x2')])]);"
           " rest=ExceptionGroup('eg', [TypeError('y1'),"
           " ExceptionGroup('sub', [ValueError('y2')])])"),
    PARITY(split_predicate_takes_subgroup_whole,
           "match=ExceptionGroup('outer', [ExceptionGroup('inner',"
           " [TypeError('b'), KeyError('c')])]);"
           " rest=ExceptionGroup('outer', [ValueError('a')])"),
    PARITY(split_three_levels,
           "match=ExceptionGroup('top', [ValueError('a'),"
           " ExceptionGroup('mid', [ExceptionGroup('low',"
           " [ValueError('c')])])]); rest=ExceptionGroup('top',"
           " [ExceptionGroup('mid', [TypeError('b'),"
           " ExceptionGroup('low', [KeyError('d')])]), TypeError('e')])"),
    PARITY(split_whole_group_by_group_type,
           "match=ExceptionGroup('eg', [ValueError('a'),"
           " TypeError('b')]); rest=None"),
    PARITY(split_base_group_rest_repicks_type,
           "match=BaseExceptionGroup('b', [CancelledError('')]);"
           " rest=ExceptionGroup('b', [ValueError('v')])"),
    PARITY(split_exception_in_base_group,
           "match=ExceptionGroup('b', [ValueError('v'),"
           " ExceptionGroup('e', [TypeError('t')])]);"
           " rest=BaseExceptionGroup('b', [CancelledError('')])"),
    PARITY(split_keeps_notes,
           "match=ExceptionGroup('eg', [ValueError('a'),"
           " ExceptionGroup('sub', [ValueError('c')], notes=['s1'])],"
           " notes=['n1', 'n2']); rest=ExceptionGroup('eg',"
           " [ExceptionGroup('sub', [TypeError('b')], notes=['s1']),"
           " TypeError('d')], notes=['n1', 'n2'])"),
    PARITY(split_keeps_cause_and_context,
           "match=ExceptionGroup('eg', [ValueError('a')],"
           " cause=KeyError('root'), context=OSError('ctx'),"
           " suppress_context=True); rest=ExceptionGroup('eg',"
           " [TypeError('b')], cause=KeyError('root'),"
           " context=OSError('ctx'), suppress_context=True)"),
    PARITY(subgroup_nested, "ExceptionGroup('top', [ExceptionGroup('mid',"
                            " [TypeError('b')]), TypeError('e')])"),
    PARITY(subgroup_no_match, "None"),
    PARITY(subgroup_predicate_every_leaf,
           "ExceptionGroup('top', [ValueError('a'), ExceptionGroup('mid',"
           " [TypeError('b'), ExceptionGroup('low', [ValueError('c'),"
           " KeyError('d')])]), TypeError('e')])"),
    PARITY(group_new_picks_type, "ExceptionGroup('x', [ValueError('v')]);"
                                 " BaseExceptionGroup('y', [ValueError('v'),"
                                 " CancelledError('')])"),
    PARITY(except_two_clauses_rest, "ExceptionGroup('eg', [KeyError('c')])"),
    PARITY(except_three_clauses_all_handled, "None"),
    PARITY(except_raise_named, "ExceptionGroup('', [TypeError('3',"
                               " context=ExceptionGroup('eg', [OSError('2')],"
                               " suppress_context=True)), ExceptionGroup('eg',"
                               " [ValueError('1')], suppress_context=True)])"),
    PARITY(except_reraise_all,
           "ExceptionGroup('eg', [TypeError('1'), ValueError('2'),"
           " OSError('3')])"),
    PARITY(except_reraise_some_handle_all,
           "ExceptionGroup('eg', [TypeError('1'), OSError('3')])"),
    PARITY(except_reraise_plain_exception,
           "ExceptionGroup('', [ValueError('42')])"),
    PARITY(except_plain_exception_not_matched, "ValueError('V')"),
    PARITY(except_plain_exception_raises_new,
           "TypeError('t', context=ExceptionGroup('', [ValueError('v')]))"),
    PARITY(except_raise_handle_all_raise_two,
           "ExceptionGroup('', [RuntimeError('3',"
           " context=ExceptionGroup('eg', [TypeError('1')],"
           " suppress_context=True)), RuntimeError('4',"
           " context=ExceptionGroup('eg', [ValueError('2')],"
           " suppress_context=True))])"),
    PARITY(except_raise_from,
           "ExceptionGroup('', [TypeError('3', cause=ExceptionGroup('eg',"
           " [OSError('2')], suppress_context=True),"
           " context=ExceptionGroup('eg', [OSError('2')],"
           " suppress_context=True), suppress_context=True),"
           " ExceptionGroup('eg', [ValueError('1')],"
           " suppress_context=True)])"),
    PARITY(except_raise_handle_all_raise_one,
           "RuntimeError('3', context=ExceptionGroup('eg',"
           " [TypeError('1'), ValueError('2')], suppress_context=True))"),
    PARITY(except_three_levels,
           "ExceptionGroup('top', [ExceptionGroup('mid', [TypeError('b'),"
           " ExceptionGroup('low', [KeyError('d')])]), TypeError('e')])"),
    PARITY(except_reraise_and_raise,
           "ExceptionGroup('', [RuntimeError('r'), ExceptionGroup('eg',"
           " [ValueError('a'), KeyError('c')])])"),
    PARITY(except_cancelled_in_base_group,
           "ExceptionGroup('b', [ValueError('v')])"),
    PARITY(except_raise_cancelled_makes_base_group,
           "BaseExceptionGroup('', [CancelledError(''),"
           " ExceptionGroup('eg', [TypeError('b')])])"),
    PARITY(except_notes_kept_on_rest,
           "ExceptionGroup('eg', [TypeError('b')], notes=['n'])"),
    PARITY(except_handler_raises_group,
           "ExceptionGroup('', [ExceptionGroup('inner', [KeyError('k')]),"
           " ExceptionGroup('eg', [TypeError('b')])])"),
    PARITY(except_first_match_wins, "None"),
    PARITY(except_whole_match_reraise,
           "ExceptionGroup('eg', [ValueError('a'), TypeError('b')],"
           " notes=['n'], suppress_context=True)"),
    PARITY(except_star_ExceptionGroup_is_runtime_error_single,
           "TypeError('catching ExceptionGroup with except* is not allowed."
           " Use except instead.', context=ExceptionGroup('eg',"
           " [ValueError('1'), TypeError('2')]))"),
    PARITY(except_star_ExceptionGroup_is_runtime_error_tuple,
           "TypeError('catching ExceptionGroup with except* is not allowed."
           " Use except instead.', context=ExceptionGroup('eg',"
           " [ValueError('1'), TypeError('2')]))"),
    PARITY(except_star_ExceptionGroup_after_handlers,
           "TypeError('catching ExceptionGroup with except* is not allowed."
           " Use except instead.', context=ExceptionGroup('eg',"
           " [TypeError('2')], suppress_context=True))"),
};

static void run_case(void **state)
{
    const parity_case *c = *state;
    size_t live = tg_error_live_count();
    char *got = c->run();
    if (strcmp(got, c->expected) != 0)
        print_error("%s\n  expected (CPython): %s\n  got (libtg):       %s\n",
                    c->name, c->expected, got);
    assert_string_equal(got, c->expected);
    free(got);
    assert_int_equal(tg_error_live_count(), live);
}

/* Every row becomes its own cmocka test, named after the scenario. */
int main(void)
{
    enum { N = sizeof cases / sizeof cases[0] };
    struct CMUnitTest tests[N];
    char names[N][96];
    for (size_t i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "test_error_parity_%s",
                 cases[i].name);
        tests[i] = (struct CMUnitTest){names[i], run_case, NULL, NULL,
                                       (void *)&cases[i]};
    }
    return cmocka_run_group_tests_name("error_parity", tests, NULL, NULL);
}
