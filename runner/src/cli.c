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

int lab_no_options(const char *cmd, int argc, char **argv, const char *allowed)
{
    for (int i = 0; i < argc; i++)
        if (argv[i][0] == '-' && argv[i][1] &&
            !(allowed && !strcmp(argv[i], allowed)))
            return lab_usage_error(cmd, "unknown option '%s'", argv[i]);
    return 0;
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

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if none. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    size_t len;
    unsigned min;
    unsigned cp;
    if (s[0] < 0x80)
        return 1;
    if ((s[0] & 0xe0) == 0xc0)
        len = 2, min = 0x80, cp = s[0] & 0x1f;
    else if ((s[0] & 0xf0) == 0xe0)
        len = 3, min = 0x800, cp = s[0] & 0x0f;
    else if ((s[0] & 0xf8) == 0xf0)
        len = 4, min = 0x10000, cp = s[0] & 0x07;
    else
        return 0;
    if (len > n)
        return 0;
    for (size_t k = 1; k < len; k++) {
        if ((s[k] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[k] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

char *lab_printable(const char *s)
{
    size_t n = strlen(s);
    char *out = malloc(4 * n + 1); /* every byte may become \xNN */
    if (!out)
        return NULL;
    const unsigned char *u = (const unsigned char *)s;
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        size_t k = u[i] < 0x20 || u[i] == 0x7f ? 0 : utf8_seq(u + i, n - i);
        if (k == 0) {
            o += (size_t)sprintf(out + o, "\\x%02x", u[i]);
            i++;
        } else {
            memcpy(out + o, u + i, k);
            o += k;
            i += k;
        }
    }
    out[o] = '\0';
    return out;
}
