/*
 * pipeline_compile.c -- the compile stage: the compiler's command line,
 * and its output turned into messages that point at the learner's own
 * file and line, with an explanation of the common errors.
 *
 * The command follows docs/grading.md (cc -std=c11 -Wall -Wextra -O1 -g
 * -c) with a few additions, each for a reason:
 *   -D_GNU_SOURCE         as the lab's own Makefile builds the solutions,
 *                         so strdup and friends are declared;
 *   -Werror=implicit-function-declaration, implicit-int, int-conversion,
 *   incompatible-pointer-types
 *                         what GCC 14 makes errors anyway: a misspelt call
 *                         is reported at the learner's line, not as a link
 *                         error later, and every compiler gives the same
 *                         verdict;
 *   -include EXERCISE.h   the exercise's prototypes are always in scope,
 *                         so a definition with the wrong signature is a
 *                         compile error even if the #include was removed;
 *   -fno-diagnostics-show-caret -fmessage-length=0, LC_ALL=C
 *                         one diagnostic per line, ASCII quotes: parsed by
 *                         diag.c, rendered by us with the learner's line;
 *   -fPIC                 for the quick link (pipeline_dynprobe.c).
 * The include path is the three read-only directories bound into the
 * sandbox and the system headers; nothing else of the host is visible.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "pipeline_internal.h"

/* More than this many diagnostics are summarised in one line. */
#define MAX_DIAGS 40

const char **pipeline__compile_argv(pipeline__ctx *c)
{
    static const char *const base[] = {"-std=c11",
                                       "-D_GNU_SOURCE",
                                       "-Wall",
                                       "-Wextra",
                                       "-O1",
                                       "-g",
                                       "-pipe",
                                       "-fno-diagnostics-color",
                                       "-fno-diagnostics-show-caret",
                                       "-fmessage-length=0",
                                       "-fdiagnostics-column-unit=byte",
                                       "-fmax-errors=25",
                                       "-Werror=implicit-function-declaration",
                                       "-Werror=implicit-int",
                                       "-Werror=int-conversion",
                                       "-Werror=incompatible-pointer-types"};
    static const char *const san[] = {
        "-fsanitize=address,undefined", "-fno-omit-frame-pointer",
        "-fno-sanitize-recover=undefined", "--param", "asan-globals=0"};
    size_t n = 0, cap = 1 + sizeof base / sizeof base[0] + 8 +
                        sizeof san / sizeof san[0] + 6;
    const char **v = calloc(cap, sizeof *v);
    if (!v)
        return NULL;
    v[n++] = c->opts->cc ? c->opts->cc : "cc";
    for (size_t i = 0; i < sizeof base / sizeof base[0]; i++)
        v[n++] = base[i];
    static const int dirs[] = {PIPELINE__B_INC_TG, PIPELINE__B_INC_SUPPORT,
                               PIPELINE__B_INC_EX};
    for (size_t i = 0; i < 3; i++) {
        if (!c->host[dirs[i]][0])
            continue;
        snprintf(c->argbuf[i], sizeof c->argbuf[i], "-I%s", c->inside[dirs[i]]);
        v[n++] = c->argbuf[i];
    }
    if (c->header_name[0] && c->host[PIPELINE__B_INC_EX][0]) {
        snprintf(c->argbuf[3], sizeof c->argbuf[3], "%s/%s",
                 c->inside[PIPELINE__B_INC_EX], c->header_name);
        v[n++] = "-include";
        v[n++] = c->argbuf[3];
    }
    if (c->opts->sanitizers)
        for (size_t i = 0; i < sizeof san / sizeof san[0]; i++)
            v[n++] = san[i];
    if (c->dynamic)
        v[n++] = "-fPIC"; /* for the quick link's shared library */
    v[n++] = "-c";
    v[n++] = c->srcname;
    v[n++] = "-o";
    v[n++] = c->objname;
    v[n] = NULL;
    return v;
}

/* The learner's line `line` (1-based), cleaned, or NULL. */
static char *source_line(const pipeline__ctx *c, unsigned line)
{
    if (!c->src || line == 0)
        return NULL;
    const char *p = c->src, *end = c->src + c->srclen;
    for (unsigned i = 1; i < line && p < end; i++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            return NULL;
        p = nl + 1;
    }
    if (p >= end)
        return NULL;
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
    if (n && p[n - 1] == '\r') /* CRLF files */
        n--;
    return pipeline__clean(p, n, 300, false);
}

/*
 * The name a learner knows for a file the compiler named: their own file
 * for the box's copy, the lab-relative path for a bound header, else the
 * compiler's name (cleaned).  Sets *mine when it is the learner's file.
 */
static char *map_file(const pipeline__ctx *c, const char *file, bool *mine)
{
    *mine = false;
    const char *f = file;
    if (strncmp(f, "./", 2) == 0)
        f += 2;
    size_t bl = strlen(SANDBOX_WORKDIR);
    if (strncmp(f, SANDBOX_WORKDIR "/", bl + 1) == 0)
        f += bl + 1;
    else if (strncmp(f, c->box, strlen(c->box)) == 0 &&
             f[strlen(c->box)] == '/')
        f += strlen(c->box) + 1;
    if (strcmp(f, c->srcname) == 0) {
        *mine = true;
        return c->res->file ? strdup(c->res->file) : NULL;
    }
    for (int b = 0; b < PIPELINE__NBINDS; b++) {
        const char *in = c->inside[b];
        size_t n = in ? strlen(in) : 0;
        if (n && c->display[b] && strncmp(file, in, n) == 0 && file[n] == '/')
            return pipeline__printf("%s%s", c->display[b], file + n);
    }
    return pipeline__clean_str(file, 512);
}

/* Notes that say nothing to a learner. */
static bool noise(const diag_item *d)
{
    return d->kind == DIAG_NOTE &&
           (strstr(d->message, "each undeclared identifier is reported") ||
            strstr(d->message, "in expansion of macro") ||
            strstr(d->message, "include '<"));
}

bool pipeline__compile_report(pipeline__ctx *c, const char *text, size_t len,
                              bool failed)
{
    diag_list l;
    bool any_error = false;
    if (diag_parse(text, len, &l) != 0)
        l = (diag_list){0};
    size_t shown = 0, skipped = 0;
    for (size_t i = 0; i < l.n; i++) {
        diag_item *d = &l.items[i];
        if (noise(d))
            continue;
        /* "cc1: some warnings being treated as errors" repeats the rest. */
        if (!d->file && strstr(d->message, "warnings being treated as errors"))
            continue;
        if (shown >= MAX_DIAGS) {
            skipped++;
            continue;
        }
        shown++;
        pipeline_severity sev = d->kind == DIAG_ERROR     ? PIPELINE_ERROR
                                : d->kind == DIAG_WARNING ? PIPELINE_WARNING
                                                          : PIPELINE_NOTE;
        if (sev == PIPELINE_ERROR)
            any_error = true;
        const char *code = sev == PIPELINE_ERROR     ? "compile.error"
                           : sev == PIPELINE_WARNING ? "compile.warning"
                                                     : "compile.note";
        char *msgtext = d->option && sev != PIPELINE_NOTE
                            ? pipeline__printf("%s [%s]", d->message, d->option)
                            : strdup(d->message);
        char *explain = sev == PIPELINE_NOTE ? NULL : diag_explain(d);
        pipeline_msg *m =
            pipeline__msg_add(c->res, PIPELINE_STAGE_COMPILE, sev, code,
                              msgtext ? msgtext : d->message, explain);
        free(msgtext);
        free(explain);
        if (!m)
            continue;
        m->line = d->line;
        m->col = d->col;
        if (d->file) {
            bool mine;
            m->file = map_file(c, d->file, &mine);
            if (mine)
                m->source = source_line(c, d->line);
        }
        if (d->message && (strstr(d->message, "conflicting types") ||
                           strstr(d->message, "undeclared") ||
                           strstr(d->message, "implicit declaration")))
            m->symbol = diag_quoted(d->message, 0);
    }
    if (skipped) {
        char t[128];
        snprintf(t, sizeof t, "... and %zu more messages from the compiler",
                 skipped);
        pipeline__msg_add(c->res, PIPELINE_STAGE_COMPILE, PIPELINE_NOTE,
                          "compile.more", t, NULL);
    }
    if (failed && !any_error) {
        /* The compiler died (a signal, a limit) without a diagnostic. */
        char *tail = pipeline__clean(text, len < 600 ? len : 600, 600, true);
        pipeline_msg *m = pipeline__msg_add(
            c->res, PIPELINE_STAGE_COMPILE, PIPELINE_ERROR, "compile.failed",
            tail && *tail ? tail : "the compiler failed without a message",
            "The compiler stopped without pointing at a line: it ran out of "
            "memory or time, which very long or deeply nested code (or an "
            "#include of a device) can cause.");
        free(tail);
        if (m && c->res->file)
            m->file = strdup(c->res->file);
        any_error = true;
    }
    diag_list_free(&l);
    return any_error;
}
