/*
 * grade_progress.c -- how far a batch of grading has come.  On a terminal:
 * one bar redrawn in place (done/total, percent, rate, ETA, the job that
 * just finished), at most ten times a second.  Elsewhere (a log, a CI job,
 * a pipe): one plain line per finished job, which is also what scripts and
 * the tests read.
 */
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "grade.h"

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void grade_format_duration(uint64_t ms, char *out, size_t outlen)
{
    uint64_t s = (ms + 500) / 1000;
    if (s < 60)
        snprintf(out, outlen, "%llus", (unsigned long long)s);
    else if (s < 3600)
        snprintf(out, outlen, "%llum%02llus", (unsigned long long)(s / 60),
                 (unsigned long long)(s % 60));
    else
        snprintf(out, outlen, "%lluh%02llum", (unsigned long long)(s / 3600),
                 (unsigned long long)(s / 60 % 60));
}

void grade_progress_start(grade_progress *p, FILE *out, bool tty, bool color,
                          size_t total, size_t skipped)
{
    *p = (grade_progress){.out = out, .tty = tty, .color = color,
                          .total = total, .skipped = skipped};
    p->start_ms = now_ms();
    p->width = 80;
    struct winsize ws;
    if (tty && ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
        p->width = ws.ws_col;
    if (!tty) {
        fprintf(out, "grading %zu job(s)%s", total,
                skipped ? "" : "\n");
        if (skipped)
            fprintf(out, " (%zu unchanged, skipped)\n", skipped);
        fflush(out);
    }
}

static void draw(grade_progress *p, const char *last)
{
    uint64_t el = now_ms() - p->start_ms;
    char eta[32] = "?";
    if (p->done > 0 && p->done < p->total)
        grade_format_duration(el * (p->total - p->done) / p->done, eta,
                              sizeof eta);
    else if (p->done == p->total)
        snprintf(eta, sizeof eta, "0s");
    double per_min = el ? p->done * 60000.0 / (double)el : 0;
    char right[160];
    snprintf(right, sizeof right, "  %zu/%zu %3zu%%  %.0f jobs/min  ETA %s ",
             p->done, p->total, p->total ? p->done * 100 / p->total : 100,
             per_min, eta);
    int barw = p->width / 3;
    if (barw > 40)
        barw = 40;
    int fill = p->total ? (int)((size_t)barw * p->done / p->total) : barw;
    char bar[64];
    for (int i = 0; i < barw; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[barw] = '\0';
    int room = p->width - barw - 3 - (int)strlen(right) - 1;
    fprintf(p->out, "\r\033[K[%s]%s%.*s", bar, right, room > 0 ? room : 0,
            last ? last : "");
    fflush(p->out);
    p->last_draw_ms = now_ms();
}

void grade_progress_step(grade_progress *p, const char *student,
                         const char *exercise, const char *outcome, bool ok)
{
    p->done++;
    if (!ok)
        p->failed++;
    if (!p->tty) {
        fprintf(p->out, "[%zu/%zu] %s %s: %s\n", p->done, p->total, student,
                exercise, outcome);
        fflush(p->out);
        return;
    }
    if (p->done == p->total || now_ms() - p->last_draw_ms >= 100) {
        char last[256];
        snprintf(last, sizeof last, "%s %s", student, exercise);
        draw(p, last);
    }
}

void grade_progress_end(grade_progress *p)
{
    char el[32];
    grade_format_duration(now_ms() - p->start_ms, el, sizeof el);
    if (p->tty)
        fputs("\r\033[K", p->out);
    fprintf(p->out, "graded %zu job(s) in %s", p->done, el);
    if (p->skipped)
        fprintf(p->out, ", %zu unchanged skipped", p->skipped);
    if (p->failed)
        fprintf(p->out, ", %zu could not be graded (see above)", p->failed);
    fputc('\n', p->out);
    fflush(p->out);
}
