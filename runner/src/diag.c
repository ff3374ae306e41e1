/*
 * diag.c -- compiler diagnostics as data, and what they mean in plain
 * words.
 *
 * Parsing is line by line and forgiving: anything that is not a
 * diagnostic or a context line is counted and skipped, so an unexpected
 * line from a newer compiler costs an explanation, never the message.
 * The explanations are keyed on the stable start of GCC's (and Clang's)
 * wording; each says what the compiler means, the usual cause, and where
 * to look, since the place a C compiler points at is often just after the
 * mistake.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

void diag_list_free(diag_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].file);
        free(l->items[i].message);
        free(l->items[i].option);
        free(l->items[i].function);
    }
    free(l->items);
    *l = (diag_list){0};
}

static char *dup_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* Parses "N" at s[0..n) into *v; true when it is all digits. */
static bool parse_uint(const char *s, size_t n, unsigned *v)
{
    if (n == 0 || n > 9)
        return false;
    unsigned x = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        x = x * 10 + (unsigned)(s[i] - '0');
    }
    *v = x;
    return true;
}

/*
 * Splits the location "FILE:LINE:COL" / "FILE:LINE" / "FILE" (loc, n
 * bytes) from the right, so that a file name with a colon survives.
 */
static void split_location(const char *loc, size_t n, diag_item *d,
                           size_t *file_len)
{
    *file_len = n;
    const char *c1 = NULL;
    for (size_t i = n; i-- > 0;)
        if (loc[i] == ':') {
            c1 = loc + i;
            break;
        }
    if (!c1)
        return;
    unsigned a;
    if (!parse_uint(c1 + 1, (size_t)(loc + n - c1 - 1), &a))
        return;
    const char *c2 = NULL;
    for (const char *p = c1; p-- > loc;)
        if (*p == ':') {
            c2 = p;
            break;
        }
    unsigned b;
    if (c2 && parse_uint(c2 + 1, (size_t)(c1 - c2 - 1), &b)) {
        d->line = b;
        d->col = a;
        *file_len = (size_t)(c2 - loc);
    } else {
        d->line = a;
        *file_len = (size_t)(c1 - loc);
    }
}

static const struct {
    const char *tag;
    diag_kind kind;
    bool fatal;
} kinds[] = {
    {": fatal error: ", DIAG_ERROR, true},
    {": error: ", DIAG_ERROR, false},
    {": warning: ", DIAG_WARNING, false},
    {": note: ", DIAG_NOTE, false},
};

/* Parses one diagnostic line; false when it is not one. */
static bool parse_line(const char *line, size_t n, diag_item *d, bool *oom)
{
    const char *best = NULL;
    size_t k = 0;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        size_t tl = strlen(kinds[i].tag);
        for (const char *p = line; p + tl <= line + n; p++) {
            if (memcmp(p, kinds[i].tag, tl) == 0) {
                if (!best || p < best) {
                    best = p;
                    k = i;
                }
                break;
            }
        }
    }
    if (!best || best == line)
        return false;
    memset(d, 0, sizeof *d);
    d->kind = kinds[k].kind;
    d->fatal = kinds[k].fatal;
    size_t file_len;
    split_location(line, (size_t)(best - line), d, &file_len);
    const char *msg = best + strlen(kinds[k].tag);
    size_t mlen = (size_t)(line + n - msg);
    /* A trailing " [-Wflag]" names the option. */
    if (mlen > 4 && msg[mlen - 1] == ']') {
        const char *open = NULL;
        for (const char *p = msg + mlen - 1; p-- > msg;)
            if (*p == '[') {
                open = p;
                break;
            }
        if (open && open > msg && open[-1] == ' ' && open[1] == '-') {
            d->option = dup_n(open + 1, (size_t)(msg + mlen - 1 - open - 1));
            if (!d->option)
                *oom = true;
            mlen = (size_t)(open - 1 - msg);
        }
    }
    /* "cc1: error: ..." and "cc: fatal error: ..." have no file. */
    bool tool = (file_len == 3 && memcmp(line, "cc1", 3) == 0) ||
                (file_len == 2 && memcmp(line, "cc", 2) == 0) ||
                (file_len == 3 && memcmp(line, "gcc", 3) == 0) ||
                (file_len == 5 && memcmp(line, "clang", 5) == 0);
    if (!tool && d->line == 0 && memchr(line, ' ', file_len)) {
        /* "some words: error: ..." is prose, not a location. */
        free(d->option);
        d->option = NULL;
        return false;
    }
    d->file = tool ? NULL : dup_n(line, file_len);
    d->message = dup_n(msg, mlen);
    if ((!tool && !d->file) || !d->message)
        *oom = true;
    return true;
}

int diag_parse(const char *text, size_t len, diag_list *out)
{
    *out = (diag_list){0};
    size_t cap = 0;
    char *function = NULL;
    bool oom = false;
    const char *end = text + len;
    for (const char *p = text; p < end && !oom;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        const char *line = p;
        p = nl ? nl + 1 : end;
        if (n && line[n - 1] == '\r')
            n--;
        if (n == 0)
            continue;
        /* Context: "FILE: In function 'f':" and "FILE: At top level:". */
        const char *in_fn = NULL;
        for (const char *q = line; q + 14 <= line + n; q++)
            if (memcmp(q, ": In function ", 14) == 0) {
                in_fn = q + 14;
                break;
            }
        if (in_fn && line[n - 1] == ':') {
            free(function);
            const char *s = in_fn, *e = line + n - 1;
            if (e - s >= 2 && (*s == '\'' || *s == '`')) {
                s++;
                e--;
            }
            function = dup_n(s, (size_t)(e - s));
            if (!function)
                oom = true;
            continue;
        }
        static const char top[] = ": At top level:";
        if (n >= sizeof top - 1 &&
            memcmp(line + n - (sizeof top - 1), top, sizeof top - 1) == 0) {
            free(function);
            function = NULL;
            continue;
        }
        if ((n > 22 && memcmp(line, "In file included from ", 22) == 0) ||
            (n > 22 && memcmp(line, "                 from ", 22) == 0) ||
            line[0] == ' ') {
            continue; /* include chains, carets, source lines */
        }
        diag_item d;
        if (!parse_line(line, n, &d, &oom)) {
            out->other_lines++;
            continue;
        }
        if (function && d.kind != DIAG_NOTE) {
            d.function = strdup(function);
            if (!d.function)
                oom = true;
        }
        if (out->n == cap) {
            size_t nc = cap ? cap * 2 : 16;
            diag_item *ni = realloc(out->items, nc * sizeof *ni);
            if (!ni) {
                free(d.file);
                free(d.message);
                free(d.option);
                free(d.function);
                oom = true;
                break;
            }
            out->items = ni;
            cap = nc;
        }
        out->items[out->n++] = d;
    }
    free(function);
    if (oom) {
        diag_list_free(out);
        return -1;
    }
    return 0;
}

char *diag_quoted(const char *message, int nth)
{
    const char *p = message;
    for (int i = 0; p && *p; i++) {
        const char *open = strpbrk(p, "'`");
        if (!open)
            return NULL;
        const char *close = strchr(open + 1, '\'');
        if (!close)
            return NULL;
        if (i == nth)
            return dup_n(open + 1, (size_t)(close - open - 1));
        p = close + 1;
    }
    return NULL;
}

static bool starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool has(const char *s, const char *part)
{
    return strstr(s, part) != NULL;
}

/* tmpl with its one "%s" replaced by a (the quoted name). */
static char *fmt1(const char *tmpl, const char *a)
{
    const char *hole = strstr(tmpl, "%s");
    if (!a)
        a = "it";
    size_t n = strlen(tmpl) + strlen(a) + 1;
    char *s = malloc(n);
    if (!s)
        return NULL;
    if (!hole) {
        memcpy(s, tmpl, strlen(tmpl) + 1);
        return s;
    }
    size_t pre = (size_t)(hole - tmpl);
    memcpy(s, tmpl, pre);
    memcpy(s + pre, a, strlen(a));
    memcpy(s + pre + strlen(a), hole + 2, strlen(hole + 2) + 1);
    return s;
}

char *diag_explain(const diag_item *d)
{
    const char *m = d->message;
    if (!m)
        return NULL;
    char *q = diag_quoted(m, 0);
    char *r = NULL;

#define SAY(text) r = strdup(text)
#define SAY1(fmt) r = fmt1(fmt, q)

    if (starts(m, "expected ';'") || starts(m, "expected ',' or ';'")) {
        SAY("A semicolon is missing. Every statement and declaration ends "
            "with ';'. The compiler notices only at the next token, so look "
            "at the end of the statement just before this spot (often on "
            "the line above).");
    } else if (starts(m, "expected declaration or statement at end of "
                         "input") ||
               starts(m, "expected '}' at end of input")) {
        SAY("The file ended inside a block: a closing '}' is missing. Check "
            "that every '{' has its '}' -- an editor that highlights "
            "matching braces helps.");
    } else if (starts(m, "expected ')'") || starts(m, "expected ']'") ||
               starts(m, "expected '('")) {
        SAY("Brackets do not pair up here: a '(' or '[' is missing its "
            "partner, or there is one too many. Count them on this line and "
            "the one above.");
    } else if (starts(m, "expected identifier or '('") ||
               starts(m, "expected expression") ||
               starts(m, "expected '=', ',', ';'") ||
               starts(m, "expected specifier-qualifier-list") ||
               starts(m, "expected statement")) {
        SAY("A syntax error: the compiler could not read the code at this "
            "spot. Look here and just before for a missing or extra bracket, "
            "comma or semicolon, or a misspelt keyword.");
    } else if (starts(m, "implicit declaration of function")) {
        SAY1("`%s` is called, but nothing declared it before this line. Did "
             "you #include the header that declares it, or misspell its "
             "name? (Functions of libtg are in tg.h, those of the world in "
             "world.h.)");
    } else if (has(m, "undeclared (first use in this function)") ||
               has(m, "undeclared here") ||
               starts(m, "use of undeclared identifier")) {
        SAY1("`%s` is not declared at this point. Is it misspelt, declared "
             "in another function, or declared further down?");
    } else if (starts(m, "conflicting types for")) {
        SAY1("Your `%s` does not match its declaration (the note below "
             "shows the prototype the lab expects). The return type and "
             "every parameter's type must be exactly the same: copy the "
             "prototype from the header.");
    } else if (starts(m, "unknown type name")) {
        SAY1("`%s` is not a type the compiler knows here. Is it misspelt, "
             "or is its header not included? (tg_error, tg_group and "
             "tg_result come from tg.h.)");
    } else if (starts(m, "too few arguments to function") ||
               starts(m, "too many arguments to function")) {
        SAY1("This call to `%s` does not pass the number of arguments its "
             "prototype declares (the note shows the declaration).");
    } else if (starts(m, "passing argument")) {
        SAY("An argument has a different type than the function's "
            "parameter. Compare them; a missing '&' or '*' is the usual "
            "cause.");
    } else if (has(m, "makes integer from pointer") ||
               has(m, "makes pointer from integer") ||
               has(m, "incompatible pointer type") ||
               starts(m, "incompatible types when")) {
        SAY("A value of one type is used where another is expected. Check "
            "both sides of this assignment, return or call; often a '*' or "
            "'&' is missing or one too many.");
    } else if (starts(m, "control reaches end of non-void function") ||
               has(m, "with no value, in function returning non-void")) {
        SAY("Some path through this function ends without returning a "
            "value. Every way out of a non-void function needs `return "
            "VALUE;`.");
    } else if (starts(m, "unused variable")) {
        SAY1("`%s` is declared but never used: remove it, or finish the "
             "code that was meant to use it.");
    } else if (starts(m, "unused parameter")) {
        SAY1("`%s` is never used. If that is on purpose, write "
             "`(void)name;` in the body to say so.");
    } else if (has(m, "is used uninitialized") ||
               has(m, "may be used uninitialized")) {
        SAY1("`%s` is read before anything was stored in it: its value is "
             "garbage. Give it a value first.");
    } else if (starts(m, "ignoring return value of")) {
        SAY1("The result of `%s` must not be dropped. If it returns a "
             "tg_error *, you own it: handle it, return it, or release it "
             "with tg_error_unref.");
    } else if (starts(m, "redefinition of")) {
        SAY1("`%s` is defined twice. Keep one definition (a header may "
             "already define it).");
    } else if (starts(m, "stray '")) {
        SAY("A character that has no meaning in C, outside a string or "
            "comment. Curly quotes or other non-ASCII characters pasted from "
            "a web page or a document are the usual cause.");
    } else if (has(m, "No such file or directory") ||
               has(m, "file not found")) {
        SAY("The lab compiles your file with the standard headers, tg.h, "
            "the world's headers and this exercise's header, and nothing "
            "else: other files (and absolute paths) are not visible.");
    } else if (starts(m, "invalid use of undefined type") ||
               starts(m, "dereferencing pointer to incomplete type")) {
        SAY("This struct's definition is not visible here, only its name. "
            "Include the header that defines it, or check the spelling of "
            "the struct's name.");
    } else if (starts(m, "request for member")) {
        SAY("`.` is used on something that is not a struct. For a pointer "
            "to a struct, use `->`.");
    } else if (has(m, "has no member named")) {
        SAY("This struct has no field of that name: check the spelling "
            "against the struct's definition in the header.");
    } else if (starts(m, "'else' without a previous 'if'")) {
        SAY("An `else` with no `if` just before it: usually a ';' right "
            "after the if's ')' or a brace closed too early.");
    } else if (starts(m, "format '") || starts(m, "too many arguments for "
                                                  "format")) {
        SAY("The printf format does not match the arguments: each % "
            "directive needs one argument of the right type (%d int, %ld "
            "long, %zu size_t, %s string, %p pointer).");
    } else if (starts(m, "assignment of read-only") ||
               has(m, "discards 'const' qualifier")) {
        SAY("Something declared const is being modified, or a const "
            "pointer is passed where a non-const one is expected.");
    } else if (starts(m, "variable-sized object may not be initialized")) {
        SAY("An array whose size is a variable cannot have an initializer; "
            "fill it in a loop, or use calloc.");
    } else if (starts(m, "case label not within a switch") ||
               starts(m, "break statement not within loop or switch")) {
        SAY("This statement is outside the switch or loop it belongs to: "
            "check the braces above it.");
    } else if (starts(m, "missing terminating")) {
        SAY("A string or character literal is not closed: a \" or ' is "
            "missing at the end.");
    } else if (starts(m, "storage size of") ||
               starts(m, "array type has incomplete element type")) {
        SAY("The size of this type is not known here: its struct is only "
            "declared, not defined. Use a pointer to it, or include its "
            "definition.");
    }
#undef SAY
#undef SAY1
    free(q);
    return r;
}
