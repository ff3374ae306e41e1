/*
 * test_error_oom.c -- allocation failure in the error half of libtg, as
 * SQLite's fault tests do it: for each operation, count its allocations,
 * then run it again failing the n-th one, for every n (once failing only
 * that one, once failing it and every later one).  Each run must not crash,
 * must give either the right answer or a MemoryError (never lose the
 * original error), and must leave the live count where it was.
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

/* One operation under test: make its inputs (no faults), run it (faults
 * armed), check and release (no faults). */
typedef struct op {
    void *(*setup)(void);
    void *(*run)(void *in);
    void (*check)(void *in, void *out, bool faulted);
} op;

/* Runs o once per allocation it makes, failing that allocation. */
static void each_failure(const op *o)
{
    size_t base = tg_error_live_count();
    void *in = o->setup();
    unsigned long before = tg__alloc_count();
    void *out = o->run(in);
    unsigned long total = tg__alloc_count() - before;
    o->check(in, out, false);
    assert_int_equal(tg_error_live_count(), base);
    assert_true(total > 0);
    for (int sticky = 0; sticky <= 1; sticky++) {
        for (unsigned long n = 1; n <= total; n++) {
            in = o->setup();
            tg__alloc_fail_after(n, sticky);
            out = o->run(in);
            tg__alloc_fail_after(0, 0);
            o->check(in, out, true);
            if (tg_error_live_count() != base)
                print_error("leak: n=%lu sticky=%d\n", n, sticky);
            assert_int_equal(tg_error_live_count(), base);
        }
    }
}

static void assert_repr_or_oom(const tg_error *e, const char *want)
{
    char *s = err_repr(e, 0);
    if (strcmp(s, want) != 0 && !strstr(s, "MemoryError"))
        fail_msg("neither the answer nor MemoryError: %s", s);
    free(s);
}

static tg_error *nested(void)
{
    tg_error *eg = G(
        "top", 3, V("a"),
        noted(G("mid", 2, T("b"), G("low", 2, V("c"), K("d"))), 2, "n1", "n2"),
        T("e"));
    return linked(eg, K("cause"), NULL);
}

/* ---- split ------------------------------------------------------------- */

typedef struct pair {
    tg_error *match, *rest;
} pair;

static void *setup_nested(void)
{
    return nested();
}

static void *run_split(void *in)
{
    pair *p = malloc(sizeof *p);
    assert_non_null(p);
    tg_error_split(in, TG_MATCH_TYPE(TG_ValueError), &p->match, &p->rest);
    return p;
}

static void check_split(void *in, void *out, bool faulted)
{
    pair *p = out;
    if (!p->match && tg_error_is(p->rest, &TG_MemoryError)) {
        assert_true(faulted);
        /* The original is still reachable from the MemoryError, unless
         * even that could not be made (then it is the static one). */
        if (tg_error_context(p->rest))
            assert_ptr_equal(tg_error_context(p->rest), in);
    } else {
        assert_repr_or_oom(p->match,
                           "ExceptionGroup('top', [ValueError('a'), "
                           "ExceptionGroup('mid', [ExceptionGroup('low', "
                           "[ValueError('c')])], notes=['n1', 'n2'])])");
        assert_repr_or_oom(p->rest,
                           "ExceptionGroup('top', [ExceptionGroup('mid', "
                           "[TypeError('b'), ExceptionGroup('low', "
                           "[KeyError('d')])], notes=['n1', 'n2']), "
                           "TypeError('e')])");
    }
    tg_error_unref(p->match);
    tg_error_unref(p->rest);
    tg_error_unref(in);
    free(p);
}

static void test_error_oom_split(void **state)
{
    (void)state;
    const op o = {setup_nested, run_split, check_split};
    each_failure(&o);
}

static bool leaf_b_or_c(const tg_error *e, void *ud)
{
    (void)ud;
    const char *m = tg_error_message(e);
    return !tg_error_is_group(e) && (!strcmp(m, "b") || !strcmp(m, "c"));
}

static void *run_subgroup(void *in)
{
    return tg_error_subgroup(in, TG_MATCH_PRED(leaf_b_or_c, NULL));
}

static void check_subgroup(void *in, void *out, bool faulted)
{
    (void)faulted;
    assert_repr_or_oom(out, "ExceptionGroup('top', [ExceptionGroup('mid', "
                            "[TypeError('b'), ExceptionGroup('low', "
                            "[ValueError('c')])], notes=['n1', 'n2'])])");
    tg_error_unref(out);
    tg_error_unref(in);
}

static void test_error_oom_subgroup(void **state)
{
    (void)state;
    const op o = {setup_nested, run_subgroup, check_subgroup};
    each_failure(&o);
}

/* ---- except* ----------------------------------------------------------- */

static tg_error *h_raise(tg_error *matched, void *ud)
{
    (void)matched;
    (void)ud;
    tg_error *e = R("handler");
    tg_error_add_note(e, "noted");
    return e;
}

static tg_error *h_reraise(tg_error *matched, void *ud)
{
    (void)ud;
    return matched;
}

static void *run_except(void *in)
{
    tg_except_clause c[] = {
        {TG_MATCH_TYPE(TG_ValueError), h_reraise, NULL},
        {TG_MATCH_TYPE(TG_KeyError), h_raise, NULL},
        {TG_MATCH_TYPE(TG_OSError), NULL, NULL},
    };
    return tg_except(in, c, 3);
}

static void check_except(void *in, void *out, bool faulted)
{
    (void)in; /* tg_except took it */
    static const char want[] =
        "ExceptionGroup('', [RuntimeError('handler', notes=['noted']), "
        "ExceptionGroup('top', [ValueError('a'), ExceptionGroup('mid', "
        "[TypeError('b'), ExceptionGroup('low', [ValueError('c')])], "
        "notes=['n1', 'n2']), TypeError('e')])])";
    assert_non_null(out);
    char *s = err_repr(out, 0);
    /* The handler's note is dropped when its allocation fails. */
    if (faulted && strstr(s, "RuntimeError('handler')"))
        assert_repr_or_oom(out, "ExceptionGroup('', [RuntimeError('handler'"
                                "), ExceptionGroup('top', [ValueError('a'),"
                                " ExceptionGroup('mid', [TypeError('b'), "
                                "ExceptionGroup('low', [ValueError('c')])],"
                                " notes=['n1', 'n2']), TypeError('e')])])");
    else
        assert_repr_or_oom(out, want);
    free(s);
    tg_error_unref(out);
}

static void test_error_oom_except(void **state)
{
    (void)state;
    const op o = {setup_nested, run_except, check_except};
    each_failure(&o);
}

static void *setup_naked(void)
{
    return V("naked");
}

static void *run_except_naked(void *in)
{
    tg_except_clause c[] = {
        {TG_MATCH_TYPE(TG_ValueError), h_reraise, NULL},
    };
    return tg_except(in, c, 1);
}

static void check_except_naked(void *in, void *out, bool faulted)
{
    (void)in;
    (void)faulted;
    assert_repr_or_oom(out, "ExceptionGroup('', [ValueError('naked')])");
    tg_error_unref(out);
}

static void test_error_oom_except_naked(void **state)
{
    (void)state;
    const op o = {setup_naked, run_except_naked, check_except_naked};
    each_failure(&o);
}

/* ---- format ------------------------------------------------------------ */

static char *expected_text;

static void *setup_format(void)
{
    tg_error *e = nested();
    tg_error_set_context(e, G("ctx", 1, OS("shown? no: there is a cause")));
    return G("outer", 2, e, linked(T("t"), NULL, V("ctx")));
}

static void *run_format(void *in)
{
    return tg_error_format(in);
}

static void check_format(void *in, void *out, bool faulted)
{
    if (!faulted) {
        free(expected_text);
        expected_text = strdup(out);
    }
    if (out) /* NULL is the documented answer to OOM */
        assert_string_equal(out, expected_text);
    else
        assert_true(faulted);
    free(out);
    tg_error_unref(in);
}

static void test_error_oom_format(void **state)
{
    (void)state;
    const op o = {setup_format, run_format, check_format};
    each_failure(&o);
    free(expected_text);
    expected_text = NULL;
}

/* ---- construction and links ------------------------------------------- */

static void *setup_nothing(void)
{
    return NULL;
}

static void *run_build(void *in)
{
    (void)in;
    tg_error *m[] = {V("a"), CANCELLED()};
    tg_error *g = tg_error_group_new("g", m, 2);
    tg_error_unref(m[0]);
    tg_error_unref(m[1]);
    tg_error_add_note(g, "note %d", 1);
    tg_error *held = V("held");
    tg_error *outer = tg_error_group_new("outer", &held, 1);
    /* held is a member: this link needs the cycle walk, which allocates. */
    tg_error_set_context(held, tg_error_ref(g));
    tg_error_unref(outer);
    tg_error_unref(held);
    return g;
}

static void check_build(void *in, void *out, bool faulted)
{
    (void)in;
    (void)faulted;
    assert_non_null(out);
    assert_true(tg_error_is_group(out) || tg_error_is(out, &TG_MemoryError));
    tg_error_unref(out);
}

static void test_error_oom_construction(void **state)
{
    (void)state;
    const op o = {setup_nothing, run_build, check_build};
    each_failure(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_oom_split),
        cmocka_unit_test(test_error_oom_subgroup),
        cmocka_unit_test(test_error_oom_except),
        cmocka_unit_test(test_error_oom_except_naked),
        cmocka_unit_test(test_error_oom_format),
        cmocka_unit_test(test_error_oom_construction),
    };
    return cmocka_run_group_tests_name("error_oom", tests, NULL, NULL);
}
