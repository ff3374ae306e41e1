/*
 * test_error_slab.c -- the slabs that split parts are cut from
 * (core/src/error_slab.c): a part cut from a cached slab starts clean
 * whatever the part before it held, a part outlives its siblings and the
 * group it was split from, the cache is emptied with the thread's last
 * error, and a split that needs many slabs (and one of a part's own)
 * survives the failure of any of its allocations.  Run under ASan and
 * valgrind too, where a slab freed too early is a reported error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../core/src/error_internal.h"
#include "err_build.h"
#include "tg.h"

/* Enough parts of ~200 bytes to fill several 64 KiB slabs. */
enum { SUBGROUPS = 1000, LEAVES = 10 };

static int no_leak(void **state)
{
    (void)state;
    assert_int_equal(tg_error_live_count(), 0);
    assert_int_equal(tg__slab_cache_count(), 0);
    return 0;
}

/* SUBGROUPS groups of LEAVES, ValueError and TypeError alternating; with
 * decorated set, each subgroup has notes, a cause and a context. */
static tg_error *wide(bool decorated)
{
    tg_error **subs = malloc(SUBGROUPS * sizeof *subs);
    assert_non_null(subs);
    for (int s = 0; s < SUBGROUPS; s++) {
        tg_error *leaves[LEAVES];
        for (int l = 0; l < LEAVES; l++)
            leaves[l] = l % 2 ? T("t") : V("v");
        subs[s] = tg_error_group_new("sub", leaves, LEAVES);
        for (int l = 0; l < LEAVES; l++)
            tg_error_unref(leaves[l]);
        if (decorated)
            linked(noted(subs[s], 2, "n1", "n2"), K("cause"), OS("context"));
    }
    tg_error *g = tg_error_group_new("wide", subs, SUBGROUPS);
    for (int s = 0; s < SUBGROUPS; s++)
        tg_error_unref(subs[s]);
    free(subs);
    return g;
}

/* Checks a part of wide(false) split by ValueError. */
static void assert_clean_part(const tg_error *part, const tg_error_type *leaf)
{
    assert_int_equal(tg_error_group_count(part), SUBGROUPS);
    for (size_t s = 0; s < SUBGROUPS; s++) {
        tg_error *sub = tg_error_group_at(part, s);
        assert_string_equal(tg_error_message(sub), "sub");
        assert_int_equal(tg_error_note_count(sub), 0);
        assert_null(tg_error_cause(sub));
        assert_null(tg_error_context(sub));
        assert_true(tg_error_suppress_context(sub));
        assert_int_equal(tg_error_group_count(sub), LEAVES / 2);
        for (size_t l = 0; l < LEAVES / 2; l++)
            assert_ptr_equal(tg_error_type_of(tg_error_group_at(sub, l)), leaf);
    }
}

static void test_error_slab_reused_part_is_clean(void **st)
{
    (void)st;
    /* Any live error keeps the cache. */
    tg_error *anchor = V("anchor");
    tg_error *eg = wide(true), *m, *r;
    tg_error_split(eg, TG_MATCH_TYPE(TG_ValueError), &m, &r);
    /* Give the parts links and notes of their own as well. */
    for (size_t s = 0; s < SUBGROUPS; s++) {
        tg_error *sub = tg_error_group_at(m, s);
        tg_error_add_note(sub, "added");
        tg_error_from(sub, R("new cause"));
        tg_error_set_context(sub, R("new context"));
    }
    tg_error_unref(m);
    tg_error_unref(r);
    tg_error_unref(eg);
    assert_true(tg__slab_cache_count() > 0);

    eg = wide(false);
    tg_error_split(eg, TG_MATCH_TYPE(TG_ValueError), &m, &r);
    assert_clean_part(m, &TG_ValueError);
    assert_clean_part(r, &TG_TypeError);
    tg_error_unref(m);
    tg_error_unref(r);
    tg_error_unref(eg);
    assert_true(tg__slab_cache_count() > 0);
    tg_error_unref(anchor); /* the last error: the cache goes with it */
    assert_int_equal(tg__slab_cache_count(), 0);
}

static void test_error_slab_part_outlives_its_siblings(void **st)
{
    (void)st;
    tg_error *eg = wide(false), *m, *r;
    tg_error_split(eg, TG_MATCH_TYPE(TG_TypeError), &m, &r);
    tg_error *kept = tg_error_ref(tg_error_group_at(m, SUBGROUPS / 2));
    tg_error_unref(m);
    tg_error_unref(r);
    tg_error_unref(eg);
    /* The slab, the group split and its leaves are all still there. */
    assert_string_equal(tg_error_message(kept), "sub");
    assert_int_equal(tg_error_group_count(kept), LEAVES / 2);
    assert_string_equal(tg_error_message(tg_error_group_at(kept, 0)), "t");
    tg_error_unref(kept);
}

/* A group whose split needs slabs of every size, and a part too big for
 * the slab size reached (a slab of its own). */
static tg_error *needs_every_slab(void)
{
    tg_error *big[4000];
    for (size_t i = 0; i < 4000; i++)
        big[i] = i % 2 ? T("t") : V("v");
    tg_error *first = tg_error_group_new("big", big, 4000);
    for (size_t i = 0; i < 4000; i++)
        tg_error_unref(big[i]);
    tg_error *rest = wide(false);
    tg_error *both[] = {first, rest};
    tg_error *g = tg_error_group_new("both", both, 2);
    tg_error_unref(first);
    tg_error_unref(rest);
    return g;
}

static void test_error_slab_split_survives_any_failure(void **st)
{
    (void)st;
    tg_error *eg = needs_every_slab(), *m, *r;
    size_t base = tg_error_live_count();
    /* eg keeps the cache alive: empty it before every split, so that each
     * makes the same allocations. */
    tg__slab_cache_drop();
    unsigned long before = tg__alloc_count();
    tg_error_split(eg, TG_MATCH_TYPE(TG_ValueError), &m, &r);
    unsigned long total = tg__alloc_count() - before;
    assert_int_equal(tg_error_leaf_count(m), 4000 / 2 + SUBGROUPS * 5);
    tg_error_unref(m);
    tg_error_unref(r);
    for (int sticky = 0; sticky <= 1; sticky++) {
        for (unsigned long n = 1; n <= total; n++) {
            tg__slab_cache_drop();
            tg__alloc_fail_after(n, sticky);
            tg_error_split(eg, TG_MATCH_TYPE(TG_ValueError), &m, &r);
            tg__alloc_fail_after(0, 0);
            if (m) {
                assert_int_equal(tg_error_leaf_count(m),
                                 4000 / 2 + SUBGROUPS * 5);
                assert_int_equal(tg_error_leaf_count(r),
                                 4000 / 2 + SUBGROUPS * 5);
            } else {
                assert_true(tg_error_is(r, &TG_MemoryError));
            }
            tg_error_unref(m);
            tg_error_unref(r);
            assert_int_equal(tg_error_live_count(), base);
        }
    }
    tg_error_unref(eg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_error_slab_reused_part_is_clean,
                                  no_leak),
        cmocka_unit_test_teardown(test_error_slab_part_outlives_its_siblings,
                                  no_leak),
        cmocka_unit_test_teardown(test_error_slab_split_survives_any_failure,
                                  no_leak),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
