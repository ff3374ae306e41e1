/*
 * pipeline_text.c -- the pipeline's text helpers: a growable buffer, the
 * cleaning of untrusted text (compiler messages, what a learner's program
 * printed, file names) before it reaches a terminal or a JSON string, and
 * the small utilities every stage needs.
 *
 * Everything the pipeline stores in a result goes through pipeline__clean
 * first: a learner's file can print escape sequences or invalid UTF-8,
 * and jansson refuses the latter while a terminal obeys the former.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pipeline_internal.h"

void pipeline__buf_add(pipeline__buf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1) {
            if (cap > SIZE_MAX / 2) {
                b->oom = true;
                return;
            }
            cap *= 2;
        }
        char *ns = realloc(b->s, cap);
        if (!ns) {
            free(b->s);
            *b = (pipeline__buf){.oom = true};
            return;
        }
        b->s = ns;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void pipeline__buf_puts(pipeline__buf *b, const char *s)
{
    pipeline__buf_add(b, s, strlen(s));
}

void pipeline__buf_printf(pipeline__buf *b, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->oom = true;
        return;
    }
    if ((size_t)n < sizeof small) {
        pipeline__buf_add(b, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        b->oom = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    pipeline__buf_add(b, big, (size_t)n);
    free(big);
}

char *pipeline__buf_take(pipeline__buf *b)
{
    if (b->oom) {
        free(b->s);
        *b = (pipeline__buf){0};
        return NULL;
    }
    char *s = b->s ? b->s : calloc(1, 1);
    *b = (pipeline__buf){0};
    return s;
}

void pipeline__buf_free(pipeline__buf *b)
{
    free(b->s);
    *b = (pipeline__buf){0};
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if none.
 * Overlong forms, surrogates and code points above U+10FFFF are invalid,
 * as jansson judges them. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    unsigned cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
        return 0;
    /* C1 controls (U+0080..U+009F) act as escapes on some terminals. */
    if (cp >= 0x80 && cp <= 0x9f)
        return 0;
    return len;
}

/* Bidirectional controls reorder what a reader sees ("Trojan Source"):
 * shown as \uXXXX instead. */
static bool is_bidi(const unsigned char *s, size_t n)
{
    if (n == 2 && s[0] == 0xd8 && s[1] == 0x9c) /* U+061C */
        return true;
    if (n != 3 || s[0] != 0xe2)
        return false;
    unsigned cp = ((unsigned)(s[0] & 0x0f) << 12) |
                  ((unsigned)(s[1] & 0x3f) << 6) | (s[2] & 0x3fu);
    return cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

char *pipeline__clean(const char *s, size_t len, size_t cap, bool keep_newlines)
{
    pipeline__buf b = {0};
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        if (cap && b.len >= cap) {
            pipeline__buf_puts(&b, "...");
            break;
        }
        unsigned char c = u[i];
        if (c == '\n' && keep_newlines) {
            pipeline__buf_add(&b, "\n", 1);
            i++;
        } else if (c == '\t') {
            pipeline__buf_add(&b, " ", 1);
            i++;
        } else if (c == '\r' && keep_newlines && i + 1 < len &&
                   u[i + 1] == '\n') {
            i++; /* CRLF: keep the LF only */
        } else if (c < 0x20 || c == 0x7f) {
            pipeline__buf_printf(&b, "\\x%02x", c);
            i++;
        } else {
            size_t n = utf8_len(u + i, len - i);
            if (n == 0) {
                pipeline__buf_printf(&b, "\\x%02x", c);
                i++;
            } else if (is_bidi(u + i, n)) {
                unsigned cp = n == 2 ? 0x061cu
                                     : ((unsigned)(u[i] & 0x0f) << 12) |
                                           ((unsigned)(u[i + 1] & 0x3f) << 6) |
                                           (u[i + 2] & 0x3fu);
                pipeline__buf_printf(&b, "\\u%04x", cp);
                i += n;
            } else {
                pipeline__buf_add(&b, s + i, n);
                i += n;
            }
        }
    }
    return pipeline__buf_take(&b);
}

char *pipeline__clean_str(const char *s, size_t cap)
{
    return s ? pipeline__clean(s, strlen(s), cap, true) : NULL;
}

bool pipeline__fmt(char *out, size_t outlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, outlen, fmt, ap);
    va_end(ap);
    return n >= 0 && (size_t)n < outlen;
}

char *pipeline__printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (!s)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

void pipeline__say(char *why, size_t whylen, const char *fmt, ...)
{
    if (!why || whylen == 0)
        return;
    int n = snprintf(why, whylen, "lab: error: ");
    if (n < 0 || (size_t)n >= whylen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why + n, whylen - (size_t)n, fmt, ap);
    va_end(ap);
}

uint64_t pipeline__now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static bool not_cancel(const tg_error *e, void *ud)
{
    (void)ud;
    return !tg_error_is(e, &TG_CancelledError);
}

bool pipeline__is_cancel(const tg_error *e)
{
    if (!e)
        return false;
    if (!tg_error_is_group(e))
        return tg_error_is(e, &TG_CancelledError);
    tg_error *rest =
        tg_error_subgroup((tg_error *)e, TG_MATCH_PRED(not_cancel, NULL));
    bool only = rest == NULL;
    tg_error_unref(rest);
    return only;
}

bool pipeline__json_depth_ok(const char *s, size_t len, int max_depth)
{
    int depth = 0;
    bool in_str = false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = false;
        } else if (c == '"') {
            in_str = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth)
                return false;
        } else if (c == ']' || c == '}') {
            depth--;
        }
    }
    return true;
}

const char *pipeline__signal_name(int n)
{
    switch (n) {
    case SIGHUP:
        return "SIGHUP";
    case SIGINT:
        return "SIGINT";
    case SIGQUIT:
        return "SIGQUIT";
    case SIGILL:
        return "SIGILL";
    case SIGTRAP:
        return "SIGTRAP";
    case SIGABRT:
        return "SIGABRT";
    case SIGBUS:
        return "SIGBUS";
    case SIGFPE:
        return "SIGFPE";
    case SIGKILL:
        return "SIGKILL";
    case SIGUSR1:
        return "SIGUSR1";
    case SIGSEGV:
        return "SIGSEGV";
    case SIGUSR2:
        return "SIGUSR2";
    case SIGPIPE:
        return "SIGPIPE";
    case SIGALRM:
        return "SIGALRM";
    case SIGTERM:
        return "SIGTERM";
    case SIGSYS:
        return "SIGSYS";
    case SIGXCPU:
        return "SIGXCPU";
    case SIGXFSZ:
        return "SIGXFSZ";
    default:
        return NULL;
    }
}
