/*
 * test_error_format.c -- the renderer, pinned by golden files in
 * tests/core/golden/NAME.txt compared byte for byte.  Each scenario has a
 * twin in parity/verify.py, which checks that a golden file minus its
 * "at file:line" lines is exactly what CPython's traceback module prints.
 * After an intended change, regenerate with
 *     TG_UPDATE_GOLDEN=1 build/tests/core/test_error_format
 * and review the diff.  Errors carry made-up, fixed locations so that
 * editing this file does not change the output.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "err_build.h"
#include "tg.h"

/* A leaf made "at" a given place. */
static tg_error *at(const char *file, int line, const tg_error_type *type,
                    const char *msg)
{
    return tg_error_new_at(file, line, type, "%s", msg);
}

/* A group made at a given place; takes ownership of the members. */
static tg_error *group_at(const char *file, int line, const char *msg, size_t n,
                          ...)
{
    tg_error *m[32];
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++)
        m[i] = va_arg(ap, tg_error *);
    va_end(ap);
    tg_error *g = tg_error_group_new_at(file, line, msg, m, n);
    for (size_t i = 0; i < n; i++)
        tg_error_unref(m[i]);
    return g;
}

/* ---- golden comparison -------------------------------------------------- */

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t len = 0, cap = 0, n;
    char chunk[4096];
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (len + n + 1 > cap) {
            cap = 2 * (len + n + 1);
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
        memcpy(buf + len, chunk, n);
        len += n;
    }
    fclose(f);
    if (!buf)
        buf = calloc(1, 1);
    else
        buf[len] = '\0';
    return buf;
}

/* tests/core/golden, found from this file's path (the tests run from the
 * top of the tree) unless TG_GOLDEN_DIR says otherwise. */
static void golden_path(char *out, size_t size, const char *name)
{
    const char *dir = getenv("TG_GOLDEN_DIR");
    if (dir) {
        snprintf(out, size, "%s/%s.txt", dir, name);
        return;
    }
    const char *src = __FILE__;
    const char *slash = strrchr(src, '/');
    int dirlen = slash ? (int)(slash - src) : 1;
    snprintf(out, size, "%.*s/golden/%s.txt", dirlen, slash ? src : ".", name);
}

/* Renders e (consumed) and compares with the golden file NAME. */
static void check_golden(const char *name, tg_error *e)
{
    size_t live = tg_error_live_count();
    char *got = tg_error_format(e);
    assert_non_null(got);
    tg_error_unref(e);
    char path[512];
    golden_path(path, sizeof path, name);
    const char *update = getenv("TG_UPDATE_GOLDEN");
    if (update && !strcmp(update, "1")) {
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        fputs(got, f);
        assert_int_equal(fclose(f), 0);
    }
    char *want = read_file(path);
    if (!want)
        print_error("cannot read %s: run from the top of the tree or set "
                    "TG_GOLDEN_DIR (TG_UPDATE_GOLDEN=1 writes it)\n",
                    path);
    assert_non_null(want);
    if (strcmp(got, want) != 0)
        print_error("%s differs.\n--- expected\n%s--- got\n%s", path, want,
                    got);
    assert_string_equal(got, want);
    free(want);
    free(got);
    (void)live;
}

/* ---- scenarios (twins in parity/verify.py golden_errors) ---------------- */

static void test_error_format_leaf(void **state)
{
    (void)state;
    check_golden("leaf", at("send.c", 42, &TG_ValueError, "bad value"));
}

static void test_error_format_leaf_empty_message(void **state)
{
    (void)state;
    check_golden("leaf_empty_message", at("send.c", 7, &TG_ValueError, ""));
}

static void test_error_format_leaf_notes(void **state)
{
    (void)state;
    check_golden("leaf_notes",
                 noted(at("send.c", 42, &TG_ValueError, "bad value"), 2,
                       "first note", "second\nnote"));
}

static void test_error_format_group_flat(void **state)
{
    (void)state;
    check_golden("group_flat",
                 group_at("group.c", 120, "unhandled errors in a TaskGroup", 2,
                          at("send.c", 42, &TG_ValueError, "bad value"),
                          at("parse.c", 9, &TG_TypeError, "wrong type")));
}

static void test_error_format_group_nested(void **state)
{
    (void)state;
    tg_error *inner = noted(group_at("group.c", 80, "inner", 2,
                                     at("a.c", 1, &TG_ValueError, "a"),
                                     at("b.c", 2, &TG_TypeError, "b")),
                            1, "inner note");
    check_golden("group_nested",
                 group_at("group.c", 120, "outer", 3, inner,
                          at("k.c", 3, &TG_KeyError, "k"),
                          group_at("group.c", 90, "last", 1,
                                   at("disk.c", 4, &TG_OSError, "disk full"))));
}

static void test_error_format_cause_chain(void **state)
{
    (void)state;
    tg_error *closed = at("sock.c", 10, &TG_OSError, "socket closed");
    tg_error *reset =
        linked(at("net.c", 20, &TG_ConnectionError, "reset"), closed, NULL);
    check_golden(
        "cause_chain",
        linked(at("send.c", 30, &TG_RuntimeError, "send failed"), reset, NULL));
}

static void test_error_format_context_chain(void **state)
{
    (void)state;
    check_golden("context_chain",
                 linked(at("clean.c", 5, &TG_TypeError, "while cleaning up"),
                        NULL,
                        at("work.c", 50, &TG_ValueError, "original problem")));
}

static void test_error_format_group_member_chains(void **state)
{
    (void)state;
    check_golden("group_member_chains",
                 group_at("group.c", 1, "eg", 2,
                          linked(at("a.c", 1, &TG_ValueError, "with cause"),
                                 at("r.c", 2, &TG_KeyError, "root"), NULL),
                          linked(at("b.c", 3, &TG_TypeError, "with context"),
                                 NULL, at("c.c", 4, &TG_OSError, "ctx"))));
}

static void test_error_format_group_cause(void **state)
{
    (void)state;
    tg_error *cg =
        group_at("g.c", 1, "cg", 1, at("t.c", 2, &TG_TypeError, "t"));
    check_golden(
        "group_cause",
        linked(group_at("g.c", 3, "g2", 1, at("x.c", 4, &TG_ValueError, "x")),
               cg, NULL));
}

static void test_error_format_group_width_limit(void **state)
{
    (void)state;
    tg_error *m[17];
    for (int i = 0; i < 17; i++)
        m[i] = tg_error_new_at("w.c", 100 + i, &TG_ValueError, "%d", i);
    tg_error *g = tg_error_group_new_at("group.c", 7, "many", m, 17);
    for (int i = 0; i < 17; i++)
        tg_error_unref(m[i]);
    check_golden("group_width_limit", g);
}

static void test_error_format_group_depth_limit(void **state)
{
    (void)state;
    tg_error *x = at("leaf.c", 1, &TG_ValueError, "leaf");
    for (int i = 0; i < 12; i++) {
        char msg[8];
        snprintf(msg, sizeof msg, "d%d", i);
        x = group_at("nest.c", 10 + i, msg, 1, x);
    }
    check_golden("group_depth_limit", x);
}

static void test_error_format_multiline_message(void **state)
{
    (void)state;
    check_golden("multiline_message", group_at("g.c", 1, "eg", 1,
                                               at("m.c", 2, &TG_ValueError,
                                                  "first line\nsecond line")));
}

static void test_error_format_base_group(void **state)
{
    (void)state;
    check_golden("base_group", group_at("g.c", 1, "b", 2,
                                        at("task.c", 2, &TG_CancelledError, ""),
                                        at("v.c", 3, &TG_ValueError, "v")));
}

static void test_error_format_seen_context_skipped(void **state)
{
    (void)state;
    tg_error *shared = at("s.c", 1, &TG_ValueError, "shared");
    tg_error *t =
        linked(at("t.c", 2, &TG_TypeError, "t"), NULL, tg_error_ref(shared));
    check_golden("seen_context_skipped",
                 group_at("g.c", 3, "eg", 2, shared, t));
}

static tg_error *raise_type_error(tg_error *matched, void *ud)
{
    (void)matched;
    (void)ud;
    return tg_error_new_at("handler.c", 33, &TG_TypeError, "3");
}

static void test_error_format_except_star_result(void **state)
{
    (void)state;
    tg_except_clause c[] = {
        {TG_MATCH_TYPE(TG_OSError), raise_type_error, NULL},
    };
    tg_error *eg =
        group_at("group.c", 12, "eg", 2, at("v.c", 1, &TG_ValueError, "1"),
                 at("o.c", 2, &TG_OSError, "2"));
    check_golden("except_star_result", tg_except(eg, c, 1));
}

/* ---- not golden --------------------------------------------------------- */

static void test_error_format_no_location(void **state)
{
    (void)state;
    tg_error *e = tg_error_new_at(NULL, 0, &TG_KeyError, "user_id");
    char *s = tg_error_format(e);
    assert_string_equal(s, "KeyError: user_id\n");
    free(s);
    tg_error_unref(e);
}

static void test_error_format_location_is_basename(void **state)
{
    (void)state;
    tg_error *e =
        tg_error_new_at("/tmp/sandbox/ex/05/send.c", 42, &TG_ValueError, "x");
    char *s = tg_error_format(e);
    assert_string_equal(s, "ValueError: x\n  at send.c:42\n");
    free(s);
    tg_error_unref(e);
}

static void test_error_format_static_and_null(void **state)
{
    (void)state;
    char *s = tg_error_format(NULL);
    assert_string_equal(s, "NULL\n");
    free(s);
    tg_error *oom = tg_error_new_at(NULL, 0, &TG_MemoryError, "out of memory");
    s = tg_error_format(oom);
    assert_string_equal(s, "MemoryError: out of memory\n");
    free(s);
    tg_error_unref(oom);
}

static void test_error_format_macro_records_this_file(void **state)
{
    (void)state;
    tg_error *e = tg_error_new(&TG_ValueError, "here");
    int line = __LINE__ - 1;
    char *s = tg_error_format(e);
    char want[128];
    snprintf(want, sizeof want,
             "ValueError: here\n  at test_error_format.c:%d\n", line);
    assert_string_equal(s, want);
    free(s);
    tg_error_unref(e);
}

static int check_no_leak(void **state)
{
    (void)state;
    assert_int_equal(tg_error_live_count(), 0);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_error_format_leaf, check_no_leak),
        cmocka_unit_test_teardown(test_error_format_leaf_empty_message,
                                  check_no_leak),
        cmocka_unit_test_teardown(test_error_format_leaf_notes, check_no_leak),
        cmocka_unit_test_teardown(test_error_format_group_flat, check_no_leak),
        cmocka_unit_test_teardown(test_error_format_group_nested,
                                  check_no_leak),
        cmocka_unit_test_teardown(test_error_format_cause_chain, check_no_leak),
        cmocka_unit_test_teardown(test_error_format_context_chain,
                                  check_no_leak),
        cmocka_unit_test_teardown(test_error_format_group_member_chains,
                                  check_no_leak),
        cmocka_unit_test_teardown(test_error_format_group_cause, check_no_leak),
        cmocka_unit_test_teardown(test_error_format_group_width_limit,
                                  check_no_leak),
        cmocka_unit_test_teardown(test_error_format_group_depth_limit,
                                  check_no_leak),
        cmocka_unit_test_teardown(test_error_format_multiline_message,
                                  check_no_leak),
        cmocka_unit_test_teardown(test_error_format_base_group, check_no_leak),
        cmocka_unit_test_teardown(test_error_format_seen_context_skipped,
                                  check_no_leak),
        cmocka_unit_test_teardown(test_error_format_except_star_result,
                                  check_no_leak),
        cmocka_unit_test_teardown(test_error_format_no_location, check_no_leak),
        cmocka_unit_test_teardown(test_error_format_location_is_basename,
                                  check_no_leak),
        cmocka_unit_test_teardown(test_error_format_static_and_null,
                                  check_no_leak),
        cmocka_unit_test_teardown(test_error_format_macro_records_this_file,
                                  check_no_leak),
    };
    return cmocka_run_group_tests_name("error_format", tests, NULL, NULL);
}
