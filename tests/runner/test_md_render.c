/*
 * test_md_render.c -- the Markdown renderer, headless: block layout
 * (headings, lists, quotes, code), inline styles, C colouring, wrapping
 * at display width with UTF-8 and an ASCII fallback, the plain-text
 * renderer, and that nothing that reaches a terminal carries a control
 * character.  The lessons in lessons/ (when present) are laid out at
 * widths from 20 to 120 (every one near 20 and 80) and no line may be
 * wider.
 */
#include <dirent.h>
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "md_render.h"

static mdr_lines *render(const char *md, int width, unsigned flags)
{
    mdr_layout_opts o = {.width = width, .code_width = width, .flags = flags};
    mdr_lines *ls = mdr_render(md, strlen(md), &o);
    assert_non_null(ls);
    return ls;
}

/* Text of line i, trailing blanks trimmed (static buffer). */
static const char *line_text(const mdr_lines *ls, size_t i)
{
    static char buf[4096];
    size_t n = 0;
    assert_true(i < ls->n);
    for (size_t k = 0; k < ls->v[i].nspans; k++) {
        size_t l = strlen(ls->v[i].spans[k].text);
        assert_true(n + l < sizeof buf);
        memcpy(buf + n, ls->v[i].spans[k].text, l);
        n += l;
    }
    while (n && buf[n - 1] == ' ')
        n--;
    buf[n] = '\0';
    return buf;
}

/* The style of the first span of line i whose text contains needle. */
static mdr_style style_of(const mdr_lines *ls, size_t i, const char *needle)
{
    for (size_t k = 0; k < ls->v[i].nspans; k++)
        if (strstr(ls->v[i].spans[k].text, needle))
            return ls->v[i].spans[k].style;
    fail_msg("no span with '%s' on line %zu ('%s')", needle, i,
             line_text(ls, i));
    return 0;
}

/* The index of the first line containing needle. */
static size_t find_line(const mdr_lines *ls, const char *needle)
{
    for (size_t i = 0; i < ls->n; i++)
        if (strstr(line_text(ls, i), needle))
            return i;
    fail_msg("no line with '%s'", needle);
    return 0;
}

static void assert_fits(const mdr_lines *ls, int width)
{
    for (size_t i = 0; i < ls->n; i++) {
        int w = 0;
        for (size_t k = 0; k < ls->v[i].nspans; k++) {
            const char *t = ls->v[i].spans[k].text;
            assert_int_equal(ls->v[i].spans[k].width, mdr_width(t, strlen(t)));
            w += ls->v[i].spans[k].width;
            for (const unsigned char *p = (const unsigned char *)t; *p; p++)
                assert_true(*p >= 0x20 && *p != 0x7f);
        }
        assert_int_equal(w, ls->v[i].width);
        if (w > width)
            fail_msg("line %zu is %d wide (max %d): '%s'", i, w, width,
                     line_text(ls, i));
    }
}

static void test_md_render_headings(void **state)
{
    (void)state;
    mdr_lines *ls =
        render("# Title\n\nText.\n\n## Section\n\n### Sub\n", 40, 0);
    assert_string_equal(line_text(ls, 0), "Title");
    assert_int_equal(ls->v[0].heading, 1);
    assert_int_equal(MDR_ROLE(style_of(ls, 0, "Title")), MDR_H1);
    assert_true(style_of(ls, 0, "Title") & MDR_BOLD);
    /* The title has a rule under it, the width of the text column. */
    assert_int_equal(ls->v[1].width, 40);
    assert_int_equal(MDR_ROLE(ls->v[1].spans[0].style), MDR_RULE);
    size_t s = find_line(ls, "Section");
    assert_int_equal(ls->v[s].heading, 2);
    assert_int_equal(MDR_ROLE(style_of(ls, s, "Section")), MDR_H2);
    assert_string_equal(line_text(ls, s - 1), ""); /* a blank line before */
    size_t sub = find_line(ls, "Sub");
    assert_int_equal(ls->v[sub].heading, 3);
    assert_int_equal(MDR_ROLE(style_of(ls, sub, "Sub")), MDR_H3);
    mdr_lines_free(ls);

    mdr_doc *d = mdr_parse("Intro\n\n# The *title*\n", 21);
    assert_non_null(d);
    char *t = mdr_doc_title(d);
    assert_string_equal(t, "The title");
    free(t);
    mdr_doc_free(d);
}

static void test_md_render_inline_styles(void **state)
{
    (void)state;
    mdr_lines *ls = render("Plain **strong** *em* `code()` "
                           "[link](http://x) ~~gone~~.",
                           80, 0);
    assert_string_equal(line_text(ls, 0), "Plain strong em code() link gone.");
    assert_int_equal(MDR_ROLE(style_of(ls, 0, "Plain")), MDR_TEXT);
    assert_true(style_of(ls, 0, "strong") & MDR_BOLD);
    assert_true(style_of(ls, 0, "em") & MDR_ITALIC);
    assert_int_equal(MDR_ROLE(style_of(ls, 0, "code()")), MDR_CODE);
    assert_int_equal(MDR_ROLE(style_of(ls, 0, "link")), MDR_LINK);
    assert_true(style_of(ls, 0, "gone") & MDR_STRIKE);
    mdr_lines_free(ls);

    ls = render("a &amp; b &lt;c&gt; &#x2192; <!-- hidden --> d", 80, 0);
    assert_string_equal(line_text(ls, 0), "a & b <c> \u2192 d");
    mdr_lines_free(ls);
}

static void test_md_render_lists(void **state)
{
    (void)state;
    mdr_lines *ls = render("Before.\n\n"
                           "- one\n"
                           "- two that is long enough to wrap around\n"
                           "  - nested\n"
                           "- three\n",
                           30, 0);
    assert_string_equal(line_text(ls, 0), "Before.");
    assert_string_equal(line_text(ls, 1), "");
    assert_string_equal(line_text(ls, 2), "  \u2022 one");
    assert_int_equal(MDR_ROLE(style_of(ls, 2, "\u2022")), MDR_MARK);
    assert_string_equal(line_text(ls, 3),
                        "  \u2022 two that is long enough to");
    assert_int_equal(ls->v[3].width, 30);
    assert_string_equal(line_text(ls, 4), "    wrap around");
    assert_string_equal(line_text(ls, 5), "    \u25e6 nested");
    assert_string_equal(line_text(ls, 6), "  \u2022 three"); /* tight: no gap */
    assert_int_equal(ls->n, 7);
    mdr_lines_free(ls);

    /* Numbers align on the widest; a loose list keeps its blank lines. */
    ls = render("8. eight\n9. nine\n10. ten\n", 40, 0);
    assert_string_equal(line_text(ls, 0), "   8. eight");
    assert_string_equal(line_text(ls, 2), "  10. ten");
    mdr_lines_free(ls);
    ls = render("- a\n\n- b\n", 40, 0);
    assert_int_equal(ls->n, 3);
    assert_string_equal(line_text(ls, 1), "");
    mdr_lines_free(ls);
}

static void test_md_render_quote(void **state)
{
    (void)state;
    mdr_lines *ls = render("> A quote that wraps over two lines at this "
                           "width.\n>\n> Second paragraph.\n",
                           30, 0);
    for (size_t i = 0; i < ls->n; i++)
        assert_memory_equal(line_text(ls, i), "\u2502", 3);
    assert_int_equal(MDR_ROLE(style_of(ls, 0, "quote")), MDR_QUOTE);
    assert_true(style_of(ls, 0, "quote") & MDR_ITALIC);
    assert_int_equal(MDR_ROLE(style_of(ls, 0, "\u2502")), MDR_RULE);
    assert_string_equal(line_text(ls, ls->n - 1), "\u2502 Second paragraph.");
    mdr_lines_free(ls);
}

static void test_md_render_code_colours(void **state)
{
    (void)state;
    const char *md = "```c\n"
                     "#include <tg.h>\n"
                     "static int n = 42; /* a\n"
                     "   comment */\n"
                     "const char *s = \"hi\"; // end\n"
                     "struct job *j = NULL;\n"
                     "size_t k;\n"
                     "```\n";
    mdr_lines *ls = render(md, 60, 0);
    assert_int_equal(ls->n, 6);
    assert_string_equal(line_text(ls, 0), "  #include <tg.h>");
    assert_int_equal(MDR_ROLE(style_of(ls, 0, "#include")), MDR_PREPROC);
    assert_int_equal(MDR_ROLE(style_of(ls, 0, "<tg.h>")), MDR_STRING);
    assert_int_equal(MDR_ROLE(style_of(ls, 1, "static")), MDR_KEYWORD);
    assert_int_equal(MDR_ROLE(style_of(ls, 1, "int")), MDR_TYPE);
    assert_int_equal(MDR_ROLE(style_of(ls, 1, "42")), MDR_NUMBER);
    assert_int_equal(MDR_ROLE(style_of(ls, 1, "/* a")), MDR_COMMENT);
    assert_int_equal(MDR_ROLE(style_of(ls, 2, "comment */")), MDR_COMMENT);
    assert_int_equal(MDR_ROLE(style_of(ls, 3, "\"hi\"")), MDR_STRING);
    assert_int_equal(MDR_ROLE(style_of(ls, 3, "// end")), MDR_COMMENT);
    assert_int_equal(MDR_ROLE(style_of(ls, 4, "job")), MDR_TYPE);
    assert_int_equal(MDR_ROLE(style_of(ls, 4, "NULL")), MDR_NUMBER);
    assert_int_equal(MDR_ROLE(style_of(ls, 5, "size_t")), MDR_TYPE);
    mdr_lines_free(ls);

    /* No language: no colours.  Tabs become spaces. */
    ls = render("```\nif (x)\n\treturn;\n```\n", 40, 0);
    assert_int_equal(MDR_ROLE(style_of(ls, 0, "if")), MDR_FENCE);
    assert_string_equal(line_text(ls, 1), "      return;");
    mdr_lines_free(ls);
}

static void test_md_render_code_is_not_reflowed(void **state)
{
    (void)state;
    mdr_lines *ls = render("```c\n"
                           "    return tg_raise(err); /* a long comment */\n"
                           "```\n",
                           30, 0);
    /* Continues on the next line after a mark, at its own indentation. */
    assert_string_equal(line_text(ls, 0), "      return tg_raise(err); /*");
    assert_string_equal(line_text(ls, 1), "    \u21aa  a long comment */");
    assert_fits(ls, 30);
    mdr_lines_free(ls);

    /* code_width may exceed the prose width. */
    mdr_layout_opts o = {.width = 20, .code_width = 40};
    const char *md = "A paragraph of several words.\n\n```\n"
                     "0123456789012345678901234567890\n```\n";
    ls = mdr_render(md, strlen(md), &o);
    assert_non_null(ls);
    assert_string_equal(line_text(ls, ls->n - 1),
                        "  0123456789012345678901234567890");
    assert_fits(ls, 40);
    mdr_lines_free(ls);
}

static void test_md_render_wraps_at_display_width(void **state)
{
    (void)state;
    /* CJK characters take two columns each. */
    mdr_lines *ls = render("\u65e5\u672c\u8a9e\u65e5\u672c\u8a9e "
                           "\u65e5\u672c\u8a9e",
                           13, 0);
    assert_int_equal(ls->n, 2);
    assert_int_equal(ls->v[0].width, 12);
    assert_int_equal(ls->v[1].width, 6);
    mdr_lines_free(ls);

    /* A word longer than the line is broken, never overflows. */
    ls = render("abcdefghijklmnopqrstuvwxyz", 10, 0);
    assert_int_equal(ls->n, 3);
    assert_string_equal(line_text(ls, 0), "abcdefghij");
    assert_fits(ls, 10);
    mdr_lines_free(ls);

    assert_int_equal(mdr_width("a\u2192b", 5), 3);
    assert_int_equal(mdr_width("\u65e5", 3), 2);
    int used;
    assert_int_equal(mdr_fit("ab\u65e5c", 6, 3, &used), 2);
    assert_int_equal(used, 2);
}

static void test_md_render_ascii_fallback(void **state)
{
    (void)state;
    const char *md = "# 01 \u00b7 Groups \u2014 why\n\n"
                     "- a \u2192 b, \u201cquoted\u201d\u2026 \u65e5\n\n"
                     "> quote\n\n---\n";
    mdr_lines *ls = render(md, 40, MDR_ASCII);
    for (size_t i = 0; i < ls->n; i++)
        for (const char *p = line_text(ls, i); *p; p++)
            assert_true((unsigned char)*p < 0x80);
    assert_string_equal(line_text(ls, 0), "01 - Groups -- why");
    assert_string_equal(line_text(ls, 1),
                        "========================================");
    assert_string_equal(line_text(ls, 3), "  * a -> b, \"quoted\"... ?");
    assert_string_equal(line_text(ls, 5), "| quote");
    assert_fits(ls, 40);
    mdr_lines_free(ls);

    char *a = mdr_ascii("x\xff y", 4);
    assert_string_equal(a, "x? y");
    free(a);
}

static void test_md_render_no_control_characters(void **state)
{
    (void)state;
    mdr_lines *ls = render("evil \x1b[31mred\x1b[0m \x07 text\n\n```\n"
                           "\x1b]0;title\x07\n```\n",
                           60, 0);
    assert_fits(ls, 60); /* asserts every byte is >= 0x20 and not DEL */
    mdr_lines_free(ls);

    mdr_lines *l2 = mdr_lines_new();
    mdr_line *l = mdr_lines_add(l2);
    assert_int_equal(mdr_line_puts(l,
                                   "a\x1b"
                                   "b\r\n\xc2\x9b",
                                   MDR_TEXT, 0),
                     0);
    assert_string_equal(l->spans[0].text, "a b   "); /* C1 CSI: one */
    mdr_lines_free(l2);
}

static void test_md_render_plain_text(void **state)
{
    (void)state;
    const char *md = "# Title\n\n## Section\n\nSome **bold** and `code`.\n\n"
                     "1. first\n2. second\n\n- item\n\n> quoted\n\n"
                     "```c\nint x;\n```\n";
    char *s = mdr_render_plain(md, strlen(md), 72, 0);
    assert_non_null(s);
    assert_string_equal(s, "Title\n"
                           "=====\n"
                           "\n"
                           "Section\n"
                           "-------\n"
                           "\n"
                           "Some bold and code.\n"
                           "\n"
                           "  1. first\n"
                           "  2. second\n"
                           "\n"
                           "  - item\n"
                           "\n"
                           "| quoted\n"
                           "\n"
                           "    int x;\n");
    free(s);
}

static void test_md_render_relayout_keeps_blocks(void **state)
{
    (void)state;
    const char *md = "# T\n\nFirst paragraph with quite a few words in it.\n\n"
                     "Second paragraph, also with several words.\n";
    mdr_doc *d = mdr_parse(md, strlen(md));
    assert_non_null(d);
    assert_int_equal(mdr_doc_blocks(d), 3);
    mdr_layout_opts narrow = {.width = 12}, wide = {.width = 80};
    mdr_lines *a = mdr_layout(d, &narrow), *b = mdr_layout(d, &wide);
    assert_non_null(a);
    assert_non_null(b);
    assert_true(a->n > b->n);
    assert_int_equal(a->v[a->n - 1].block, 2);
    assert_int_equal(b->v[b->n - 1].block, 2);
    mdr_lines_free(a);
    mdr_lines_free(b);
    mdr_doc_free(d);

    /* Empty and odd inputs. */
    mdr_lines *e = render("", 40, 0);
    assert_int_equal(e->n, 0);
    mdr_lines_free(e);
    mdr_lines_free(NULL);
    mdr_doc_free(NULL);
}

static void test_md_render_wrap_helper(void **state)
{
    (void)state;
    mdr_lines *ls = mdr_lines_new();
    assert_non_null(ls);
    assert_int_equal(
        mdr_lines_wrap(ls, "one two three four\nfive", MDR_TEXT, 12, 2, 0), 0);
    assert_int_equal(ls->n, 3);
    assert_string_equal(line_text(ls, 0), "  one two");
    assert_string_equal(line_text(ls, 1), "  three four");
    assert_string_equal(line_text(ls, 2), "  five");
    char *t = mdr_lines_text(ls);
    assert_string_equal(t, "  one two\n  three four\n  five\n");
    free(t);
    mdr_lines_free(ls);
}

/* Random Markdown-ish input (a fixed seed): it never crashes, and every
 * line fits and is clean. */
static void test_md_render_random_input(void **state)
{
    (void)state;
    static const char *const atoms[] = {
        "# ",
        "## ",
        "- ",
        "1. ",
        "> ",
        "```c\n",
        "```\n",
        "`",
        "**",
        "*",
        "_",
        "\n",
        "\n\n",
        "    ",
        "\t",
        "word ",
        "\u2192",
        "\u65e5",
        "&amp;",
        "<b>",
        "[x](y)",
        "|a|b|\n|-|-|\n",
        "\x1b",
        "\xff",
        "int x = 1; /* c */",
        "\"str\"",
        "---\n",
        "\\\n",
    };
    unsigned long long rng = 42;
    char buf[2048];
    for (int round = 0; round < 400; round++) {
        size_t n = 0;
        int k = (int)(rng % 60);
        for (int i = 0; i < k; i++) {
            rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
            const char *a = atoms[(rng >> 33) % (sizeof atoms / sizeof *atoms)];
            size_t l = strlen(a);
            if (n + l >= sizeof buf)
                break;
            memcpy(buf + n, a, l);
            n += l;
        }
        rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
        int w = 10 + (int)((rng >> 40) % 90);
        for (unsigned fl = 0; fl <= MDR_ASCII; fl += MDR_ASCII) {
            mdr_layout_opts o = {.width = w, .code_width = w + 4, .flags = fl};
            mdr_lines *ls = mdr_render(buf, n, &o);
            assert_non_null(ls);
            assert_fits(ls, w + 4);
            mdr_lines_free(ls);
        }
        char *p = mdr_render_plain(buf, n, w, 0);
        assert_non_null(p);
        free(p);
    }
}

/* Every lesson, at widths from 20 to 120, UTF-8 and ASCII: no line is
 * wider than it may be. */
static void test_md_render_lessons_fit(void **state)
{
    (void)state;
    DIR *dir = opendir("lessons");
    if (!dir) {
        skip();
        return;
    }
    struct dirent *e;
    int files = 0;
    while ((e = readdir(dir))) {
        size_t n = strlen(e->d_name);
        if (n < 4 || strcmp(e->d_name + n - 3, ".md") != 0)
            continue;
        char path[512];
        snprintf(path, sizeof path, "lessons/%s", e->d_name);
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        static char buf[1 << 20];
        size_t len = fread(buf, 1, sizeof buf, f);
        fclose(f);
        mdr_doc *d = mdr_parse(buf, len);
        assert_non_null(d);
        for (int w = 20; w <= 120; w += w < 40 || (w >= 72 && w < 88) ? 1 : 5)
            for (unsigned fl = 0; fl <= MDR_ASCII; fl += MDR_ASCII) {
                mdr_layout_opts o = {
                    .width = w, .code_width = w + 6, .flags = fl};
                mdr_lines *ls = mdr_layout(d, &o);
                assert_non_null(ls);
                assert_fits(ls, w + 6);
                for (size_t i = 0; i < ls->n; i++) {
                    bool code = false;
                    for (size_t k = 0; k < ls->v[i].nspans; k++) {
                        unsigned r = MDR_ROLE(ls->v[i].spans[k].style);
                        code |= r == MDR_FENCE ||
                                (r >= MDR_KEYWORD && r <= MDR_PREPROC);
                    }
                    if (!code && ls->v[i].width > w)
                        fail_msg("%s at %d: '%s'", path, w, line_text(ls, i));
                }
                mdr_lines_free(ls);
            }
        mdr_doc_free(d);
        files++;
    }
    closedir(dir);
    assert_true(files > 0);
}

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_md_render_headings),
        cmocka_unit_test(test_md_render_inline_styles),
        cmocka_unit_test(test_md_render_lists),
        cmocka_unit_test(test_md_render_quote),
        cmocka_unit_test(test_md_render_code_colours),
        cmocka_unit_test(test_md_render_code_is_not_reflowed),
        cmocka_unit_test(test_md_render_wraps_at_display_width),
        cmocka_unit_test(test_md_render_ascii_fallback),
        cmocka_unit_test(test_md_render_no_control_characters),
        cmocka_unit_test(test_md_render_plain_text),
        cmocka_unit_test(test_md_render_relayout_keeps_blocks),
        cmocka_unit_test(test_md_render_wrap_helper),
        cmocka_unit_test(test_md_render_random_input),
        cmocka_unit_test(test_md_render_lessons_fit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
