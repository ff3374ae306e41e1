/*
 * test_tui_model.c -- the full-screen views' models, headless: keys go
 * in, screens come out, and the screens are compared with golden dumps
 * in tests/runner/golden/tui/NAME.txt (TG_UPDATE_GOLDEN=1 rewrites them)
 * or checked cell by cell for their styles.  No terminal, no curses.
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pipeline.h"
#include "tui_model.h"
#include "ui/ui.h"

/* ---- a manifest in memory ------------------------------------------------ */

static char *hints_a[] = {"Spawn both naps into **one** group.",
                          "`tg_group_wait` waits for all."};
static char *hints_b[] = {"A child that does not fail cannot abort the group.",
                          "Catch `EmailError` in each task.",
                          "Anything else must still be raised."};

static manifest_exercise exs[] = {
    {"00-welcome/nap_together", "00-welcome", "nap_together",
     "lessons/00-welcome.md", "Run two naps in one group",
     "exercises/00-welcome/nap_together.c", NULL, 0, hints_a, 2, NULL, 0, 0},
    {"01-task-groups/send_all", "01-task-groups", "send_all",
     "lessons/01-task-groups.md",
     "Send every email even when some addresses bounce",
     "exercises/01-task-groups/send_all.c", NULL, 0, hints_b, 3, NULL, 0, 1},
    {"01-task-groups/verify_shards", "01-task-groups", "verify_shards",
     "lessons/01-task-groups.md", "Stop at the first corrupt shard",
     "exercises/01-task-groups/verify_shards.c", NULL, 0, hints_a, 2, NULL, 0,
     2},
    {"06-error-groups/split_retryable", "06-error-groups", "split_retryable",
     "lessons/06-error-groups.md", "Split the retryable failures off",
     "exercises/06-error-groups/split_retryable.c", NULL, 0, hints_a, 2, NULL,
     0, 3},
};
static manifest man = {"/nowhere", exs, 4};
static const char *titles[] = {
    "00 \u00b7 Welcome to tglab",
    "01 \u00b7 Task groups: one failure stops them all",
    "01 \u00b7 Task groups: one failure stops them all",
    "06 \u00b7 Error groups"};

static const tui_look utf8 = {.utf8 = true};
static const tui_look ascii = {.utf8 = false};

/* ---- helpers ---------------------------------------------------------------
 */

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *s = malloc(n + 1);
    assert_non_null(s);
    memcpy(s, buf, n + 1);
    return s;
}

/* tests/runner/golden/tui, found from this file's path (the tests run
 * from the top of the tree). */
static void check_golden(const char *name, const tui_screen *s)
{
    char *got = tui_screen_text(s);
    assert_non_null(got);
    const char *src = __FILE__;
    const char *slash = strrchr(src, '/');
    char path[512];
    snprintf(path, sizeof path, "%.*s/golden/tui/%s.txt",
             slash ? (int)(slash - src) : 1, slash ? src : ".", name);
    const char *update = getenv("TG_UPDATE_GOLDEN");
    if (update && !strcmp(update, "1")) {
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        fputs(got, f);
        assert_int_equal(fclose(f), 0);
    }
    char *want = read_file(path);
    if (!want)
        print_error("cannot read %s (TG_UPDATE_GOLDEN=1 writes it)\n", path);
    assert_non_null(want);
    if (strcmp(got, want) != 0)
        print_error("%s differs.\n--- expected\n%s--- got\n%s", path, want,
                    got);
    assert_string_equal(got, want);
    free(want);
    free(got);
}

static bool screen_has(const tui_screen *s, const char *needle)
{
    char *t = tui_screen_text(s);
    assert_non_null(t);
    bool found = strstr(t, needle) != NULL;
    free(t);
    return found;
}

/* The row holding needle, or -1. */
static int row_of(const tui_screen *s, const char *needle)
{
    for (int r = 0; r < s->rows; r++) {
        char *t = tui_screen_row(s, r);
        bool hit = strstr(t, needle) != NULL;
        free(t);
        if (hit)
            return r;
    }
    return -1;
}

/* The style of the cell where needle starts on row r. */
static mdr_style style_at(const tui_screen *s, int r, const char *needle)
{
    char *t = tui_screen_row(s, r);
    char *p = strstr(t, needle);
    assert_non_null(p);
    int col = mdr_width(t, (size_t)(p - t));
    free(t);
    return s->cells[r * s->cols + col].style;
}

static void assert_ascii_only(const tui_screen *s)
{
    char *t = tui_screen_text(s);
    for (const unsigned char *p = (const unsigned char *)t; *p; p++)
        assert_true(*p < 0x80);
    free(t);
}

static tui_screen *screen80(void)
{
    tui_screen *s = tui_screen_new(24, 80, false);
    assert_non_null(s);
    return s;
}

/* ---- screen ------------------------------------------------------------- */

static void test_tui_model_screen_put(void **state)
{
    (void)state;
    tui_screen *s = tui_screen_new(2, 10, false);
    assert_non_null(s);
    assert_int_equal(tui_put(s, 0, 0, "hello world", MDR_BOLD, 0), 10);
    char *r = tui_screen_row(s, 0);
    assert_string_equal(r, "hello worl"); /* clipped at the edge */
    free(r);
    /* A wide character that does not fit becomes a space. */
    assert_int_equal(tui_put(s, 1, 8, "\u65e5\u65e5", MDR_TEXT, 0), 10);
    r = tui_screen_row(s, 1);
    assert_string_equal(r, "        \u65e5");
    free(r);
    /* Writing over half of a wide character mends the other half. */
    tui_put(s, 1, 9, "x", MDR_TEXT, 0);
    r = tui_screen_row(s, 1);
    assert_string_equal(r, "         x");
    free(r);
    /* Control characters never reach a cell. */
    tui_screen_clear(s);
    tui_put(s, 0, 0, "a\x1b[2Jb\x07", MDR_TEXT, 0);
    r = tui_screen_row(s, 0);
    assert_string_equal(r, "a [2Jb");
    free(r);
    assert_true(tui_screen_row_equal(s, s, 0));
    tui_screen_free(s);

    /* An ASCII screen transliterates whatever is written. */
    s = tui_screen_new(1, 20, true);
    tui_put(s, 0, 0, "a \u2192 b \u2713", MDR_TEXT, 0);
    r = tui_screen_row(s, 0);
    assert_string_equal(r, "a -> b v");
    free(r);
    tui_screen_free(s);
    assert_null(tui_screen_new(0, 10, false));
}

/* ---- home --------------------------------------------------------------- */

static void home_setup(tui_home_model *h, tui_look look)
{
    ex_status st[] = {EX_DONE, EX_FAILING, EX_NOT_STARTED, EX_STARTED};
    assert_int_equal(
        tui_home_init(h, &man, st, titles, "01-task-groups/send_all", look), 0);
}

static void test_tui_model_home_screen(void **state)
{
    (void)state;
    tui_home_model h;
    home_setup(&h, utf8);
    tui_screen *s = screen80();
    tui_home_draw(&h, s);
    check_golden("home", s);
    /* The current exercise is selected first, shown reversed. */
    int r = row_of(s, "send_all");
    assert_true(r > 0);
    assert_true(style_at(s, r, "send_all") & MDR_REVERSE);
    assert_true(screen_has(s, "1 of 4 done \u00b7 25%"));
    assert_int_equal(MDR_ROLE(style_at(s, row_of(s, "nap_together"), "\u2713")),
                     TUI_OK);
    assert_int_equal(MDR_ROLE(style_at(s, r, "\u2717")), TUI_FAIL);
    assert_true(screen_has(s, "current"));
    assert_int_equal(MDR_ROLE(style_at(s, 23, "q")), TUI_KEY);
    tui_home_free(&h);

    home_setup(&h, ascii);
    tui_screen_free(s);
    s = tui_screen_new(24, 80, true);
    tui_home_draw(&h, s);
    assert_ascii_only(s);
    check_golden("home-ascii", s);
    tui_home_free(&h);
    tui_screen_free(s);
}

static void test_tui_model_home_keys(void **state)
{
    (void)state;
    tui_home_model h;
    home_setup(&h, utf8);
    size_t ex = 99;
    /* Headers are skipped: down from send_all is verify_shards, then
     * split_retryable (past the 06 header); it stops at the last. */
    assert_int_equal(tui_home_key(&h, 'j', &ex), TUI_ACT_NONE);
    assert_int_equal(tui_home_key(&h, TUI_K_ENTER, &ex), TUI_ACT_OPEN_EXERCISE);
    assert_int_equal(ex, 2);
    tui_home_key(&h, TUI_K_DOWN, &ex);
    tui_home_key(&h, TUI_K_DOWN, &ex);
    assert_int_equal(tui_home_key(&h, 'l', &ex), TUI_ACT_OPEN_LESSON);
    assert_int_equal(ex, 3);
    tui_home_key(&h, 'g', &ex);
    tui_home_key(&h, TUI_K_UP, &ex);
    assert_int_equal(tui_home_key(&h, TUI_K_ENTER, &ex), TUI_ACT_OPEN_EXERCISE);
    assert_int_equal(ex, 0);
    tui_home_key(&h, 'G', &ex);
    tui_home_key(&h, TUI_K_ENTER, &ex);
    assert_int_equal(ex, 3);
    /* Help opens on ?, any key closes it without acting. */
    tui_home_key(&h, '?', &ex);
    assert_true(h.help);
    assert_int_equal(tui_home_key(&h, 'q', &ex), TUI_ACT_NONE);
    assert_false(h.help);
    assert_int_equal(tui_home_key(&h, TUI_K_CTRL_L, &ex), TUI_ACT_REDRAW);
    assert_int_equal(tui_home_key(&h, 'q', &ex), TUI_ACT_QUIT);
    tui_home_note(&h, "Cannot read %s.", "x.md");
    tui_screen *s = screen80();
    tui_home_draw(&h, s);
    assert_int_equal(row_of(s, "Cannot read x.md."), 22);
    tui_home_key(&h, 'j', &ex); /* a key clears it */
    tui_home_draw(&h, s);
    assert_int_equal(row_of(s, "Cannot read"), -1);
    tui_screen_free(s);
    tui_home_set_status(&h, 2, EX_DONE);
    assert_int_equal(h.status[2], EX_DONE);
    tui_home_free(&h);
}

static void test_tui_model_home_search(void **state)
{
    (void)state;
    tui_home_model h;
    home_setup(&h, utf8);
    tui_screen *s = screen80();
    size_t ex;
    tui_home_key(&h, '/', &ex);
    assert_true(h.searching);
    tui_home_key(&h, 'S', &ex); /* case does not matter */
    tui_home_key(&h, 'P', &ex);
    tui_home_draw(&h, s);
    check_golden("home-search", s);
    assert_true(screen_has(s, "1 match"));
    assert_false(screen_has(s, "send_all"));
    assert_int_equal(tui_home_key(&h, TUI_K_ENTER, &ex), TUI_ACT_NONE);
    assert_false(h.searching);
    assert_int_equal(tui_home_key(&h, TUI_K_ENTER, &ex), TUI_ACT_OPEN_EXERCISE);
    assert_int_equal(ex, 3);
    /* Lesson titles match too; backspace edits; nothing matching says so. */
    tui_home_key(&h, '/', &ex);
    tui_home_key(&h, TUI_K_BACKSPACE, &ex);
    tui_home_key(&h, TUI_K_BACKSPACE, &ex);
    const char *q = "welcome";
    for (const char *p = q; *p; p++)
        tui_home_key(&h, *p, &ex);
    tui_home_draw(&h, s);
    assert_true(screen_has(s, "nap_together"));
    assert_false(screen_has(s, "split_retryable"));
    tui_home_key(&h, 'z', &ex);
    tui_home_draw(&h, s);
    assert_true(screen_has(s, "Nothing matches"));
    assert_int_equal(tui_home_key(&h, TUI_K_ENTER, &ex), TUI_ACT_NONE);
    assert_int_equal(tui_home_key(&h, TUI_K_ENTER, &ex), TUI_ACT_NONE);
    /* Esc clears the filter. */
    tui_home_key(&h, TUI_K_ESC, &ex);
    tui_home_draw(&h, s);
    assert_true(screen_has(s, "split_retryable"));
    assert_true(screen_has(s, "send_all"));
    tui_home_free(&h);
    tui_screen_free(s);
}

static void test_tui_model_home_scrolls(void **state)
{
    (void)state;
    /* Many exercises: the selection stays on screen, hints say more. */
    enum { N = 40 };
    manifest_exercise many[N];
    char ids[N][32], names[N][16], topics[N][16];
    for (int i = 0; i < N; i++) {
        snprintf(topics[i], sizeof topics[i], "%02d-topic", i / 4);
        snprintf(names[i], sizeof names[i], "ex%d", i);
        snprintf(ids[i], sizeof ids[i], "%s/%s", topics[i], names[i]);
        many[i] = exs[0];
        many[i].id = ids[i];
        many[i].topic = topics[i];
        many[i].name = names[i];
        many[i].index = (size_t)i;
    }
    manifest m = {"/nowhere", many, N};
    tui_home_model h;
    assert_int_equal(tui_home_init(&h, &m, NULL, NULL, NULL, utf8), 0);
    tui_screen *s = screen80();
    size_t ex;
    for (int i = 0; i < 30; i++)
        tui_home_key(&h, 'j', &ex);
    tui_home_draw(&h, s);
    assert_true(row_of(s, "ex30 ") >= 4);
    assert_true(row_of(s, "ex30 ") < 22);
    assert_true(screen_has(s, "\u2191 more"));
    assert_true(screen_has(s, "\u2193 more"));
    tui_home_key(&h, TUI_K_PGDN, &ex);
    tui_home_key(&h, TUI_K_PGDN, &ex);
    tui_home_draw(&h, s);
    assert_true(row_of(s, "ex39") > 0);
    assert_false(screen_has(s, "\u2193 more"));
    tui_home_free(&h);
    tui_screen_free(s);
}

/* ---- lesson reader ------------------------------------------------------ */

static const char *lesson_md =
    "# 01 \u00b7 Task groups\n\n"
    "## What a group promises\n\n"
    "1. `tg_group_wait` returns only after **every** child has finished.\n"
    "2. If a child fails, the group *aborts*.\n\n"
    "> The abort is the point of a group.\n\n"
    "```c\nstatic tg_result send_task(void *arg)\n{\n"
    "    return tg_return(NULL);\n}\n```\n\n"
    "## The fix\n\n"
    "Each task records the failure it expects and returns normally. Then "
    "nothing aborts, and every email is sent. Still concurrent: 80 ms in "
    "total, not five times 80.\n\n"
    "## Recap\n\n- one\n- two\n- three\n- four\n- five\n- six\n- seven\n"
    "- eight\n- nine\n- ten\n- eleven\n- twelve\n- thirteen\n"
    "- fourteen\n- fifteen\n- sixteen\n- seventeen\n- eighteen\n"
    "- nineteen\n- twenty\n";

static void test_tui_model_lesson_reader(void **state)
{
    (void)state;
    tui_lesson_model l;
    assert_int_equal(tui_lesson_init(&l, lesson_md, strlen(lesson_md),
                                     "lessons/01-task-groups.md", utf8),
                     0);
    assert_string_equal(l.title, "01 \u00b7 Task groups");
    tui_screen *s = screen80();
    tui_lesson_draw(&l, s);
    check_golden("lesson-top", s);
    assert_int_equal(MDR_ROLE(style_at(s, row_of(s, "static"), "static")),
                     MDR_KEYWORD);
    /* n jumps to the next section; q goes back. */
    assert_int_equal(tui_lesson_key(&l, 'n'), TUI_ACT_NONE);
    assert_int_equal(tui_lesson_key(&l, 'n'), TUI_ACT_NONE);
    tui_lesson_draw(&l, s);
    assert_int_equal(row_of(s, "The fix"), 2);
    tui_lesson_key(&l, 'p');
    tui_lesson_draw(&l, s);
    assert_int_equal(row_of(s, "What a group promises"), 2);
    tui_lesson_key(&l, TUI_K_END);
    tui_lesson_draw(&l, s);
    assert_true(screen_has(s, "100%"));
    assert_true(row_of(s, "twenty") >= 0);
    tui_lesson_key(&l, TUI_K_HOME);
    tui_lesson_key(&l, TUI_K_PGDN);
    tui_lesson_draw(&l, s);
    assert_false(screen_has(s, "  0%"));
    tui_lesson_key(&l, '?');
    tui_lesson_draw(&l, s);
    assert_true(screen_has(s, "Keys: lesson"));
    assert_int_equal(tui_lesson_key(&l, 'q'), TUI_ACT_NONE); /* closes */
    assert_int_equal(tui_lesson_key(&l, 'q'), TUI_ACT_BACK);
    assert_int_equal(tui_lesson_key(&l, TUI_K_CTRL_C), TUI_ACT_QUIT);
    tui_lesson_free(&l);
    tui_screen_free(s);
}

static void test_tui_model_lesson_resize(void **state)
{
    (void)state;
    tui_lesson_model l;
    assert_int_equal(
        tui_lesson_init(&l, lesson_md, strlen(lesson_md), "x.md", utf8), 0);
    tui_screen *s = screen80();
    tui_lesson_draw(&l, s);
    tui_lesson_key(&l, 'n');
    tui_lesson_key(&l, 'n');
    tui_lesson_key(&l, 'j');
    tui_lesson_draw(&l, s);
    char *before = tui_screen_text(s);
    /* Narrow: re-wrapped, still on the same paragraph. */
    tui_screen *narrow = tui_screen_new(24, 40, false);
    tui_lesson_draw(&l, narrow);
    /* (the top line is the blank line before that paragraph) */
    assert_int_equal(row_of(narrow, "Each task records"), 3);
    /* Back to 80 columns: exactly where it was. */
    tui_lesson_draw(&l, s);
    char *after = tui_screen_text(s);
    assert_string_equal(before, after);
    free(before);
    free(after);
    /* Too small: a notice instead. */
    tui_screen *tiny = tui_screen_new(10, 30, false);
    tui_draw_too_small(tiny, utf8);
    assert_true(screen_has(tiny, "at least 80x24"));
    assert_true(screen_has(tiny, "30x10"));
    tui_screen_free(tiny);
    tui_screen_free(narrow);
    tui_screen_free(s);
    tui_lesson_free(&l);
}

/* ---- exercise view ------------------------------------------------------ */

static char *dup(const char *s)
{
    return s ? strcpy(malloc(strlen(s) + 1), s) : NULL;
}

static const char *trace_json =
    "{\"scenario\": \"two_bounce\", \"seed\": 1, \"events\": ["
    "{\"t\": 0, \"task\": 2, \"peer\": 1, \"kind\": \"spawn\", \"name\": "
    "\"send ann\"},"
    "{\"t\": 0, \"task\": 3, \"peer\": 1, \"kind\": \"spawn\", \"name\": "
    "\"send bob\"},"
    "{\"t\": 0, \"task\": 1, \"kind\": \"suspend\", \"detail\": \"wait\"},"
    "{\"t\": 0, \"task\": 2, \"kind\": \"start\"},"
    "{\"t\": 0, \"task\": 3, \"kind\": \"start\"},"
    "{\"t\": 20, \"task\": 3, \"kind\": \"raise\", \"error\": {\"type\": "
    "\"BounceError\", \"message\": \"no such mailbox: bob\"}},"
    "{\"t\": 20, \"task\": 3, \"peer\": 1, \"kind\": \"abort\"},"
    "{\"t\": 20, \"task\": 2, \"peer\": 3, \"kind\": \"cancel\"},"
    "{\"t\": 20, \"task\": 1, \"peer\": 3, \"kind\": \"cancel\"},"
    "{\"t\": 20, \"task\": 2, \"kind\": \"cancelled\", \"detail\": "
    "\"send_email\"},"
    "{\"t\": 20, \"task\": 2, \"kind\": \"raise\", \"error\": {\"type\": "
    "\"CancelledError\", \"message\": \"\"}},"
    "{\"t\": 20, \"task\": 9, \"kind\": \"from_the_future\"},"
    "{\"t\": 20, \"task\": 1, \"kind\": \"group_done\", \"error\": "
    "{\"type\": \"ExceptionGroup\", \"message\": \"1 sub-exception\"}},"
    "{\"t\": 20, \"task\": 1, \"kind\": \"return\"}]}";

static void failing_result(tui_result *r)
{
    memset(r, 0, sizeof *r);
    r->ran = true;
    r->points = 2;
    r->max_points = 5;
    r->nverdicts = 3;
    r->verdicts = calloc(3, sizeof *r->verdicts);
    r->verdicts[0] = (tui_verdict){dup("every_address_attempted"),
                                   true,
                                   false,
                                   NULL,
                                   NULL,
                                   NULL,
                                   NULL,
                                   0,
                                   0,
                                   2};
    r->verdicts[1] = (tui_verdict){
        dup("bounce_recorded"),
        false,
        false,
        dup("send_all returned an ExceptionGroup; expected NULL with the "
            "bounce stored in bob's job."),
        dup("NULL"),
        dup("ExceptionGroup (1 sub-exception)"),
        dup("two_bounce"),
        1,
        1,
        2};
    r->verdicts[2] = (tui_verdict){dup("not_swallowed"),
                                   false,
                                   true,
                                   dup("Under seed 3 the cancellation was "
                                       "caught."),
                                   NULL,
                                   NULL,
                                   dup("cancel_midway"),
                                   3,
                                   2,
                                   1};
    char why[128];
    r->trace = tui_trace_from_json(trace_json, why, sizeof why);
    assert_non_null(r->trace);
}

static void test_tui_model_exercise_checks(void **state)
{
    (void)state;
    tui_exercise_model x;
    assert_int_equal(tui_exercise_init(&x, &exs[1], 4, lesson_md,
                                       strlen(lesson_md), 0, utf8),
                     0);
    tui_screen *s = screen80();
    tui_exercise_draw(&x, s);
    assert_true(screen_has(s, "No check yet."));
    assert_true(screen_has(s, "not checked yet"));
    /* A check starts: the spinner turns in the title bar. */
    tui_exercise_checking(&x);
    tui_exercise_draw(&x, s);
    assert_true(screen_has(s, "\u280b checking"));
    assert_true(tui_exercise_tick(&x));
    tui_exercise_draw(&x, s);
    assert_true(screen_has(s, "\u2819 checking"));
    tui_result r;
    failing_result(&r);
    tui_exercise_set_result(&x, &r);
    assert_null(r.verdicts); /* moved in */
    assert_false(tui_exercise_tick(&x));
    tui_exercise_draw(&x, s);
    check_golden("exercise-checks", s);
    /* Failing checks first, passing last; the flaky one marked. */
    assert_true(row_of(s, "bounce_recorded") < row_of(s, "not_swallowed"));
    assert_true(row_of(s, "not_swallowed") <
                    row_of(s, "every_address_attempted") ||
                row_of(s, "every_address_attempted") < 0);
    assert_int_equal(
        MDR_ROLE(style_at(s, row_of(s, "bounce_recorded"), "\u2717")),
        TUI_FAIL);
    assert_int_equal(MDR_ROLE(style_at(s, row_of(s, "expected  NULL"), "NULL")),
                     TUI_OK);
    assert_true(screen_has(s, "scenario two_bounce \u00b7 seed 1 \u00b7 hint "
                              "2 (press h)"));
    assert_true(screen_has(s, "\u2717 fails  2/5"));
    assert_true(screen_has(s, "1 Checks 1/3"));
    tui_exercise_free(&x);
    tui_screen_free(s);
}

static void test_tui_model_exercise_hints(void **state)
{
    (void)state;
    tui_exercise_model x;
    assert_int_equal(tui_exercise_init(&x, &exs[1], 4, NULL, 0, 1, utf8), 0);
    tui_screen *s = screen80();
    tui_exercise_draw(&x, s);
    assert_true(screen_has(s, "Hints \u00b7 1 of 3 shown"));
    assert_true(screen_has(s, "1. A child that does not fail"));
    assert_int_equal(tui_exercise_key(&x, 'h'), TUI_ACT_HINT);
    tui_exercise_set_hints(&x, 2);
    tui_exercise_draw(&x, s);
    assert_true(screen_has(s, "2. Catch EmailError in each task."));
    int r = row_of(s, "Catch EmailError");
    assert_int_equal(MDR_ROLE(style_at(s, r, "EmailError")), MDR_CODE);
    tui_exercise_set_hints(&x, 3);
    /* No more: a note says where to look, no action. */
    assert_int_equal(tui_exercise_key(&x, 'h'), TUI_ACT_NONE);
    tui_exercise_draw(&x, s);
    assert_true(screen_has(s, "No more hints"));
    assert_true(screen_has(s, "That was the last hint"));
    tui_exercise_free(&x);
    tui_screen_free(s);
}

static void test_tui_model_exercise_timeline(void **state)
{
    (void)state;
    tui_exercise_model x;
    assert_int_equal(tui_exercise_init(&x, &exs[1], 4, NULL, 0, 0, utf8), 0);
    tui_screen *s = screen80();
    assert_int_equal(tui_exercise_key(&x, '2'), TUI_ACT_NONE);
    tui_exercise_draw(&x, s);
    assert_true(screen_has(s, "When a check fails, this tab shows"));
    tui_result r;
    failing_result(&r);
    tui_exercise_set_result(&x, &r);
    assert_int_equal(x.tab, TUI_TAB_TIMELINE); /* it stays: a trace came */
    tui_exercise_draw(&x, s);
    check_golden("exercise-timeline", s);
    /* One lane per task, main first; the failure and the cancellation
     * marked; one row per step of the story. */
    assert_true(row_of(s, "main ") < row_of(s, "#2 send ann"));
    int bob = row_of(s, "#3 send bob  \u25cf");
    assert_true(bob > 0);
    assert_int_equal(MDR_ROLE(style_at(s, bob, "\u2717")), TUI_TL_FAIL);
    assert_true(screen_has(s, "+ spawns 2 tasks: #2 send ann and #3 send bob"));
    assert_true(screen_has(s, "\u2717 fails with BounceError: no such mailbox: "
                              "bob"));
    assert_true(screen_has(s, "\u25c6 aborts the group of main"));
    tui_exercise_key(&x, 'G');
    tui_exercise_draw(&x, s);
    assert_true(screen_has(s, "\u2192 cancels #2 send ann and main"));
    assert_true(screen_has(s, "\u2298 gets CancelledError in send_email"));
    assert_true(
        screen_has(s, "\u25b2 tg_group_wait hands back ExceptionGroup"));
    assert_false(screen_has(s, "finishes cancelled")); /* said already */
    tui_exercise_free(&x);

    /* ASCII: the same story without a byte above 0x7f. */
    assert_int_equal(tui_exercise_init(&x, &exs[1], 4, NULL, 0, 0, ascii), 0);
    failing_result(&r);
    tui_exercise_set_result(&x, &r);
    tui_exercise_key(&x, '2');
    tui_screen *as = tui_screen_new(24, 80, true);
    tui_exercise_draw(&x, as);
    assert_ascii_only(as);
    assert_true(screen_has(as, "x fails with BounceError"));
    tui_screen_free(as);
    tui_exercise_free(&x);
    tui_screen_free(s);
}

static void test_tui_model_exercise_compile_error(void **state)
{
    (void)state;
    tui_exercise_model x;
    assert_int_equal(tui_exercise_init(&x, &exs[2], 4, NULL, 0, 0, utf8), 0);
    tui_result r = {0};
    r.stage = dup("compile");
    r.ndiags = 1;
    r.diags = calloc(1, sizeof *r.diags);
    r.diags[0] = (tui_diag){true,
                            dup("verify_shards.c"),
                            12,
                            5,
                            dup("expected ';' before 'return'"),
                            dup("A statement is missing its semicolon."),
                            dup("    tg_group_free(g)")};
    tui_exercise_set_result(&x, &r);
    tui_screen *s = screen80();
    tui_exercise_draw(&x, s);
    check_golden("exercise-compile", s);
    assert_true(screen_has(s, "Your file does not compile."));
    assert_true(screen_has(s, "verify_shards.c:12:5  error"));
    assert_true(screen_has(s, "   12 \u2502     tg_group_free(g)"));
    assert_true(screen_has(s, "      \u2502     ^"));
    assert_true(screen_has(s, "\u2717 does not compile"));
    /* The timeline says why it has nothing. */
    tui_exercise_key(&x, '2');
    tui_exercise_draw(&x, s);
    assert_true(screen_has(s, "fix what the Checks tab"));

    /* A check that could not run at all: the lab's fault, said so. */
    tui_result e = {0};
    e.error = dup("lab: error: the sandbox is unusable");
    tui_exercise_set_result(&x, &e);
    assert_int_equal(x.tab, TUI_TAB_CHECKS);
    tui_exercise_draw(&x, s);
    assert_true(screen_has(s, "The checks could not run."));
    assert_true(screen_has(s, "not with your code"));
    tui_exercise_free(&x);
    tui_screen_free(s);
}

static void test_tui_model_exercise_keys(void **state)
{
    (void)state;
    tui_exercise_model x;
    assert_int_equal(tui_exercise_init(&x, &exs[1], 4, lesson_md,
                                       strlen(lesson_md), 0, utf8),
                     0);
    assert_int_equal(tui_exercise_key(&x, '3'), TUI_ACT_NONE);
    assert_int_equal(x.tab, TUI_TAB_LESSON);
    tui_screen *s = screen80();
    tui_exercise_draw(&x, s);
    assert_true(screen_has(s, "What a group promises"));
    tui_exercise_key(&x, TUI_K_TAB);
    assert_int_equal(x.tab, TUI_TAB_CHECKS);
    tui_exercise_key(&x, TUI_K_LEFT);
    assert_int_equal(x.tab, TUI_TAB_LESSON);
    assert_int_equal(tui_exercise_key(&x, 'c'), TUI_ACT_CHECK);
    tui_exercise_checking(&x);
    assert_int_equal(tui_exercise_key(&x, 'c'), TUI_ACT_NONE);
    tui_exercise_draw(&x, s);
    assert_true(screen_has(s, "A check is already running."));
    /* A result moves the learner from the lesson to the verdicts. */
    tui_result r;
    failing_result(&r);
    tui_exercise_set_result(&x, &r);
    assert_int_equal(x.tab, TUI_TAB_CHECKS);
    tui_exercise_key(&x, '?');
    tui_exercise_draw(&x, s);
    assert_true(screen_has(s, "Keys: exercise"));
    assert_int_equal(tui_exercise_key(&x, 'q'), TUI_ACT_NONE);
    assert_int_equal(tui_exercise_key(&x, 'q'), TUI_ACT_BACK);
    assert_int_equal(tui_exercise_key(&x, TUI_K_ESC), TUI_ACT_BACK);
    assert_int_equal(tui_exercise_key(&x, TUI_K_CTRL_C), TUI_ACT_QUIT);
    /* n goes on to the next exercise only once this one passes. */
    x.can_next = true;
    assert_int_equal(tui_exercise_key(&x, 'n'), TUI_ACT_NONE);
    tui_result ok = {.ran = true, .passed = true, .points = 1, .max_points = 1};
    tui_exercise_set_result(&x, &ok);
    assert_int_equal(tui_exercise_key(&x, 'n'), TUI_ACT_NEXT);
    tui_exercise_draw(&x, s);
    assert_true(screen_has(s, "Press n for the next exercise."));
    assert_true(screen_has(s, "n next exercise"));
    tui_exercise_note(&x, "note %d", 7);
    tui_exercise_draw(&x, s);
    assert_true(screen_has(s, "note 7"));
    tui_exercise_note(&x, NULL);
    tui_exercise_free(&x);
    tui_screen_free(s);
}

static void test_tui_model_trace_json(void **state)
{
    (void)state;
    char why[128];
    tui_trace *t = tui_trace_from_json(trace_json, why, sizeof why);
    assert_non_null(t);
    assert_string_equal(t->scenario, "two_bounce");
    assert_int_equal(t->seed, 1);
    assert_int_equal(t->nevents, 13); /* the unknown kind is skipped */
    assert_int_equal(t->events[5].kind, TUI_EV_RAISE);
    assert_string_equal(t->events[5].error_type, "BounceError");
    assert_string_equal(t->events[5].error_msg, "no such mailbox: bob");
    assert_int_equal(t->events[5].time_ms, 20);
    tui_trace_free(t);

    t = tui_trace_from_json("[{\"time_ms\": 5, \"task_id\": 2, \"kind\": "
                            "\"return\"}]",
                            why, sizeof why);
    assert_non_null(t);
    assert_int_equal(t->nevents, 1);
    assert_int_equal(t->events[0].task, 2);
    assert_int_equal(t->events[0].time_ms, 5);
    tui_trace_free(t);

    assert_null(tui_trace_from_json("{not json", why, sizeof why));
    assert_non_null(strstr(why, "not JSON"));
    assert_null(tui_trace_from_json("{\"events\": 3}", why, sizeof why));
    assert_int_equal(tui_ev_kind_parse("group_done"), TUI_EV_GROUP_DONE);
    assert_int_equal(tui_ev_kind_parse("nope"), -1);
    assert_string_equal(tui_ev_kind_name(TUI_EV_CANCELLED), "cancelled");
    tui_trace_free(NULL);
    tui_result_free(NULL);
}

static void test_tui_model_from_pipeline(void **state)
{
    (void)state;
    pipeline_check_result checks[2] = {
        {.name = "ok_check", .points = 2, .hint = -1, .passed = true},
        {.name = "bad_check",
         .scenario = "two_bounce",
         .points = 1,
         .hint = 1,
         .failing_seed = 2,
         .message = "expected 5, got 4",
         .crash = "crashed with SIGSEGV",
         .where = "send_all.c:12"},
    };
    pipeline_result r = {.stage = PIPELINE_STAGE_VERDICT,
                         .points = 2,
                         .max_points = 3,
                         .checks = checks,
                         .nchecks = 2};
    tui_result t;
    assert_int_equal(tui_result_from_pipeline(&t, &r), 0);
    assert_true(t.ran);
    assert_false(t.passed);
    assert_int_equal(t.nverdicts, 2);
    assert_null(t.verdicts[0].message);
    assert_int_equal(t.verdicts[0].hint, -1);
    assert_string_equal(t.verdicts[1].message, "expected 5, got 4\n"
                                               "crashed with SIGSEGV\n"
                                               "where: send_all.c:12");
    assert_int_equal(t.verdicts[1].seed, 2);
    assert_string_equal(t.verdicts[1].scenario, "two_bounce");
    tui_result_free(&t);

    pipeline_msg msgs[1] = {{.stage = PIPELINE_STAGE_COMPILE,
                             .severity = PIPELINE_ERROR,
                             .file = "a.c",
                             .line = 3,
                             .col = 1,
                             .text = "boom",
                             .source = "x"}};
    pipeline_result c = {.stage = PIPELINE_STAGE_COMPILE,
                         .failed = true,
                         .msgs = msgs,
                         .nmsgs = 1,
                         .max_points = 3};
    assert_int_equal(tui_result_from_pipeline(&t, &c), 0);
    assert_false(t.ran);
    assert_string_equal(t.stage, "compile");
    assert_int_equal(t.ndiags, 1);
    assert_true(t.diags[0].error);
    assert_string_equal(t.diags[0].text, "boom");
    tui_result_free(&t);
}

/* What the probe records for send_all's starter under two_bounce, seed 1
 * (obs.trace, as the pipeline hands it on: checks/lib/probe.h). */
static char *probe_trace(void)
{
    const char *src = __FILE__;
    const char *slash = strrchr(src, '/');
    char path[512];
    snprintf(path, sizeof path,
             "%.*s/fixtures/tui/send_all_two_bounce.trace.json",
             slash ? (int)(slash - src) : 1, slash ? src : ".");
    char *text = read_file(path);
    if (!text)
        print_error("cannot read %s\n", path);
    assert_non_null(text);
    return text;
}

/* A pipeline result whose failing check carries the probe's trace: the
 * view's Timeline shows that run, task by task. */
static void test_tui_model_timeline_from_probe(void **state)
{
    (void)state;
    char *trace = probe_trace();
    pipeline_check_result checks[3] = {
        {.name = "runs_concurrently",
         .points = 1,
         .hint = -1,
         .passed = true,
         .trace_json = "{\"events\": \"never read\"}"},
        {.name = "every_address_attempted",
         .scenario = "two_bounce",
         .points = 2,
         .hint = 0,
         .failing_seed = 1,
         .message = "send_email was called 10 times; 2 of them bounced and "
                    "8 were cancelled",
         .trace_json = trace},
        {.name = "bounces_recorded",
         .scenario = "mailbox_full",
         .points = 2,
         .hint = 1,
         .failing_seed = 1,
         .message = "no job recorded its bounce",
         .trace_json = "{\"scenario\": \"mailbox_full\", \"seed\": 1, "
                       "\"events\": []}"},
    };
    pipeline_result pr = {.stage = PIPELINE_STAGE_VERDICT,
                          .points = 1,
                          .max_points = 5,
                          .checks = checks,
                          .nchecks = 3};
    tui_result r;
    assert_int_equal(tui_result_from_pipeline(&r, &pr), 0);
    /* The first failing check's run. */
    assert_non_null(r.trace);
    assert_string_equal(r.trace->scenario, "two_bounce");
    assert_int_equal(r.trace->seed, 1);

    tui_exercise_model x;
    assert_int_equal(tui_exercise_init(&x, &exs[1], 4, NULL, 0, 0, utf8), 0);
    tui_exercise_set_result(&x, &r);
    tui_screen *s = screen80();
    tui_exercise_draw(&x, s);
    assert_true(screen_has(s, "Press 2 for the timeline"));
    assert_int_equal(tui_exercise_key(&x, '2'), TUI_ACT_NONE);
    tui_exercise_draw(&x, s);
    check_golden("exercise-timeline-probe", s);
    assert_true(screen_has(s, "Scenario two_bounce \u00b7 seed 1"));
    assert_true(row_of(s, "main ") < row_of(s, "#2 learner"));
    int dan = row_of(s, "#6 ");
    assert_true(dan > 0);
    assert_int_equal(MDR_ROLE(style_at(s, dan, "\u2717")), TUI_TL_FAIL);
    assert_true(screen_has(s, "\u2298 cancelled"));
    /* The story, further down. */
    tui_exercise_key(&x, 'G');
    tui_exercise_draw(&x, s);
    check_golden("exercise-timeline-probe-end", s);
    assert_true(screen_has(s, "\u2192 cancels #3, #4, #5, #7, #8 and 4 more"));
    assert_true(screen_has(s, "\u25b2 tg_group_wait hands back ExceptionGroup"));
    tui_exercise_free(&x);
    tui_screen_free(s);

    /* A trace that does not parse is no timeline, and no error: the next
     * failing check's is shown, or none. */
    checks[1].trace_json = "{\"events\": [";
    assert_int_equal(tui_result_from_pipeline(&r, &pr), 0);
    assert_non_null(r.trace);
    assert_string_equal(r.trace->scenario, "mailbox_full");
    tui_result_free(&r);
    checks[2].trace_json = "[{\"kind\": ";
    assert_int_equal(tui_result_from_pipeline(&r, &pr), 0);
    assert_null(r.trace);
    assert_int_equal(r.nverdicts, 3);
    tui_result_free(&r);
    free(trace);
}

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tui_model_screen_put),
        cmocka_unit_test(test_tui_model_home_screen),
        cmocka_unit_test(test_tui_model_home_keys),
        cmocka_unit_test(test_tui_model_home_search),
        cmocka_unit_test(test_tui_model_home_scrolls),
        cmocka_unit_test(test_tui_model_lesson_reader),
        cmocka_unit_test(test_tui_model_lesson_resize),
        cmocka_unit_test(test_tui_model_exercise_checks),
        cmocka_unit_test(test_tui_model_exercise_hints),
        cmocka_unit_test(test_tui_model_exercise_timeline),
        cmocka_unit_test(test_tui_model_exercise_compile_error),
        cmocka_unit_test(test_tui_model_exercise_keys),
        cmocka_unit_test(test_tui_model_trace_json),
        cmocka_unit_test(test_tui_model_from_pipeline),
        cmocka_unit_test(test_tui_model_timeline_from_probe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
