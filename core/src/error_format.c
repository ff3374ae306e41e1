/*
 * error_format.c -- renders an error as a tree in the style of Python
 * 3.11's traceback module: the cause or context chain first, then the
 * error; groups drawn with "+-+---- 1 ----" frames, at most 15 members
 * each and 10 levels deep.  It follows traceback.TracebackException in two
 * passes, as Python does: the first decides which causes and contexts are
 * shown (each error at most once in a chain, the _seen rule, in the same
 * order as Python's queue), the second prints.  Where Python prints a
 * traceback we print the place the error was made, "at file.c:42", and
 * trailing blanks that Python leaves on empty lines are dropped.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error_internal.h"

enum { MAX_GROUP_WIDTH = 15, MAX_GROUP_DEPTH = 10 };

/* One error as it will be shown: a TracebackException. */
typedef struct node {
    const tg_error *e;
    struct node *cause;   /* shown cause, or NULL */
    struct node *context; /* shown context, or NULL */
    struct node *members; /* e->n_members nodes, for groups */
} node;

/* Nodes come from a few big blocks, freed together. */
typedef struct block {
    struct block *next;
    size_t used, cap; /* in nodes */
    node nodes[];
} block;

typedef struct render {
    block *blocks;
    tg__ptrset seen;
    char *buf; /* the output */
    size_t len, cap;
    int depth; /* exception_group_depth */
    bool need_close;
    bool oom;
    bool locations;
} render;

static node *alloc_nodes(render *r, size_t n)
{
    block *b = r->blocks;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > 256 ? n : 256;
        b = tg__malloc(sizeof *b + cap * sizeof(node));
        if (!b)
            return NULL;
        b->next = r->blocks;
        b->used = 0;
        b->cap = cap;
        r->blocks = b;
    }
    node *nodes = b->nodes + b->used;
    b->used += n;
    memset(nodes, 0, n * sizeof *nodes);
    return nodes;
}

/* A node for e, which counts as seen from now on. */
static int make_node(render *r, node *nd, const tg_error *e)
{
    nd->e = e;
    return tg__ptrset_add(&r->seen, e) < 0 ? -1 : 0;
}

/* A growable stack of (node) for the first pass. */
typedef struct work {
    node **items;
    size_t len, cap;
} work;

static int work_push(work *w, node *nd)
{
    if (w->len == w->cap) {
        size_t cap = w->cap ? 2 * w->cap : 32;
        node **items = tg__realloc(w->items, cap * sizeof *items);
        if (!items)
            return -1;
        w->items = items;
        w->cap = cap;
    }
    w->items[w->len++] = nd;
    return 0;
}

/*
 * Pass one, TracebackException.__init__ with compact=True: a cause is shown
 * unless already seen; a context only when no cause is shown and the
 * context is not suppressed; members always.  LIFO, like Python's queue, so
 * that the same errors count as seen first.
 */
static int build(render *r, node *root, const tg_error *e)
{
    work w = {0};
    int rc = make_node(r, root, e);
    if (rc == 0)
        rc = work_push(&w, root);
    while (rc == 0 && w.len > 0) {
        node *nd = w.items[--w.len];
        const tg_error *x = nd->e;
        if (x->cause && !tg__ptrset_has(&r->seen, x->cause)) {
            nd->cause = alloc_nodes(r, 1);
            rc = nd->cause ? make_node(r, nd->cause, x->cause) : -1;
        }
        if (rc == 0 && !nd->cause && !x->suppress_context && x->context &&
            !tg__ptrset_has(&r->seen, x->context)) {
            nd->context = alloc_nodes(r, 1);
            rc = nd->context ? make_node(r, nd->context, x->context) : -1;
        }
        if (rc == 0 && x->n_members) {
            nd->members = alloc_nodes(r, x->n_members);
            rc = nd->members ? 0 : -1;
            for (size_t i = 0; i < x->n_members && rc == 0; i++)
                rc = make_node(r, &nd->members[i], x->members[i]);
        }
        if (rc == 0 && nd->cause)
            rc = work_push(&w, nd->cause);
        if (rc == 0 && nd->context)
            rc = work_push(&w, nd->context);
        for (size_t i = 0; i < x->n_members && rc == 0; i++)
            rc = work_push(&w, &nd->members[i]);
    }
    tg__free(w.items);
    return rc;
}

/* ---- output ------------------------------------------------------------ */

static void put(render *r, const char *s, size_t n)
{
    if (r->oom)
        return;
    if (r->len + n + 1 > r->cap) {
        size_t cap = r->cap ? r->cap : 256;
        while (cap < r->len + n + 1)
            cap *= 2;
        char *buf = tg__realloc(r->buf, cap);
        if (!buf) {
            r->oom = true;
            return;
        }
        r->buf = buf;
        r->cap = cap;
    }
    memcpy(r->buf + r->len, s, n);
    r->len += n;
    r->buf[r->len] = '\0';
}

static void put_str(render *r, const char *s)
{
    put(r, s, strlen(s));
}

static void put_indent(render *r)
{
    for (int i = 0; i < r->depth; i++)
        put(r, "  ", 2);
}

/* _ExceptionPrintContext.emit for one line of n bytes: the indent, the
 * margin inside a group, the text, without trailing blanks. */
static void emit_line(render *r, const char *s, size_t n, char margin)
{
    size_t start = r->len;
    put_indent(r);
    if (r->depth) {
        put(r, &margin, 1);
        put(r, " ", 1);
    }
    put(r, s, n);
    if (r->oom)
        return;
    while (r->len > start && r->buf[r->len - 1] == ' ')
        r->len--;
    put(r, "\n", 1);
}

/* emit for text that may hold several lines. */
static void emit(render *r, const char *text)
{
    for (;;) {
        const char *nl = strchr(text, '\n');
        size_t n = nl ? (size_t)(nl - text) : strlen(text);
        emit_line(r, text, n, '|');
        if (!nl)
            break;
        text = nl + 1;
    }
}

static void emitf(render *r, const char *fmt, ...) TG_PRINTF(2, 3);
static void emitf(render *r, const char *fmt, ...)
{
    char line[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    emit(r, line);
}

/* The basename: learners' files may sit under long sandbox paths. */
static const char *short_file(const char *file)
{
    const char *slash = strrchr(file, '/');
    return slash ? slash + 1 : file;
}

/* format_exception_only, plus the location: "Type: message", the place,
 * then each line of each note. */
static void format_only(render *r, const tg_error *e)
{
    const char *name = e->type->name;
    if (e->n_members) {
        size_t n = e->n_members;
        size_t size = strlen(name) + strlen(e->message) + 64;
        char *line = tg__malloc(size);
        if (!line) {
            r->oom = true;
            return;
        }
        snprintf(line, size, "%s: %s (%zu sub-exception%s)", name, e->message,
                 n, n > 1 ? "s" : "");
        emit(r, line);
        tg__free(line);
    } else if (e->message[0]) {
        size_t size = strlen(name) + strlen(e->message) + 3;
        char *line = tg__malloc(size);
        if (!line) {
            r->oom = true;
            return;
        }
        snprintf(line, size, "%s: %s", name, e->message);
        emit(r, line);
        tg__free(line);
    } else {
        emit(r, name);
    }
    if (r->locations && e->file)
        emitf(r, "  at %s:%d", short_file(e->file), e->line);
    for (size_t i = 0; i < e->n_notes; i++)
        emit(r, e->notes[i]);
}

static const char cause_message[] =
    "\nThe above exception was the direct cause of the following "
    "exception:\n";
static const char context_message[] =
    "\nDuring handling of the above exception, another exception "
    "occurred:\n";

static void format_node(render *r, const node *top);

/* One group's frame and members (TracebackException.format, group part). */
static void format_group(render *r, const node *nd)
{
    const tg_error *e = nd->e;
    bool toplevel = r->depth == 0;
    if (toplevel)
        r->depth++;
    format_only(r, e);
    size_t count = e->n_members;
    size_t n = count <= MAX_GROUP_WIDTH ? count : MAX_GROUP_WIDTH + 1;
    r->need_close = false;
    for (size_t i = 0; i < n && !r->oom; i++) {
        bool last = i == n - 1;
        if (last)
            r->need_close = true; /* a nested last group may close for us */
        bool truncated = i >= MAX_GROUP_WIDTH;
        char title[32];
        if (truncated)
            snprintf(title, sizeof title, "...");
        else
            snprintf(title, sizeof title, "%zu", i + 1);
        put_indent(r);
        put_str(r, i == 0 ? "+-" : "  ");
        put_str(r, "+---------------- ");
        put_str(r, title);
        put_str(r, " ----------------\n");
        r->depth++;
        if (!truncated) {
            format_node(r, &nd->members[i]);
        } else {
            size_t more = count - MAX_GROUP_WIDTH;
            emitf(r, "and %zu more exception%s", more, more > 1 ? "s" : "");
        }
        if (last && r->need_close) {
            put_indent(r);
            put_str(r, "+------------------------------------\n");
            r->need_close = false;
        }
        r->depth--;
    }
    if (toplevel)
        r->depth = 0;
}

/* TracebackException.format: the chain, oldest first, then each error. */
static void format_node(render *r, const node *top)
{
    size_t n = 0;
    for (const node *nd = top; nd; nd = nd->cause ? nd->cause : nd->context)
        n++;
    const node **chain = tg__malloc(n * sizeof *chain);
    if (!chain) {
        r->oom = true;
        return;
    }
    n = 0;
    for (const node *nd = top; nd; nd = nd->cause ? nd->cause : nd->context)
        chain[n++] = nd;
    while (n-- > 0 && !r->oom) {
        const node *nd = chain[n];
        if (nd->members == NULL)
            format_only(r, nd->e);
        else if (r->depth > MAX_GROUP_DEPTH)
            emitf(r, "... (max_group_depth is %d)", MAX_GROUP_DEPTH);
        else
            format_group(r, nd);
        if (n > 0)
            emit(r,
                 chain[n - 1]->cause == nd ? cause_message : context_message);
    }
    tg__free(chain);
}

char *tg__error_format_opts(const tg_error *e, unsigned flags)
{
    render r = {.locations = !(flags & TG__FORMAT_NO_LOCATION)};
    if (tg__ptrset_init(&r.seen, 16) < 0)
        return NULL;
    node root;
    memset(&root, 0, sizeof root);
    if (!e) {
        put_str(&r, "NULL\n"); /* a bug in the caller, shown not hidden */
    } else if (build(&r, &root, e) < 0) {
        r.oom = true;
    } else {
        format_node(&r, &root);
    }
    tg__ptrset_free(&r.seen);
    while (r.blocks) {
        block *next = r.blocks->next;
        tg__free(r.blocks);
        r.blocks = next;
    }
    if (r.oom) {
        tg__free(r.buf);
        return NULL;
    }
    return r.buf;
}

/*
 * Renders e as a traceback-style tree, one line per "\n", ending with a
 * newline.  Returns a string the caller frees with free(); NULL only when
 * memory runs out.  A NULL e renders as "NULL".
 */
char *tg_error_format(const tg_error *e)
{
    return tg__error_format_opts(e, 0);
}
