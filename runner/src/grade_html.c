/*
 * grade_html.c -- the class report as one self-contained HTML file: inline
 * CSS, three inline SVG charts (mean score per exercise, pass rate per
 * check, the distribution of totals) and the tables behind them.  No
 * script, no font, no image: a Content-Security-Policy meta tag forbids
 * loading anything, so the file can be mailed or opened offline and never
 * touches the network.  Every string from the gradebook is HTML-escaped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "grade.h"

static void esc(FILE *out, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '&': fputs("&amp;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&#39;", out); break;
        default: fputc(*s, out);
        }
    }
}

/* At most n bytes of s, not cutting a UTF-8 sequence, escaped. */
static void esc_cut(FILE *out, const char *s, size_t n)
{
    size_t len = strlen(s);
    if (len <= n) {
        esc(out, s);
        return;
    }
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    char *cut = strndup(s, n);
    esc(out, cut);
    fputs("&#8230;", out);
    free(cut);
}

static const char *CSS =
    "body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:60em;"
    "color:#1d232a;padding:0 1em}"
    "h1{font-size:1.6em}h2{font-size:1.2em;margin-top:2em}"
    "table{border-collapse:collapse;margin:1em 0}"
    "td,th{border-bottom:1px solid #d8dee4;padding:.25em .6em;text-align:left}"
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
    "svg{display:block;margin:1em 0}"
    "svg text{font:12px system-ui,sans-serif;fill:#1d232a}"
    ".bar{fill:#3a7bd5}.bar.low{fill:#d5573a}.axis{stroke:#8a949e}"
    ".muted{color:#5b6570}pre{white-space:pre-wrap;background:#f4f6f8;"
    "padding:.5em;margin:.2em 0}";

static void bar_chart_exercises(FILE *out, const gradebook_class *c,
                                const grade_stats *s)
{
    int w = 640, row = 28, left = 260, h = (int)c->nexercises * row + 30;
    fprintf(out,
            "<svg id=\"chart-exercises\" xmlns=\"http://www.w3.org/2000/svg\" "
            "width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"Mean score "
            "per exercise\">\n",
            w, h);
    for (size_t e = 0; e < c->nexercises; e++) {
        int y = 10 + (int)e * row;
        double r = s->ex_rate[e];
        int bw = (int)(r * (w - left - 60));
        fprintf(out, "<text x=\"0\" y=\"%d\">", y + 15);
        esc_cut(out, c->exercises[e].id, 38);
        fprintf(out,
                "</text><rect class=\"bar%s\" data-exercise=\"%zu\" x=\"%d\" "
                "y=\"%d\" width=\"%d\" height=\"%d\"><title>",
                r < 0.5 ? " low" : "", e, left, y, bw > 0 ? bw : 1, row - 8);
        esc(out, c->exercises[e].id);
        fprintf(out, ": %.0f%%</title></rect><text x=\"%d\" y=\"%d\">%.0f%%"
                     "</text>\n",
                r * 100, left + (bw > 0 ? bw : 1) + 6, y + 15, r * 100);
    }
    fprintf(out, "<line class=\"axis\" x1=\"%d\" y1=\"5\" x2=\"%d\" "
                 "y2=\"%d\"/>\n</svg>\n",
            left, left, h - 15);
}

static void bar_chart_checks(FILE *out, const grade_stats *s)
{
    int w = 640, row = 22, left = 320, h = (int)s->nchecks * row + 30;
    fprintf(out,
            "<svg id=\"chart-checks\" xmlns=\"http://www.w3.org/2000/svg\" "
            "width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"Pass rate "
            "per check\">\n",
            w, h);
    for (size_t i = 0; i < s->nchecks; i++) {
        const grade_check_stat *cs = &s->checks[i];
        int y = 10 + (int)i * row;
        double r = cs->graded ? (double)cs->passed / cs->graded : 0;
        int bw = (int)(r * (w - left - 70));
        const char *slash = strrchr(cs->exercise, '/');
        fprintf(out, "<text x=\"0\" y=\"%d\">", y + 13);
        esc_cut(out, slash ? slash + 1 : cs->exercise, 18);
        fputs(" ", out);
        esc_cut(out, cs->name, 30);
        fprintf(out,
                "</text><rect class=\"bar%s\" x=\"%d\" y=\"%d\" width=\"%d\" "
                "height=\"%d\"><title>%zu/%zu passed</title></rect>"
                "<text x=\"%d\" y=\"%d\">%zu/%zu</text>\n",
                r < 0.5 ? " low" : "", left, y, bw > 0 ? bw : 1, row - 6,
                cs->passed, cs->graded, left + (bw > 0 ? bw : 1) + 6, y + 13,
                cs->passed, cs->graded);
    }
    fprintf(out, "<line class=\"axis\" x1=\"%d\" y1=\"5\" x2=\"%d\" "
                 "y2=\"%d\"/>\n</svg>\n",
            left, left, h - 15);
}

static void histogram(FILE *out, const grade_stats *s)
{
    int w = 640, h = 220, base = 180, left = 30, bw = 54;
    size_t top = 1;
    for (int i = 0; i < 10; i++)
        if (s->histogram[i] > top)
            top = s->histogram[i];
    fprintf(out,
            "<svg id=\"chart-totals\" xmlns=\"http://www.w3.org/2000/svg\" "
            "width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"Distribution "
            "of total scores\">\n",
            w, h);
    for (int i = 0; i < 10; i++) {
        int bh = (int)(s->histogram[i] * 150 / top);
        int x = left + i * (bw + 4);
        fprintf(out,
                "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%d\" "
                "height=\"%d\"><title>%d-%d%%: %zu student(s)</title></rect>"
                "<text x=\"%d\" y=\"%d\">%zu</text>"
                "<text x=\"%d\" y=\"%d\">%d%%</text>\n",
                x, base - bh, bw, bh > 0 ? bh : 0, i * 10, i * 10 + 10,
                s->histogram[i], x + bw / 2 - 4, base - bh - 4,
                s->histogram[i], x + 8, base + 16, i * 10);
    }
    fprintf(out, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" "
                 "y2=\"%d\"/>\n</svg>\n",
            left, base, w - 10, base);
}

int grade_export_html(const gradebook_class *c, FILE *out)
{
    grade_stats s;
    if (grade_stats_compute(c, &s) != 0)
        return -1;
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta "
          "charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
          "'none'; style-src 'unsafe-inline'; img-src data:\">\n"
          "<meta name=\"viewport\" content=\"width=device-width\">\n"
          "<title>tglab class report</title>\n<style>",
          out);
    fputs(CSS, out);
    fputs("</style>\n</head>\n<body>\n<h1>Class report</h1>\n", out);
    fprintf(out,
            "<p id=\"overview\">%zu student(s), %zu exercise(s), %d points "
            "in all. Mean <b>%.1f</b>, median <b>%.1f</b>.</p>\n",
            c->nstudents, c->nexercises, s.max_total, s.mean_total,
            s.median_total);

    fputs("<h2>Mean score per exercise</h2>\n", out);
    bar_chart_exercises(out, c, &s);
    fputs("<table id=\"table-exercises\"><tr><th>exercise</th><th>title</th>"
          "<th class=\"n\">mean</th><th class=\"n\">full marks</th>"
          "<th class=\"n\">missing</th><th class=\"n\">broken</th></tr>\n",
          out);
    for (size_t e = 0; e < c->nexercises; e++) {
        fputs("<tr><td>", out);
        esc(out, c->exercises[e].id);
        fputs("</td><td>", out);
        esc(out, c->exercises[e].title);
        fprintf(out,
                "</td><td class=\"n\">%.0f%%</td><td class=\"n\">%zu/%zu</td>"
                "<td class=\"n\">%zu</td><td class=\"n\">%zu</td></tr>\n",
                s.ex_rate[e] * 100, s.ex_passed[e], c->nstudents,
                s.ex_missing[e], s.ex_broken[e]);
    }
    fputs("</table>\n<h2>Pass rate per check</h2>\n", out);
    bar_chart_checks(out, &s);
    fputs("<h2>Most common failures</h2>\n<table id=\"table-failures\">"
          "<tr><th>check</th><th class=\"n\">students</th><th>message</th>"
          "</tr>\n",
          out);
    for (size_t i = 0; i < s.nchecks; i++) {
        if (!s.checks[i].common_message)
            continue;
        fputs("<tr><td>", out);
        esc(out, s.checks[i].exercise);
        fputs(" ", out);
        esc(out, s.checks[i].name);
        fprintf(out, "</td><td class=\"n\">%zu</td><td><pre>",
                s.checks[i].common_count);
        esc_cut(out, s.checks[i].common_message, 600);
        fputs("</pre></td></tr>\n", out);
    }
    fputs("</table>\n<h2>Distribution of totals</h2>\n", out);
    histogram(out, &s);

    fputs("<h2>Students</h2>\n<table id=\"table-students\"><tr><th>student"
          "</th>",
          out);
    for (size_t e = 0; e < c->nexercises; e++) {
        fputs("<th class=\"n\">", out);
        esc(out, c->exercises[e].id);
        fputs("</th>", out);
    }
    fputs("<th class=\"n\">total</th></tr>\n", out);
    for (size_t st = 0; st < c->nstudents; st++) {
        fputs("<tr><td>", out);
        esc(out, c->students[st]);
        fputs("</td>", out);
        for (size_t e = 0; e < c->nexercises; e++) {
            const gradebook_cell *cell = gradebook_cell_at(c, st, e);
            if (cell->state == GRADEBOOK_GRADED && cell->failed) {
                fprintf(out, "<td class=\"n\">%d <span class=\"muted\">(",
                        cell->points);
                esc(out, cell->stage);
                fputs(")</span></td>", out);
            } else if (cell->state == GRADEBOOK_GRADED) {
                fprintf(out, "<td class=\"n\">%d</td>", cell->points);
            } else {
                fprintf(out, "<td class=\"n muted\">%s</td>",
                        cell->state == GRADEBOOK_MISSING ? "missing"
                        : cell->state == GRADEBOOK_ERROR ? "error"
                                                         : "pending");
            }
        }
        fprintf(out, "<td class=\"n\">%d</td></tr>\n",
                gradebook_student_total(c, st));
    }
    fprintf(out, "</table>\n<p class=\"muted\">Made by lab %s.</p>\n"
                 "</body>\n</html>\n",
            LAB_VERSION);
    grade_stats_free(&s);
    return ferror(out) ? -1 : 0;
}
