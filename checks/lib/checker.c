/*
 * checker.c -- the trusted checker: main(), the probe's frames read with
 * jansson, every (check, seed) run as one cmocka test, verdicts as JSON on
 * stdout (see checker.h and docs/grading.md, section 3).
 *
 *   checker --list            {"checks": [{"name": ..., "scenario": ...}]}
 *   checker --reports FILE    [{"check", "scenario", "seed", "passed",
 *                               "message"}, ...]   (FILE "-": stdin)
 *
 * Exit status: 0 every check passed, 1 some check failed, 2 usage, 3 the
 * reports could not be read.
 *
 * Frames are size-capped and checked before use: a frame that is cut
 * short, malformed, or not what its marker says is that run's failure
 * ("bad-report"), never the whole batch's.  cmocka writes its own chatter
 * to stdout; while the tests run, stdout is pointed at stderr, and the
 * verdicts go to the original stdout at the end.
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "checker.h"

enum {
    REPORTS_CAP = 64 << 20, /* the whole reports file */
    FRAME_CAP = 16 << 20,   /* one frame's JSON line */
    SHOW_CAP = 300,         /* longest string quoted in a message */
    OUTPUT_LINES = 6,       /* lines of a crashed run's output shown */
};

struct checker_obs {
    const char *scenario;
    uint64_t seed;
    json_t *frame; /* the frame object, or NULL when malformed */
    const json_t *obs;
    const char *status;  /* "ok", "crashed", "timeout", "bad-report" */
    const char *problem; /* why a frame is bad-report, when we decided */
};

typedef struct verdict {
    const checker_check *check;
    checker_obs *run; /* NULL: no frame for the scenario */
    bool passed;
    char *message;
} verdict;

static verdict *current;

/* ---- strings that live until the check ends ---------------------------- */

typedef struct pooled {
    struct pooled *next;
    char s[];
} pooled;

static pooled *pool;

static void pool_clear(void)
{
    while (pool) {
        pooled *next = pool->next;
        free(pool);
        pool = next;
    }
}

static char *pool_alloc(size_t len)
{
    pooled *p = malloc(sizeof *p + len + 1);
    if (!p) {
        fputs("checker: out of memory\n", stderr);
        exit(3);
    }
    p->next = pool;
    pool = p;
    p->s[0] = '\0';
    return p->s;
}

static char *pool_vprintf(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        n = 0;
    char *s = pool_alloc((size_t)n);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

static char *pool_printf(const char *fmt, ...) CHECKER_PRINTF(1, 2);
static char *pool_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = pool_vprintf(fmt, ap);
    va_end(ap);
    return s;
}

const char *checker_path(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = pool_vprintf(fmt, ap);
    va_end(ap);
    return s;
}

/* A growable string for outlines and messages. */
typedef struct sbuf {
    char *s;
    size_t len, cap;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *grown = realloc(b->s, cap);
        if (!grown) {
            fputs("checker: out of memory\n", stderr);
            exit(3);
        }
        b->s = grown;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_str(sbuf *b, const char *s)
{
    sb_add(b, s, strlen(s));
}

/* Moves b's text into the pool. */
static const char *sb_pool(sbuf *b)
{
    char *s = pool_alloc(b->len);
    if (b->len)
        memcpy(s, b->s, b->len + 1);
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
    return s;
}

/* Cuts s at max bytes without splitting a UTF-8 sequence. */
static size_t utf8_cut(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    return max;
}

/* ---- failing --------------------------------------------------------------
 */

/* Ends the current check with message (copied). */
static void fail_with(const char *message, const char *file, int line)
{
    free(current->message);
    current->message = strdup(message);
    _fail(file, line); /* longjmps back into cmocka */
}

/*
 * The message of a failed CHECK_*: the author's text, printf'd, with
 * {actual} and {expected} replaced by the values in words; without
 * {actual}, "(expected E, got A)" is appended (or "(got A)" when expected
 * is NULL).
 */
static void fail_fmt(const char *file, int line, const char *expected,
                     const char *actual, const char *fmt, va_list ap)
{
    char *authored = pool_vprintf(fmt, ap);
    sbuf b = {0};
    bool had_actual = false;
    for (const char *s = authored; *s;) {
        if (strncmp(s, "{actual}", 8) == 0) {
            sb_str(&b, actual ? actual : "nothing");
            had_actual = true;
            s += 8;
        } else if (strncmp(s, "{expected}", 10) == 0) {
            sb_str(&b, expected ? expected : "nothing");
            s += 10;
        } else {
            sb_add(&b, s, 1);
            s++;
        }
    }
    if (!had_actual && actual) {
        bool multiline =
            strchr(actual, '\n') || (expected && strchr(expected, '\n'));
        if (multiline) {
            if (expected) {
                sb_str(&b, "\nExpected:\n");
                sb_str(&b, expected);
            }
            sb_str(&b, "\nGot:\n");
            sb_str(&b, actual);
        } else if (expected) {
            sb_str(&b, " (expected ");
            sb_str(&b, expected);
            sb_str(&b, ", got ");
            sb_str(&b, actual);
            sb_str(&b, ")");
        } else {
            sb_str(&b, " (got ");
            sb_str(&b, actual);
            sb_str(&b, ")");
        }
    }
    const char *msg = sb_pool(&b);
    fail_with(msg, file, line);
}

static void internal_missing(const char *path, const char *what)
{
    const char *msg = pool_printf(
        "This check could not read '%s' from the run's observations (%s). "
        "That is a mismatch between this exercise's probe and its checks, "
        "not something in your code: please tell your instructor.",
        path, what);
    fail_with(msg, "checker.c", 0);
}

/* ---- paths ------------------------------------------------------------- */

static const json_t *lookup(const json_t *root, const char *path)
{
    if (!path)
        return NULL;
    const json_t *v = root;
    char part[256];
    while (v && *path) {
        const char *dot = strchr(path, '.');
        size_t n = dot ? (size_t)(dot - path) : strlen(path);
        if (n >= sizeof part)
            return NULL;
        memcpy(part, path, n);
        part[n] = '\0';
        if (json_is_object(v)) {
            v = json_object_get(v, part);
        } else if (json_is_array(v)) {
            char *end;
            errno = 0;
            unsigned long i = strtoul(part, &end, 10);
            v = (*part && !*end && !errno) ? json_array_get(v, i) : NULL;
        } else {
            return NULL;
        }
        path += n + (dot ? 1 : 0);
    }
    return v;
}

static const json_t *need(const checker_obs *o, const char *path)
{
    const json_t *v = lookup(o->obs, path);
    if (!v)
        internal_missing(path ? path : "(no path)", "it was not recorded");
    return v;
}

const char *obs_scenario(const checker_obs *o)
{
    return o->scenario;
}

uint64_t obs_seed(const checker_obs *o)
{
    return o->seed;
}

bool obs_has(const checker_obs *o, const char *path)
{
    return lookup(o->obs, path) != NULL;
}

bool obs_is_null(const checker_obs *o, const char *path)
{
    return json_is_null(need(o, path));
}

long long obs_int(const checker_obs *o, const char *path)
{
    const json_t *v = need(o, path);
    if (!json_is_integer(v))
        internal_missing(path, "it is not an integer");
    return (long long)json_integer_value(v);
}

long long obs_int_or(const checker_obs *o, const char *path, long long dflt)
{
    const json_t *v = lookup(o->obs, path);
    return json_is_integer(v) ? (long long)json_integer_value(v) : dflt;
}

bool obs_bool(const checker_obs *o, const char *path)
{
    const json_t *v = need(o, path);
    if (!json_is_boolean(v))
        internal_missing(path, "it is not a boolean");
    return json_is_true(v);
}

const char *obs_str(const checker_obs *o, const char *path)
{
    const json_t *v = need(o, path);
    if (json_is_null(v))
        return NULL;
    if (!json_is_string(v))
        internal_missing(path, "it is not a string");
    return json_string_value(v);
}

size_t obs_len(const checker_obs *o, const char *path)
{
    const json_t *v = lookup(o->obs, path);
    if (json_is_array(v))
        return json_array_size(v);
    if (json_is_object(v))
        return json_object_size(v);
    return 0;
}

/* ---- values in words ------------------------------------------------------
 */

static const char *quote(const char *s)
{
    if (!s)
        return "NULL";
    size_t len = strlen(s);
    size_t cut = utf8_cut(s, len, SHOW_CAP);
    return pool_printf("\"%.*s%s\"", (int)cut, s, cut < len ? "..." : "");
}

static bool is_error_tree(const json_t *v)
{
    return json_is_object(v) && json_is_string(json_object_get(v, "type")) &&
           json_object_get(v, "is");
}

/* "Type: message", or "Type" for an empty message, as Python prints. */
static const char *error_line(const json_t *t)
{
    const char *type = json_string_value(json_object_get(t, "type"));
    const char *msg = json_string_value(json_object_get(t, "message"));
    if (!msg || !*msg)
        return type ? type : "?";
    size_t len = strlen(msg);
    size_t cut = utf8_cut(msg, len, SHOW_CAP);
    return pool_printf("%s: %.*s%s", type ? type : "?", (int)cut, msg,
                       cut < len ? "..." : "");
}

static const char *describe_error(const json_t *t)
{
    if (json_is_null(t))
        return "NULL";
    const json_t *members = json_object_get(t, "members");
    if (json_is_array(members)) {
        size_t n = json_array_size(members);
        return pool_printf("%s (a group of %zu)", error_line(t), n);
    }
    return error_line(t);
}

static const char *describe(const json_t *v)
{
    if (!v || json_is_null(v))
        return "NULL";
    if (json_is_string(v))
        return quote(json_string_value(v));
    if (json_is_integer(v))
        return pool_printf("%" JSON_INTEGER_FORMAT, json_integer_value(v));
    if (json_is_boolean(v))
        return json_is_true(v) ? "true" : "false";
    if (is_error_tree(v))
        return describe_error(v);
    char *text = json_dumps(v, JSON_COMPACT);
    const char *s = quote(text ? text : "?");
    free(text);
    return s;
}

const char *obs_describe(const checker_obs *o, const char *path)
{
    return describe(need(o, path));
}

/* ---- error trees ----------------------------------------------------------
 */

static const json_t *need_tree(const checker_obs *o, const char *path)
{
    const json_t *v = need(o, path);
    if (!json_is_null(v) && !is_error_tree(v))
        internal_missing(path, "it is not an error tree");
    return v;
}

const char *obs_error_type(const checker_obs *o, const char *path)
{
    const json_t *t = need_tree(o, path);
    return json_is_null(t) ? NULL
                           : json_string_value(json_object_get(t, "type"));
}

static bool tree_is(const json_t *t, const char *type)
{
    const json_t *is = json_object_get(t, "is");
    size_t i;
    const json_t *name;
    json_array_foreach(is, i, name)
    {
        if (json_is_string(name) && strcmp(json_string_value(name), type) == 0)
            return true;
    }
    return false;
}

bool obs_error_is(const checker_obs *o, const char *path, const char *type)
{
    const json_t *t = need_tree(o, path);
    return !json_is_null(t) && tree_is(t, type);
}

long long obs_error_id(const checker_obs *o, const char *path)
{
    const json_t *t = need_tree(o, path);
    return json_is_null(t)
               ? 0
               : (long long)json_integer_value(json_object_get(t, "id"));
}

static size_t leaves(const json_t *t)
{
    const json_t *members = json_object_get(t, "members");
    if (!json_is_array(members))
        return 1;
    size_t n = 0, i;
    const json_t *m;
    json_array_foreach(members, i, m)
    {
        n += leaves(m);
    }
    return n;
}

size_t obs_error_leaf_count(const checker_obs *o, const char *path)
{
    const json_t *t = need_tree(o, path);
    return json_is_null(t) ? 0 : leaves(t);
}

static bool str_match(const json_t *v, const char *want);

static const char *find_in(const json_t *t, const char *path, const char *type,
                           const char *message, int depth)
{
    if (!is_error_tree(t) || depth > 64)
        return NULL;
    if (tree_is(t, type) &&
        (!message || str_match(json_object_get(t, "message"), message)))
        return path;
    const json_t *members = json_object_get(t, "members");
    size_t i;
    const json_t *m;
    json_array_foreach(members, i, m)
    {
        const char *found = find_in(m, pool_printf("%s.members.%zu", path, i),
                                    type, message, depth + 1);
        if (found)
            return found;
    }
    return NULL;
}

const char *obs_error_find(const checker_obs *o, const char *path,
                           const char *type, const char *message)
{
    return find_in(need_tree(o, path), path, type, message, 0);
}

static void outline(sbuf *b, const json_t *t, const char *lead,
                    const char *cont, int depth)
{
    sb_str(b, lead);
    sb_str(b, error_line(t));
    sb_str(b, "\n");
    const json_t *notes = json_object_get(t, "notes");
    size_t i;
    const json_t *v;
    json_array_foreach(notes, i, v)
    {
        sb_str(b, cont);
        sb_str(b, "(note: ");
        sb_str(b, json_is_string(v) ? json_string_value(v) : "?");
        sb_str(b, ")\n");
    }
    const json_t *members = json_object_get(t, "members");
    if (!json_is_array(members))
        return;
    if (depth >= 32) {
        sb_str(b, cont);
        sb_str(b, "+-- ...\n");
        return;
    }
    size_t n = json_array_size(members);
    json_array_foreach(members, i, v)
    {
        bool last = i + 1 == n;
        const char *child_lead = pool_printf("%s+-- ", cont);
        const char *child_cont =
            pool_printf("%s%s", cont, last ? "    " : "|   ");
        outline(b, v, child_lead, child_cont, depth + 1);
    }
}

static const char *tree_outline(const json_t *t)
{
    if (json_is_null(t))
        return "NULL";
    sbuf b = {0};
    outline(&b, t, "", "", 0);
    while (b.len && b.s[b.len - 1] == '\n')
        b.s[--b.len] = '\0';
    return sb_pool(&b);
}

const char *obs_outline(const checker_obs *o, const char *path)
{
    return tree_outline(need_tree(o, path));
}

/* Indents every line of s by four spaces, for messages. */
static const char *indent(const char *s)
{
    sbuf b = {0};
    sb_str(&b, "    ");
    for (; *s; s++) {
        sb_add(&b, s, 1);
        if (*s == '\n')
            sb_str(&b, "    ");
    }
    return sb_pool(&b);
}

/* ---- the call log ----------------------------------------------------------
 */

static bool str_match(const json_t *v, const char *want)
{
    if (!want)
        return true;
    return json_is_string(v) && strcmp(json_string_value(v), want) == 0;
}

static const json_t *call_items(const checker_obs *o, const char *calls_path)
{
    const json_t *items = lookup(need(o, calls_path), "items");
    if (!json_is_array(items))
        internal_missing(calls_path, "it is not a call log");
    return items;
}

static bool call_matches(const json_t *c, const char *service,
                         const char *input, const char *outcome)
{
    return str_match(json_object_get(c, "service"), service) &&
           str_match(json_object_get(c, "input"), input) &&
           str_match(json_object_get(c, "outcome"), outcome);
}

size_t obs_calls_count(const checker_obs *o, const char *calls_path,
                       const char *service, const char *input,
                       const char *outcome)
{
    const json_t *items = call_items(o, calls_path);
    size_t n = 0, i;
    const json_t *c;
    json_array_foreach(items, i, c)
    {
        n += call_matches(c, service, input, outcome);
    }
    return n;
}

long obs_calls_find(const checker_obs *o, const char *calls_path,
                    const char *service, const char *input, const char *outcome)
{
    const json_t *items = call_items(o, calls_path);
    size_t i;
    const json_t *c;
    json_array_foreach(items, i, c)
    {
        if (call_matches(c, service, input, outcome))
            return (long)i;
    }
    return -1;
}

long long obs_calls_last_end(const checker_obs *o, const char *calls_path,
                             const char *service)
{
    const json_t *items = call_items(o, calls_path);
    long long last = -1;
    size_t i;
    const json_t *c;
    json_array_foreach(items, i, c)
    {
        if (!call_matches(c, service, NULL, NULL) ||
            str_match(json_object_get(c, "outcome"), "running"))
            continue;
        long long end =
            (long long)json_integer_value(json_object_get(c, "end"));
        if (end > last)
            last = end;
    }
    return last;
}

/* ---- the checks behind the macros ---------------------------------------- */

void checker__check(const checker_obs *o, bool cond, const char *file, int line,
                    const char *fmt, ...)
{
    (void)o;
    if (cond)
        return;
    va_list ap;
    va_start(ap, fmt);
    fail_fmt(file, line, NULL, NULL, fmt, ap);
    va_end(ap);
}

void checker__int_eq(const checker_obs *o, const char *path, long long expected,
                     const char *file, int line, const char *fmt, ...)
{
    const json_t *v = need(o, path);
    if (json_is_integer(v) && json_integer_value(v) == expected)
        return;
    va_list ap;
    va_start(ap, fmt);
    fail_fmt(file, line, pool_printf("%lld", expected), describe(v), fmt, ap);
    va_end(ap);
}

void checker__int_range(const checker_obs *o, const char *path, long long lo,
                        long long hi, const char *file, int line,
                        const char *fmt, ...)
{
    const json_t *v = need(o, path);
    if (json_is_integer(v) && json_integer_value(v) >= lo &&
        json_integer_value(v) <= hi)
        return;
    va_list ap;
    va_start(ap, fmt);
    fail_fmt(file, line, pool_printf("between %lld and %lld", lo, hi),
             describe(v), fmt, ap);
    va_end(ap);
}

void checker__value_eq(const checker_obs *o, long long actual,
                       long long expected, const char *file, int line,
                       const char *fmt, ...)
{
    (void)o;
    if (actual == expected)
        return;
    va_list ap;
    va_start(ap, fmt);
    fail_fmt(file, line, pool_printf("%lld", expected),
             pool_printf("%lld", actual), fmt, ap);
    va_end(ap);
}

void checker__bool_eq(const checker_obs *o, const char *path, bool expected,
                      const char *file, int line, const char *fmt, ...)
{
    const json_t *v = need(o, path);
    if (json_is_boolean(v) && json_is_true(v) == expected)
        return;
    va_list ap;
    va_start(ap, fmt);
    fail_fmt(file, line, expected ? "true" : "false", describe(v), fmt, ap);
    va_end(ap);
}

void checker__str_eq(const checker_obs *o, const char *path,
                     const char *expected, const char *file, int line,
                     const char *fmt, ...)
{
    const json_t *v = need(o, path);
    if (expected
            ? json_is_string(v) && strcmp(json_string_value(v), expected) == 0
            : json_is_null(v))
        return;
    va_list ap;
    va_start(ap, fmt);
    fail_fmt(file, line, quote(expected), describe(v), fmt, ap);
    va_end(ap);
}

void checker__null(const checker_obs *o, const char *path, bool want_null,
                   const char *file, int line, const char *fmt, ...)
{
    const json_t *v = need(o, path);
    if (json_is_null(v) == want_null)
        return;
    va_list ap;
    va_start(ap, fmt);
    /* Wanting a value and getting NULL needs no "(got NULL)". */
    fail_fmt(file, line, want_null ? "NULL" : "something other than NULL",
             want_null ? describe(v) : NULL, fmt, ap);
    va_end(ap);
}

void checker__error_type(const checker_obs *o, const char *path,
                         const char *type, bool is_a, const char *file,
                         int line, const char *fmt, ...)
{
    const json_t *t = need_tree(o, path);
    if (!json_is_null(t)) {
        const char *own = json_string_value(json_object_get(t, "type"));
        if (is_a ? tree_is(t, type) : strcmp(own, type) == 0)
            return;
    }
    va_list ap;
    va_start(ap, fmt);
    fail_fmt(file, line,
             pool_printf(is_a ? "an error that is a %s" : "a %s", type),
             describe_error(t), fmt, ap);
    va_end(ap);
}

void checker__error_message(const checker_obs *o, const char *path,
                            const char *message, const char *file, int line,
                            const char *fmt, ...)
{
    const json_t *t = need_tree(o, path);
    const char *msg = json_is_null(t)
                          ? NULL
                          : json_string_value(json_object_get(t, "message"));
    if (msg && strcmp(msg, message) == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    fail_fmt(file, line, quote(message),
             json_is_null(t) ? "NULL (no error)" : quote(msg), fmt, ap);
    va_end(ap);
}

/* Drops trailing newlines, for comparing outlines. */
static const char *trim_end(const char *s)
{
    size_t len = strlen(s);
    while (len && s[len - 1] == '\n')
        len--;
    char *t = pool_alloc(len);
    memcpy(t, s, len);
    t[len] = '\0';
    return t;
}

void checker__tree(const checker_obs *o, const char *path, const char *want,
                   const char *file, int line, const char *fmt, ...)
{
    const char *got = tree_outline(need_tree(o, path));
    const char *expected = want ? trim_end(want) : "NULL";
    if (strcmp(got, expected) == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    fail_fmt(file, line, indent(expected), indent(got), fmt, ap);
    va_end(ap);
}

void checker__same_error(const checker_obs *o, const char *path_a,
                         const char *path_b, const char *file, int line,
                         const char *fmt, ...)
{
    const json_t *a = need_tree(o, path_a), *b = need_tree(o, path_b);
    if (!json_is_null(a) && !json_is_null(b) &&
        json_integer_value(json_object_get(a, "id")) ==
            json_integer_value(json_object_get(b, "id")))
        return;
    const char *actual;
    if (json_is_null(a))
        actual = "NULL";
    else if (json_is_null(b))
        actual = pool_printf("%s, but the other is NULL", describe_error(a));
    else
        actual = pool_printf("a different object: %s", describe_error(a));
    va_list ap;
    va_start(ap, fmt);
    fail_fmt(file, line,
             pool_printf("the very same object, %s", describe_error(b)), actual,
             fmt, ap);
    va_end(ap);
}

void checker__no_leaks(const checker_obs *o, const char *what, const char *file,
                       int line)
{
    long long errors = obs_int(o, "leaks.errors");
    long long bytes = obs_int_or(o, "leaks.bytes", 0); /* null: unknown */
    long long tasks = obs_int(o, "leaks.tasks");
    long long groups = obs_int(o, "leaks.groups");
    const char *msg = NULL;
    if (groups > 0)
        msg = pool_printf(
            "%lld task group%s made during %s %s never freed. Every "
            "tg_group_new needs a tg_group_wait and then a tg_group_free "
            "before the function returns.",
            groups, groups == 1 ? "" : "s", what, groups == 1 ? "was" : "were");
    else if (tasks > 0)
        msg = pool_printf(
            "%lld task%s %s still alive after %s returned. Wait for "
            "the group (tg_group_wait) and free it (tg_group_free) before "
            "returning.",
            tasks, tasks == 1 ? "" : "s", tasks == 1 ? "was" : "were", what);
    else if (errors > 0)
        msg = pool_printf(
            "%lld error object%s %s never released. After %s and its "
            "caller were done, %s still alive: every error you own must be "
            "returned, stored where the caller will release it, or "
            "released with tg_error_unref exactly once. Look at the paths "
            "where you drop an error (or take an extra tg_error_ref).",
            errors, errors == 1 ? "" : "s", errors == 1 ? "was" : "were", what,
            errors == 1 ? "it was" : "they were");
    else if (errors < 0)
        msg = pool_printf(
            "%lld error object%s %s released once too often during %s: an "
            "error you do not own (one you returned, stored, or borrowed "
            "from a group) was passed to tg_error_unref.",
            -errors, errors == -1 ? "" : "s", errors == -1 ? "was" : "were",
            what);
    else if (bytes > 0)
        msg = pool_printf(
            "%lld byte%s of memory allocated during %s %s never freed. "
            "Look for a string from a service or from copy_str that is "
            "dropped or overwritten on some path, or a malloc without its "
            "free.",
            bytes, bytes == 1 ? "" : "s", what, bytes == 1 ? "was" : "were");
    if (msg)
        fail_with(msg, file, line);
}

/* ---- runs that did not report -------------------------------------------- */

static const char *signal_words(int sig)
{
    switch (sig) {
    case 11:
        return "SIGSEGV (a bad pointer: memory that is not yours, "
               "NULL, or already freed)";
    case 7:
        return "SIGBUS (a bad memory access)";
    case 6:
        return "SIGABRT (abort() was called: a failed assert, memory "
               "freed twice, or libtg stopping a misuse -- the output "
               "below says which)";
    case 8:
        return "SIGFPE (an arithmetic error, such as a division by "
               "zero)";
    case 4:
        return "SIGILL (an illegal instruction, often undefined "
               "behaviour that the compiler trapped)";
    case 5:
        return "SIGTRAP (a trap, often undefined behaviour that the "
               "compiler trapped)";
    case 9:
        return "SIGKILL (killed from outside, usually for going over a "
               "memory or process limit)";
    case 24:
        return "SIGXCPU (it used too much CPU time)";
    case 25:
        return "SIGXFSZ (it wrote too much)";
    case 13:
        return "SIGPIPE (it wrote to a closed pipe)";
    case 31:
        return "SIGSYS (a system call the sandbox does not allow)";
    default:
        break;
    }
    return pool_printf("signal %d", sig);
}

/* The last few lines of the run's output, indented, or "". */
static const char *output_tail(const checker_obs *o)
{
    const json_t *err = o->frame ? json_object_get(o->frame, "stderr") : NULL;
    const char *s = json_is_string(err) ? json_string_value(err) : "";
    size_t len = strlen(s);
    while (len && s[len - 1] == '\n')
        len--;
    if (len == 0)
        return "";
    size_t start = len;
    int lines = 0;
    while (start > 0 && lines < OUTPUT_LINES) {
        start--;
        if (s[start] == '\n' && ++lines == OUTPUT_LINES) {
            start++;
            break;
        }
    }
    if (len - start > 1200)
        start = len - 1200;
    while (start < len && ((unsigned char)s[start] & 0xC0) == 0x80)
        start++;
    char *tail = pool_alloc(len - start);
    memcpy(tail, s + start, len - start);
    tail[len - start] = '\0';
    return pool_printf("\nThe end of its output:\n%s", indent(tail));
}

static const char *run_failure(const checker_obs *o)
{
    const json_t *f = o->frame;
    long long sig =
        f ? (long long)json_integer_value(json_object_get(f, "signal")) : 0;
    long long code =
        f ? (long long)json_integer_value(json_object_get(f, "exit")) : 0;
    long long timeout =
        f ? (long long)json_integer_value(json_object_get(f, "timeout_ms")) : 0;
    const char *why;
    if (strcmp(o->status, "crashed") == 0 && sig > 0)
        why = pool_printf("This run crashed with %s before it could report.",
                          signal_words((int)sig));
    else if (strcmp(o->status, "crashed") == 0)
        why = pool_printf(
            "This run stopped with exit status %lld before it could report%s.",
            code,
            code == 1 ? " (with sanitizers on, that is how a memory error "
                        "ends: its report is in the output)"
                      : " (did your code call exit()?)");
    else if (strcmp(o->status, "timeout") == 0)
        why = pool_printf(
            "This run did not finish %s (real time: virtual time does not "
            "count). Look for a loop that never ends, or a wait for "
            "something that never comes.",
            timeout > 0 ? pool_printf("within %lld ms", timeout) : "in time");
    else
        why = pool_printf(
            "This run ended without a readable report%s%s. Did your code "
            "call exit(), or write over memory it does not own?",
            o->problem ? ": " : "", o->problem ? o->problem : "");
    /* Whoever wrote the frame (the runner, when it made one up for a run
     * the probe did not report) may say more in "note". */
    const json_t *note = f ? json_object_get(f, "note") : NULL;
    if (json_is_string(note) && *json_string_value(note))
        why = pool_printf("%s (%s)", why, json_string_value(note));
    return pool_printf("%s%s", why, output_tail(o));
}

/* ---- reading the frames -----------------------------------------------------
 */

typedef struct runs {
    checker_obs *items;
    size_t n, cap;
} runs;

static checker_obs *find_run(runs *rs, const char *scenario, uint64_t seed)
{
    for (size_t i = 0; i < rs->n; i++)
        if (rs->items[i].seed == seed &&
            strcmp(rs->items[i].scenario, scenario) == 0)
            return &rs->items[i];
    return NULL;
}

static void add_run(runs *rs, const char *name, size_t name_len, uint64_t seed,
                    json_t *frame, const char *problem)
{
    char *scenario = strndup(name, name_len);
    if (!scenario || find_run(rs, scenario, seed)) {
        free(scenario); /* the first frame of a run wins */
        json_decref(frame);
        return;
    }
    if (rs->n == rs->cap) {
        size_t cap = rs->cap ? rs->cap * 2 : 16;
        checker_obs *items = realloc(rs->items, cap * sizeof *items);
        if (!items) {
            fputs("checker: out of memory\n", stderr);
            exit(3);
        }
        rs->items = items;
        rs->cap = cap;
    }
    checker_obs *o = &rs->items[rs->n++];
    memset(o, 0, sizeof *o);
    o->scenario = scenario;
    o->seed = seed;
    o->frame = frame;
    o->status = "bad-report";
    o->problem = problem;
    if (!frame)
        return;
    /* Believe the frame only when it is what its marker says. */
    const json_t *st = json_object_get(frame, "status");
    const json_t *sc = json_object_get(frame, "scenario");
    const json_t *sd = json_object_get(frame, "seed");
    const json_t *obs = json_object_get(frame, "obs");
    if (!json_is_string(sc) || strcmp(json_string_value(sc), scenario) != 0 ||
        !json_is_integer(sd) || (uint64_t)json_integer_value(sd) != seed ||
        !json_is_string(st)) {
        o->problem = "its frame does not match its marker";
        return;
    }
    static const char *const statuses[] = {"ok", "crashed", "timeout",
                                           "bad-report"};
    for (size_t i = 0; i < 4; i++)
        if (strcmp(json_string_value(st), statuses[i]) == 0)
            o->status = statuses[i];
    if (strcmp(o->status, "ok") == 0) {
        if (json_is_object(obs)) {
            o->obs = obs;
        } else {
            o->status = "bad-report";
            o->problem = "it has no observations";
        }
    }
}

/* Parses "@@tglab-frame-begin NAME:SEED@@". */
static bool parse_begin(const char *line, size_t len, const char **name,
                        size_t *name_len, uint64_t *seed)
{
    static const char begin[] = "@@tglab-frame-begin ";
    size_t blen = sizeof begin - 1;
    if (len < blen + 5 || memcmp(line, begin, blen) != 0 ||
        memcmp(line + len - 2, "@@", 2) != 0)
        return false;
    const char *s = line + blen, *end = line + len - 2;
    const char *colon = NULL;
    for (const char *p = s; p < end; p++)
        if (*p == ':')
            colon = p;
    if (!colon || colon == s || colon + 1 == end)
        return false;
    for (const char *p = s; p < colon; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
            return false;
    uint64_t v = 0;
    for (const char *p = colon + 1; p < end; p++) {
        if (*p < '0' || *p > '9' || v > (UINT64_MAX - 9) / 10)
            return false;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    *name = s;
    *name_len = (size_t)(colon - s);
    *seed = v;
    return true;
}

static bool is_end(const char *line, size_t len)
{
    return len == 19 && memcmp(line, "@@tglab-frame-end@@", 19) == 0;
}

static void parse_reports(const char *buf, size_t len, runs *rs)
{
    const char *p = buf, *end = buf + len;
    /* A frame in progress. */
    const char *name = NULL;
    size_t name_len = 0;
    uint64_t seed = 0;
    const char *json = NULL;
    size_t json_len = 0;
    enum { OUTSIDE, WANT_JSON, WANT_END } state = OUTSIDE;

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        const char *line = p;
        p = nl ? nl + 1 : end;

        const char *bname;
        size_t bname_len;
        uint64_t bseed;
        bool begin = parse_begin(line, n, &bname, &bname_len, &bseed);
        if (begin && state != OUTSIDE) /* the previous frame never ended */
            add_run(rs, name, name_len, seed, NULL, "its frame was cut short");
        if (begin) {
            name = bname;
            name_len = bname_len;
            seed = bseed;
            state = WANT_JSON;
            continue;
        }
        if (state == WANT_JSON) {
            if (is_end(line, n)) {
                add_run(rs, name, name_len, seed, NULL, "its frame is empty");
                state = OUTSIDE;
            } else {
                json = line;
                json_len = n;
                state = WANT_END;
            }
        } else if (state == WANT_END) {
            if (!is_end(line, n)) {
                add_run(rs, name, name_len, seed, NULL,
                        "its frame is malformed");
                state = OUTSIDE;
                continue;
            }
            json_t *frame = NULL;
            if (json_len <= FRAME_CAP)
                frame = json_loadb(json, json_len, 0, NULL);
            if (!json_is_object(frame)) {
                json_decref(frame);
                add_run(rs, name, name_len, seed, NULL,
                        json_len > FRAME_CAP ? "its frame is too large"
                                             : "its frame is not valid JSON");
            } else {
                add_run(rs, name, name_len, seed, frame, NULL);
            }
            state = OUTSIDE;
        }
    }
    if (state != OUTSIDE)
        add_run(rs, name, name_len, seed, NULL, "its frame was cut short");
}

static char *read_reports(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "checker: cannot open %s: %s\n", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n == cap) {
            if (cap >= REPORTS_CAP) {
                fprintf(stderr,
                        "checker: %s is larger than %d MiB; the "
                        "rest is ignored\n",
                        path, REPORTS_CAP >> 20);
                break;
            }
            char *grown = realloc(buf, cap * 2);
            if (!grown) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = grown;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (f != stdin)
        fclose(f);
    if (!buf)
        fputs("checker: out of memory\n", stderr);
    *len = n;
    return buf;
}

/* ---- running the checks
 * ------------------------------------------------------ */

static void check_one_run(void **state)
{
    verdict *v = *state;
    current = v;
    pool_clear();
    if (strcmp(v->run->status, "ok") != 0)
        fail_with(run_failure(v->run), __FILE__, __LINE__);
    v->check->run(v->run);
    v->passed = true;
}

static int compare_seeds(const void *a, const void *b)
{
    uint64_t x = (*(checker_obs *const *)a)->seed;
    uint64_t y = (*(checker_obs *const *)b)->seed;
    return x < y ? -1 : x > y;
}

/* Replaces invalid UTF-8 so that jansson takes the message. */
static json_t *message_json(const char *s)
{
    if (!s)
        return json_null();
    json_t *j = json_string(s);
    if (j)
        return j;
    char *copy = strdup(s);
    for (char *c = copy; c && *c; c++)
        if ((unsigned char)*c >= 0x80)
            *c = '?';
    j = json_string(copy ? copy : "");
    free(copy);
    return j;
}

static int list_checks(void)
{
    json_t *checks = json_array();
    for (const checker_check *c = CHECKER_CHECKS; c->name; c++)
        json_array_append_new(checks, json_pack("{s:s, s:s}", "name", c->name,
                                                "scenario", c->scenario));
    json_t *doc = json_pack("{s:o}", "checks", checks);
    char *text = json_dumps(doc, JSON_COMPACT);
    puts(text ? text : "{}");
    free(text);
    json_decref(doc);
    return 0;
}

static int check_reports(const char *path)
{
    size_t len;
    char *buf = read_reports(path, &len);
    if (!buf)
        return 3;
    runs rs = {0};
    parse_reports(buf, len, &rs);

    /* One verdict per (check, seed of its scenario), in check order. */
    size_t nverdicts = 0, cap = 16;
    verdict *verdicts = calloc(cap, sizeof *verdicts);
    checker_obs **mine = calloc(rs.n + 1, sizeof *mine);
    for (const checker_check *c = CHECKER_CHECKS; verdicts && mine && c->name;
         c++) {
        size_t k = 0;
        for (size_t i = 0; i < rs.n; i++)
            if (strcmp(rs.items[i].scenario, c->scenario) == 0)
                mine[k++] = &rs.items[i];
        qsort(mine, k, sizeof *mine, compare_seeds);
        for (size_t i = 0; i < (k ? k : 1); i++) {
            if (nverdicts == cap) {
                verdict *grown = realloc(verdicts, 2 * cap * sizeof *grown);
                if (!grown)
                    break;
                verdicts = grown;
                cap *= 2;
            }
            verdicts[nverdicts++] =
                (verdict){.check = c, .run = k ? mine[i] : NULL};
        }
    }
    if (!verdicts || !mine) {
        fputs("checker: out of memory\n", stderr);
        return 3;
    }

    /* cmocka talks on stdout: give it stderr, keep stdout for verdicts. */
    fflush(stdout);
    int verdict_fd = dup(STDOUT_FILENO);
    dup2(STDERR_FILENO, STDOUT_FILENO);

    struct CMUnitTest *tests = calloc(nverdicts + 1, sizeof *tests);
    size_t ntests = 0;
    for (size_t i = 0; tests && i < nverdicts; i++) {
        verdict *v = &verdicts[i];
        if (!v->run) {
            v->message = strdup(pool_printf(
                "No run of scenario '%s' was reported, so this check could "
                "not run (the probe was not asked to run it, or it stopped "
                "early). This is a problem with the lab, not your code.",
                v->check->scenario));
            continue;
        }
        tests[ntests++] = (struct CMUnitTest){
            .name = strdup(
                pool_printf("%s@%" PRIu64, v->check->name, v->run->seed)),
            .test_func = check_one_run,
            .initial_state = v,
        };
    }
    if (ntests)
        _cmocka_run_group_tests("checks", tests, ntests, NULL, NULL);
    pool_clear();
    fflush(stdout);

    json_t *out = json_array();
    bool all_passed = true;
    for (size_t i = 0; i < nverdicts; i++) {
        verdict *v = &verdicts[i];
        all_passed = all_passed && v->passed;
        json_t *j = json_object();
        json_object_set_new(j, "check", json_string(v->check->name));
        json_object_set_new(j, "scenario", json_string(v->check->scenario));
        json_object_set_new(j, "seed",
                            v->run ? json_integer((json_int_t)v->run->seed)
                                   : json_null());
        if (!v->passed && !v->message) /* the check itself broke down */
            v->message = strdup(
                "This check stopped before it could say why (a fault in the "
                "lab's checks, not in your code): please tell your "
                "instructor.");
        json_object_set_new(j, "passed", json_boolean(v->passed));
        json_object_set_new(j, "message",
                            message_json(v->passed ? NULL : v->message));
        json_array_append_new(out, j);
    }
    char *text = json_dumps(out, JSON_COMPACT);
    json_decref(out);
    FILE *vf = fdopen(verdict_fd, "w");
    if (!vf || !text) {
        fputs("checker: cannot write the verdicts\n", stderr);
        return 3;
    }
    fprintf(vf, "%s\n", text);
    fclose(vf);
    free(text);

    for (size_t i = 0; i < ntests; i++)
        free((char *)tests[i].name);
    free(tests);
    for (size_t i = 0; i < nverdicts; i++)
        free(verdicts[i].message);
    free(verdicts);
    free(mine);
    for (size_t i = 0; i < rs.n; i++) {
        free((char *)rs.items[i].scenario);
        json_decref(rs.items[i].frame);
    }
    free(rs.items);
    free(buf);
    return all_passed ? 0 : 1;
}

static void usage(FILE *to)
{
    fputs("usage: checker --list\n"
          "       checker --reports FILE   (FILE may be - for stdin)\n"
          "Runs this exercise's checks on the probe's frames and prints the "
          "verdicts as JSON\n(see docs/grading.md).\n",
          to);
}

int main(int argc, char **argv)
{
    if (argc == 2 &&
        (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        usage(stdout);
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "--list") == 0)
        return list_checks();
    if (argc == 3 && strcmp(argv[1], "--reports") == 0)
        return check_reports(argv[2]);
    usage(stderr);
    return 2;
}
