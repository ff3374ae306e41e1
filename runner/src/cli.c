/*
 * cli.c -- helpers shared by the commands: lazy loading of the manifest
 * and the state, error and usage messages, picking an exercise, colours
 * and marks.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

manifest *lab_manifest(lab_ctx *ctx)
{
    if (!ctx->m) {
        char why[1024];
        ctx->m = manifest_load(ctx->root, why, sizeof why);
        if (!ctx->m)
            fprintf(stderr, "%s\n", why);
    }
    return ctx->m;
}

lab_state *lab_state_get(lab_ctx *ctx)
{
    if (!ctx->st) {
        char why[512];
        ctx->st = state_load(ctx->root, why, sizeof why);
        if (!ctx->st)
            fprintf(stderr, "%s\n", why);
    }
    return ctx->st;
}

void lab_state_save(lab_ctx *ctx)
{
    char why[1024];
    if (ctx->st && !ctx->st->read_only && state_save(ctx->st, why, sizeof why))
        fprintf(stderr, "%s\n", why);
}

void lab_error(const char *hint, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("lab: error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    if (hint)
        fprintf(stderr, "%s\n", hint);
}

int lab_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("lab: error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    if (cmd)
        fprintf(stderr, "Try 'lab help %s'\n", cmd);
    else
        fputs("Try 'lab --help'\n", stderr);
    return LAB_EXIT_USAGE;
}

const manifest_exercise *lab_pick_exercise(lab_ctx *ctx, const char *what)
{
    manifest *m = lab_manifest(ctx);
    if (!m)
        return NULL;
    if (!what) {
        lab_state *st = lab_state_get(ctx);
        const char *cur = st && st->current ? st->current : NULL;
        const manifest_exercise *ex = cur ? manifest_find(m, cur) : NULL;
        return ex ? ex : &m->exercises[0];
    }
    const manifest_exercise *ex = manifest_find(m, what);
    if (!ex)
        lab_error("Run 'lab list' to see the exercises.",
                  "no exercise called '%s'", what);
    return ex;
}

const char *lab_c(const lab_ctx *ctx, const char *ansi)
{
    return ctx->color ? ansi : "";
}

const char *lab_mark_ok(const lab_ctx *ctx)
{
    return ctx->utf8 ? "\u2713" : "[ok]";
}

const char *lab_mark_fail(const lab_ctx *ctx)
{
    return ctx->utf8 ? "\u2717" : "[FAIL]";
}

char *lab_path(const lab_ctx *ctx, const char *rel)
{
    char *p = NULL;
    if (asprintf(&p, "%s/%s", ctx->root, rel) < 0)
        return NULL;
    return p;
}
