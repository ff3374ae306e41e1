/*
 * pipeline_link.c -- the link stage: the learner's object plus the
 * prebuilt probe objects (the exercise's scenarios, the probe driver, the
 * simulated world, libtg) into the probe program, and the linker's
 * complaints in the learner's words.
 *
 * The prebuilt objects come from make and are only ever read (bound
 * read-only into the sandbox); nothing here rebuilds them.  Shared
 * libraries are linked --as-needed, so the list below may name a library
 * the probe does not use at no cost.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline_internal.h"

const char **pipeline__link_argv(const pipeline__ctx *c)
{
    const char **v = calloc(24, sizeof *v);
    if (!v)
        return NULL;
    size_t n = 0;
    v[n++] = c->opts->cc ? c->opts->cc : "cc";
    if (c->opts->sanitizers)
        v[n++] = "-fsanitize=address,undefined";
    v[n++] = "-o";
    v[n++] = "probe";
    v[n++] = c->objname;
    v[n++] = c->inside[PIPELINE__B_PROBE_O];
    v[n++] = c->inside[PIPELINE__B_LIBPROBE];
    v[n++] = c->inside[PIPELINE__B_LIBWORLD];
    v[n++] = c->inside[PIPELINE__B_LIBTG];
    v[n++] = "-Wl,--as-needed";
    v[n++] = "-luv";
    v[n++] = "-ljansson";
    v[n++] = "-lm";
    v[n++] = "-lpthread";
    v[n] = NULL;
    return v;
}

/* Finds "`name'" (or 'name') after key in line; copies name into out. */
static bool quoted_after(const char *line, const char *key, char *out,
                         size_t outlen)
{
    const char *p = strstr(line, key);
    if (!p)
        return false;
    p += strlen(key);
    if (*p != '`' && *p != '\'')
        return false;
    p++;
    const char *e = strchr(p, '\'');
    if (!e || (size_t)(e - p) >= outlen)
        return false;
    memcpy(out, p, (size_t)(e - p));
    out[e - p] = '\0';
    return true;
}

void pipeline__link_report(pipeline__ctx *c, const char *text, size_t len)
{
    bool any = false;
    size_t count = 0;
    char *copy = malloc(len + 1);
    if (!copy)
        return;
    memcpy(copy, text, len);
    copy[len] = '\0';
    for (char *line = copy, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        char name[256], msg[512], explain[768];
        bool undefined = quoted_after(line, "undefined reference to ", name,
                                      sizeof name);
        bool multiple = !undefined && quoted_after(line, "multiple definition of ",
                                                  name, sizeof name);
        if (!undefined && !multiple)
            continue;
        if (++count > 20)
            continue;
        any = true;
        pipeline_msg *m;
        if (undefined) {
            bool wanted = false;
            for (size_t i = 0; i < c->ex->nfunctions; i++)
                if (strcmp(name, c->ex->functions[i]) == 0)
                    wanted = true;
            if (wanted) {
                snprintf(msg, sizeof msg, "your file must define %s(...)",
                         name);
                snprintf(explain, sizeof explain,
                         "The exercise calls %s, and your file does not "
                         "define it.",
                         name);
            } else {
                snprintf(msg, sizeof msg,
                         "your code calls `%s`, which nothing defines", name);
                snprintf(explain, sizeof explain,
                         "`%s` is declared somewhere, so the compiler "
                         "accepted the call, but no library and no code of "
                         "yours defines it. Is it misspelt, or a function "
                         "you declared and have not written yet?",
                         name);
            }
            m = pipeline__msg_add(c->res, PIPELINE_STAGE_LINK, PIPELINE_ERROR,
                                  wanted ? "link.missing-function"
                                         : "link.undefined",
                                  msg, explain);
        } else {
            snprintf(msg, sizeof msg, "`%s` is defined twice", name);
            m = pipeline__msg_add(
                c->res, PIPELINE_STAGE_LINK, PIPELINE_ERROR, "link.multiple",
                msg,
                "Your file and a library both define this name: rename "
                "yours and make it static.");
        }
        if (!m)
            continue;
        m->symbol = pipeline__clean_str(name, 256);
        /* "/work/send_all.c:12: undefined reference ..." */
        char *colon = strstr(line, ": ");
        if (colon) {
            *colon = '\0';
            char *num = strrchr(line, ':');
            if (num) {
                *num = '\0';
                const char *f = line;
                const char *base = strrchr(f, '/');
                base = base ? base + 1 : f;
                if (strcmp(base, c->srcname) == 0 && c->res->file) {
                    m->file = strdup(c->res->file);
                    m->line = (unsigned)strtoul(num + 1, NULL, 10);
                }
            }
        }
    }
    if (!any) {
        char *tail = pipeline__clean(text, len < 800 ? len : 800, 800, true);
        pipeline__msg_add(c->res, PIPELINE_STAGE_LINK, PIPELINE_ERROR,
                          "link.failed",
                          tail && *tail ? tail : "linking failed",
                          "The linker could not build the program that runs "
                          "your code; the message above says why.");
        free(tail);
    }
    free(copy);
}
