/*
 * md_render.c -- Markdown to styled, wrapped lines.  md4c's callbacks
 * build a list of leaf blocks (paragraphs, headings, code blocks, rules,
 * table rows), each with the containers it sits in (quotes, list items);
 * the layout turns blocks into lines at a width: prefixes for the
 * containers, greedy word wrap for prose, C colouring for code.  See
 * md_render.h for the model.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <md4c.h>

#include "md_render.h"

/* ------------------------------------------------------------------------
 * UTF-8 and display width
 * ---------------------------------------------------------------------- */

size_t mdr_utf8_next(const char *s, size_t len, size_t i, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned c = u[i];
    size_t need;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return i + 1;
    } else if ((c & 0xe0) == 0xc0) {
        need = 1, v = c & 0x1f, min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
        need = 2, v = c & 0x0f, min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
        need = 3, v = c & 0x07, min = 0x10000;
    } else {
        *cp = 0xfffd;
        return i + 1;
    }
    if (i + need >= len) { /* fewer bytes left than the lead announces */
        *cp = 0xfffd;
        return i + 1;
    }
    for (size_t k = 1; k <= need; k++) {
        if ((u[i + k] & 0xc0) != 0x80) {
            *cp = 0xfffd;
            return i + 1;
        }
        v = (v << 6) | (u[i + k] & 0x3f);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
        *cp = 0xfffd;
        return i + 1;
    }
    *cp = v;
    return i + need + 1;
}

int mdr_cp_width(uint32_t cp)
{
    if (cp < 0x7f || (cp >= 0x7f && cp < 0xa0))
        return 1; /* control characters are shown as a space */
    int w = wcwidth((wchar_t)cp);
    if (w >= 0)
        return w;
    /* Not a UTF-8 locale (wcwidth gives -1 for anything beyond ASCII):
     * the usual zero-width and East Asian wide ranges, else 1. */
    if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) ||
        (cp >= 0xfe00 && cp <= 0xfe0f))
        return 0;
    if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
        (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
        (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
        (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) ||
        (cp >= 0x1f900 && cp <= 0x1f9ff) || (cp >= 0x20000 && cp <= 0x3fffd))
        return 2;
    return 1;
}

int mdr_width(const char *s, size_t len)
{
    int w = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i = mdr_utf8_next(s, len, i, &cp);
        w += mdr_cp_width(cp);
    }
    return w;
}

size_t mdr_fit(const char *s, size_t len, int cols, int *used)
{
    int w = 0;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t next = mdr_utf8_next(s, len, i, &cp);
        int cw = mdr_cp_width(cp);
        if (w + cw > cols)
            break;
        w += cw;
        i = next;
    }
    if (used)
        *used = w;
    return i;
}

/* ASCII spellings of the characters lessons and the TUI use. */
static const struct {
    uint32_t cp;
    const char *ascii;
} translit[] = {
    {0x00a0, " "},  {0x00b7, "-"},  {0x00d7, "x"},   {0x00e0, "a"},
    {0x00e4, "a"},  {0x00e7, "c"},  {0x00e8, "e"},   {0x00e9, "e"},
    {0x00ea, "e"},  {0x00f6, "o"},  {0x00fc, "u"},   {0x2013, "-"},
    {0x2014, "--"}, {0x2018, "'"},  {0x2019, "'"},   {0x201c, "\""},
    {0x201d, "\""}, {0x2022, "*"},  {0x2026, "..."}, {0x2190, "<-"},
    {0x2191, "^"},  {0x2192, "->"}, {0x2193, "v"},   {0x21aa, ">"},
    {0x21b3, ">"},  {0x2212, "-"},  {0x2264, "<="},  {0x2265, ">="},
    {0x2298, "/"},  {0x2500, "-"},  {0x2502, "|"},   {0x2550, "="},
    {0x2501, "="},  {0x2588, "#"},  {0x2591, "."},   {0x25aa, "+"},
    {0x25b2, "^"},  {0x25b6, ">"},  {0x25b8, ">"},   {0x25c2, "<"},
    {0x25c6, "!"},  {0x25cf, "o"},  {0x25e6, "-"},   {0x2713, "v"},
    {0x2717, "x"},  {0x2718, "x"},  {0x00bb, ">>"},  {0x2026, "..."},
};

char *mdr_ascii(const char *s, size_t len)
{
    size_t cap = len * 3 + 1, n = 0; /* at most 3 ASCII bytes per byte */
    char *out = malloc(cap);
    if (!out)
        return NULL;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i = mdr_utf8_next(s, len, i, &cp);
        if (cp < 0x80) {
            out[n++] = (char)cp;
            continue;
        }
        const char *rep = "?";
        for (size_t k = 0; k < sizeof translit / sizeof translit[0]; k++)
            if (translit[k].cp == cp) {
                rep = translit[k].ascii;
                break;
            }
        if (mdr_cp_width(cp) == 0)
            rep = "";
        size_t rl = strlen(rep);
        memcpy(out + n, rep, rl); /* rl <= 3, and a non-ASCII cp is >= 2 */
        n += rl;
    }
    out[n] = '\0';
    return out;
}

/* ------------------------------------------------------------------------
 * Lines
 * ---------------------------------------------------------------------- */

static bool grow(void **v, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return true;
    size_t nc = *cap ? *cap * 2 : 8;
    while (nc < need)
        nc *= 2;
    void *p = realloc(*v, nc * elem);
    if (!p)
        return false;
    *v = p;
    *cap = nc;
    return true;
}

mdr_lines *mdr_lines_new(void)
{
    return calloc(1, sizeof(mdr_lines));
}

static void line_clear(mdr_line *l)
{
    for (size_t i = 0; i < l->nspans; i++)
        free(l->spans[i].text);
    free(l->spans);
}

void mdr_lines_free(mdr_lines *ls)
{
    if (!ls)
        return;
    for (size_t i = 0; i < ls->n; i++)
        line_clear(&ls->v[i]);
    free(ls->v);
    free(ls);
}

mdr_line *mdr_lines_add(mdr_lines *ls)
{
    if (!grow((void **)&ls->v, &ls->cap, ls->n + 1, sizeof(mdr_line)))
        return NULL;
    mdr_line *l = &ls->v[ls->n++];
    memset(l, 0, sizeof *l);
    l->block = -1;
    return l;
}

int mdr_lines_take(mdr_lines *dst, mdr_lines *src)
{
    if (!grow((void **)&dst->v, &dst->cap, dst->n + src->n, sizeof(mdr_line)))
        return -1;
    memcpy(dst->v + dst->n, src->v, src->n * sizeof(mdr_line));
    dst->n += src->n;
    src->n = 0;
    return 0;
}

/* Appends clean text (valid for the screen) with its width. */
static int line_append_clean(mdr_line *l, char *text, size_t len, mdr_style st)
{
    int w = mdr_width(text, len);
    if (l->nspans && l->spans[l->nspans - 1].style == st) {
        mdr_span *sp = &l->spans[l->nspans - 1];
        size_t old = strlen(sp->text);
        char *t = realloc(sp->text, old + len + 1);
        if (!t)
            return -1;
        memcpy(t + old, text, len);
        t[old + len] = '\0';
        sp->text = t;
        sp->width += w;
        l->width += w;
        return 0;
    }
    if (!grow((void **)&l->spans, &l->cap, l->nspans + 1, sizeof(mdr_span)))
        return -1;
    char *t = malloc(len + 1);
    if (!t)
        return -1;
    memcpy(t, text, len);
    t[len] = '\0';
    l->spans[l->nspans++] = (mdr_span){t, st, w};
    l->width += w;
    return 0;
}

int mdr_line_add(mdr_line *l, const char *text, size_t len, mdr_style st,
                 unsigned flags)
{
    if (len == 0)
        return 0;
    /* Control characters (C0, DEL, C1) would drive the terminal: never let
     * one through, whatever wrote the text. */
    char *clean = malloc(len + 1);
    if (!clean)
        return -1;
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t next = mdr_utf8_next(text, len, i, &cp);
        if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
            clean[n++] = ' ';
        else if (cp == 0xfffd && next == i + 1 &&
                 (unsigned char)text[i] >= 0x80)
            clean[n++] = '?'; /* an invalid byte */
        else {
            memcpy(clean + n, text + i, next - i);
            n += next - i;
        }
        i = next;
    }
    int rc;
    if (flags & MDR_ASCII) {
        char *a = mdr_ascii(clean, n);
        rc = a ? line_append_clean(l, a, strlen(a), st) : -1;
        free(a);
    } else {
        rc = line_append_clean(l, clean, n, st);
    }
    free(clean);
    return rc;
}

int mdr_line_puts(mdr_line *l, const char *text, mdr_style st, unsigned flags)
{
    return mdr_line_add(l, text, strlen(text), st, flags);
}

static int add_spaces(mdr_line *l, int n, mdr_style st)
{
    char buf[64];
    while (n > 0) {
        int k = n < (int)sizeof buf ? n : (int)sizeof buf;
        memset(buf, ' ', (size_t)k);
        if (line_append_clean(l, buf, (size_t)k, st) != 0)
            return -1;
        n -= k;
    }
    return 0;
}

char *mdr_lines_text(const mdr_lines *ls)
{
    size_t cap = 1;
    for (size_t i = 0; i < ls->n; i++) {
        cap += 1;
        for (size_t k = 0; k < ls->v[i].nspans; k++)
            cap += strlen(ls->v[i].spans[k].text);
    }
    char *out = malloc(cap), *p = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < ls->n; i++) {
        char *start = p;
        for (size_t k = 0; k < ls->v[i].nspans; k++) {
            size_t l = strlen(ls->v[i].spans[k].text);
            memcpy(p, ls->v[i].spans[k].text, l);
            p += l;
        }
        while (p > start && p[-1] == ' ')
            p--;
        *p++ = '\n';
    }
    *p = '\0';
    return out;
}

/* ------------------------------------------------------------------------
 * The parsed document
 * ---------------------------------------------------------------------- */

enum { B_PARA, B_HEADING, B_CODE, B_RULE, B_ROW };
enum { F_QUOTE, F_ITEM };

typedef struct run {
    char *text; /* owned; "\n" alone is a hard line break */
    size_t len;
    mdr_style style;
} run;

typedef struct frame {
    int kind;        /* F_QUOTE or F_ITEM */
    int id;          /* unique per container, to find shared ones */
    int list;        /* F_ITEM: index into doc->lists */
    unsigned number; /* F_ITEM: the item's number (ordered lists) */
    bool first;      /* F_ITEM: this block shows the item's marker */
} frame;

typedef struct list_info {
    bool ordered;
    bool tight;
    unsigned start, count; /* numbers: start .. start + count - 1 */
    int depth;             /* nesting among lists, from 0 */
    int lead;              /* spaces before the marker */
    bool in_tight_item;    /* nested in an item of a tight list */
} list_info;

typedef struct block {
    int kind;
    int level; /* heading level; B_ROW: 1 for a header row */
    run *runs;
    size_t nruns, cap;
    char *lang;    /* B_CODE: the info string's first word, or NULL */
    frame *frames; /* containers, outermost first */
    size_t nframes;
    int gap; /* blank lines before it */
} block;

struct mdr_doc {
    block *blocks;
    size_t n, cap;
    list_info *lists;
    size_t nlists, lcap;
};

#define MAX_DEPTH 64

typedef struct pstate {
    mdr_doc *doc;
    frame stack[MAX_DEPTH]; /* open containers */
    size_t depth;
    int lstack[MAX_DEPTH]; /* open lists */
    size_t nl;
    block *cur;    /* the open leaf, or NULL */
    bool implicit; /* cur was opened by text directly in an item */
    int em, strong, code, link, strike, html_block;
    int next_id;
    int cells;    /* cells seen in the current table row */
    bool in_head; /* inside the table's header */
    bool oom;
} pstate;

static void block_clear(block *b)
{
    for (size_t i = 0; i < b->nruns; i++)
        free(b->runs[i].text);
    free(b->runs);
    free(b->lang);
    free(b->frames);
}

void mdr_doc_free(mdr_doc *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++)
        block_clear(&d->blocks[i]);
    free(d->blocks);
    free(d->lists);
    free(d);
}

size_t mdr_doc_blocks(const mdr_doc *d)
{
    return d ? d->n : 0;
}

/* The innermost open container, or NULL. */
static frame *top_frame(pstate *ps)
{
    return ps->depth ? &ps->stack[ps->depth - 1] : NULL;
}

static block *open_leaf(pstate *ps, int kind)
{
    mdr_doc *d = ps->doc;
    if (!grow((void **)&d->blocks, &d->cap, d->n + 1, sizeof(block))) {
        ps->oom = true;
        return NULL;
    }
    block *b = &d->blocks[d->n];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    if (ps->depth) {
        b->frames = malloc(ps->depth * sizeof(frame));
        if (!b->frames) {
            ps->oom = true;
            return NULL;
        }
        memcpy(b->frames, ps->stack, ps->depth * sizeof(frame));
        b->nframes = ps->depth;
    }
    /* Blank lines: one between blocks, none between the items of a tight
     * list (nor before a list nested in a tight item). */
    frame *t = top_frame(ps);
    b->gap = d->n ? 1 : 0;
    if (t && t->kind == F_ITEM && d->lists[t->list].tight && d->n) {
        const list_info *li = &d->lists[t->list];
        if (!t->first)
            b->gap = 0;
        else if (t->number != li->start)
            b->gap = 0;
        else
            b->gap = li->in_tight_item ? 0 : 1;
    }
    if (kind == B_ROW && ps->cells == 0 && d->n &&
        d->blocks[d->n - 1].kind == B_ROW)
        b->gap = 0;
    for (size_t i = 0; i < ps->depth; i++)
        ps->stack[i].first = false; /* each marker is shown once */
    d->n++;
    ps->cur = b;
    return b;
}

static void close_leaf(pstate *ps)
{
    ps->cur = NULL;
    ps->implicit = false;
}

static void add_run(pstate *ps, const char *text, size_t len, mdr_style st)
{
    block *b = ps->cur;
    if (!b || len == 0)
        return;
    /* Runs of one style merge, except hard breaks ("\n" runs) in prose:
     * a code block keeps all its text in one run. */
    bool code = b->kind == B_CODE;
    if (b->nruns && b->runs[b->nruns - 1].style == st &&
        (code || (!(len == 1 && text[0] == '\n') &&
                  strcmp(b->runs[b->nruns - 1].text, "\n") != 0))) {
        run *r = &b->runs[b->nruns - 1];
        char *t = realloc(r->text, r->len + len + 1);
        if (!t) {
            ps->oom = true;
            return;
        }
        memcpy(t + r->len, text, len);
        r->len += len;
        t[r->len] = '\0';
        r->text = t;
        return;
    }
    if (!grow((void **)&b->runs, &b->cap, b->nruns + 1, sizeof(run))) {
        ps->oom = true;
        return;
    }
    char *t = malloc(len + 1);
    if (!t) {
        ps->oom = true;
        return;
    }
    memcpy(t, text, len);
    t[len] = '\0';
    b->runs[b->nruns++] = (run){t, len, st};
}

static mdr_style cur_style(const pstate *ps)
{
    mdr_style st = ps->code ? MDR_CODE : ps->link ? MDR_LINK : MDR_TEXT;
    if (ps->strong)
        st |= MDR_BOLD;
    if (ps->em)
        st |= MDR_ITALIC;
    if (ps->strike)
        st |= MDR_STRIKE;
    if (ps->link && !ps->code)
        st |= MDR_UNDERLINE;
    return st;
}

static int on_enter_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
    pstate *ps = ud;
    mdr_doc *d = ps->doc;
    if (ps->implicit && type != MD_BLOCK_LI)
        close_leaf(ps); /* text of a tight item ends where a block starts */
    switch (type) {
    case MD_BLOCK_QUOTE:
        if (ps->depth >= MAX_DEPTH)
            return 0;
        ps->stack[ps->depth++] = (frame){F_QUOTE, ps->next_id++, -1, 0, false};
        break;
    case MD_BLOCK_UL:
    case MD_BLOCK_OL: {
        if (ps->nl >= MAX_DEPTH || !grow((void **)&d->lists, &d->lcap,
                                         d->nlists + 1, sizeof(list_info))) {
            ps->oom = ps->nl < MAX_DEPTH;
            return ps->oom ? -1 : 0;
        }
        list_info *li = &d->lists[d->nlists];
        memset(li, 0, sizeof *li);
        li->ordered = type == MD_BLOCK_OL;
        li->tight = type == MD_BLOCK_OL
                        ? ((MD_BLOCK_OL_DETAIL *)detail)->is_tight
                        : ((MD_BLOCK_UL_DETAIL *)detail)->is_tight;
        li->start =
            type == MD_BLOCK_OL ? ((MD_BLOCK_OL_DETAIL *)detail)->start : 1;
        li->depth = (int)ps->nl;
        frame *t = top_frame(ps);
        bool in_item = t && t->kind == F_ITEM;
        li->lead = in_item ? 0 : 2;
        li->in_tight_item = in_item && d->lists[t->list].tight;
        ps->lstack[ps->nl++] = (int)d->nlists++;
        break;
    }
    case MD_BLOCK_LI: {
        if (ps->depth >= MAX_DEPTH || !ps->nl)
            return 0;
        close_leaf(ps);
        list_info *li = &d->lists[ps->lstack[ps->nl - 1]];
        ps->stack[ps->depth++] =
            (frame){F_ITEM, ps->next_id++, ps->lstack[ps->nl - 1],
                    li->start + li->count, true};
        li->count++;
        break;
    }
    case MD_BLOCK_HR:
        open_leaf(ps, B_RULE);
        close_leaf(ps);
        break;
    case MD_BLOCK_H: {
        block *b = open_leaf(ps, B_HEADING);
        if (b)
            b->level = (int)((MD_BLOCK_H_DETAIL *)detail)->level;
        break;
    }
    case MD_BLOCK_CODE: {
        block *b = open_leaf(ps, B_CODE);
        MD_BLOCK_CODE_DETAIL *cd = detail;
        if (b && cd->lang.size) {
            b->lang = malloc(cd->lang.size + 1);
            if (!b->lang)
                return ps->oom = true, -1;
            memcpy(b->lang, cd->lang.text, cd->lang.size);
            b->lang[cd->lang.size] = '\0';
        }
        break;
    }
    case MD_BLOCK_HTML:
        ps->html_block++; /* dropped: authors' comments, mostly */
        break;
    case MD_BLOCK_P:
        open_leaf(ps, B_PARA);
        break;
    case MD_BLOCK_THEAD:
        ps->in_head = true;
        break;
    case MD_BLOCK_TR: {
        ps->cells = 0;
        block *b = open_leaf(ps, B_ROW);
        if (b)
            b->level = ps->in_head;
        break;
    }
    case MD_BLOCK_TH:
    case MD_BLOCK_TD:
        if (ps->cells++)
            add_run(ps, " \u2502 ", 5, MDR_RULE);
        if (type == MD_BLOCK_TH)
            ps->strong++;
        break;
    default:
        break;
    }
    return ps->oom ? -1 : 0;
}

static int on_leave_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
    (void)detail;
    pstate *ps = ud;
    switch (type) {
    case MD_BLOCK_QUOTE:
    case MD_BLOCK_LI:
        close_leaf(ps);
        if (ps->depth)
            ps->depth--;
        break;
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
        close_leaf(ps);
        if (ps->nl)
            ps->nl--;
        break;
    case MD_BLOCK_H:
    case MD_BLOCK_CODE:
    case MD_BLOCK_P:
    case MD_BLOCK_TR:
        close_leaf(ps);
        break;
    case MD_BLOCK_HTML:
        ps->html_block--;
        break;
    case MD_BLOCK_THEAD:
        ps->in_head = false;
        break;
    case MD_BLOCK_TH:
        ps->strong--;
        break;
    default:
        break;
    }
    return 0;
}

static int on_enter_span(MD_SPANTYPE type, void *detail, void *ud)
{
    (void)detail;
    pstate *ps = ud;
    switch (type) {
    case MD_SPAN_EM:
        ps->em++;
        break;
    case MD_SPAN_STRONG:
        ps->strong++;
        break;
    case MD_SPAN_CODE:
        ps->code++;
        break;
    case MD_SPAN_A:
    case MD_SPAN_WIKILINK:
        ps->link++;
        break;
    case MD_SPAN_DEL:
        ps->strike++;
        break;
    default:
        break;
    }
    return 0;
}

static int on_leave_span(MD_SPANTYPE type, void *detail, void *ud)
{
    (void)detail;
    pstate *ps = ud;
    switch (type) {
    case MD_SPAN_EM:
        ps->em--;
        break;
    case MD_SPAN_STRONG:
        ps->strong--;
        break;
    case MD_SPAN_CODE:
        ps->code--;
        break;
    case MD_SPAN_A:
    case MD_SPAN_WIKILINK:
        ps->link--;
        break;
    case MD_SPAN_DEL:
        ps->strike--;
        break;
    default:
        break;
    }
    return 0;
}

/* The few entities worth knowing; others stay as written. */
static void add_entity(pstate *ps, const char *t, size_t n, mdr_style st)
{
    static const struct {
        const char *name, *utf8;
    } ents[] = {
        {"&amp;", "&"},         {"&lt;", "<"},          {"&gt;", ">"},
        {"&quot;", "\""},       {"&apos;", "'"},        {"&nbsp;", " "},
        {"&mdash;", "\u2014"},  {"&ndash;", "\u2013"},  {"&rarr;", "\u2192"},
        {"&hellip;", "\u2026"}, {"&middot;", "\u00b7"}, {"&times;", "\u00d7"}};
    for (size_t i = 0; i < sizeof ents / sizeof ents[0]; i++)
        if (strlen(ents[i].name) == n && !memcmp(ents[i].name, t, n)) {
            add_run(ps, ents[i].utf8, strlen(ents[i].utf8), st);
            return;
        }
    if (n > 3 && t[1] == '#') {
        unsigned long v = (t[2] == 'x' || t[2] == 'X')
                              ? strtoul(t + 3, NULL, 16)
                              : strtoul(t + 2, NULL, 10);
        char buf[8];
        size_t k = 0;
        if (v == 0 || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
            v = 0xfffd;
        if (v < 0x80) {
            buf[k++] = (char)v;
        } else if (v < 0x800) {
            buf[k++] = (char)(0xc0 | (v >> 6));
            buf[k++] = (char)(0x80 | (v & 0x3f));
        } else if (v < 0x10000) {
            buf[k++] = (char)(0xe0 | (v >> 12));
            buf[k++] = (char)(0x80 | ((v >> 6) & 0x3f));
            buf[k++] = (char)(0x80 | (v & 0x3f));
        } else {
            buf[k++] = (char)(0xf0 | (v >> 18));
            buf[k++] = (char)(0x80 | ((v >> 12) & 0x3f));
            buf[k++] = (char)(0x80 | ((v >> 6) & 0x3f));
            buf[k++] = (char)(0x80 | (v & 0x3f));
        }
        add_run(ps, buf, k, st);
        return;
    }
    add_run(ps, t, n, st);
}

static int on_text(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size,
                   void *ud)
{
    pstate *ps = ud;
    if (ps->html_block || type == MD_TEXT_HTML)
        return 0;
    if (!ps->cur) {
        frame *t = top_frame(ps);
        if (!t || t->kind != F_ITEM)
            return 0;
        if (!open_leaf(ps, B_PARA)) /* text right in a tight list item */
            return -1;
        ps->implicit = true;
    }
    if (ps->cur->kind == B_CODE) {
        add_run(ps, text, size, MDR_FENCE);
        return ps->oom ? -1 : 0;
    }
    mdr_style st = cur_style(ps);
    switch (type) {
    case MD_TEXT_SOFTBR:
        add_run(ps, " ", 1, st);
        break;
    case MD_TEXT_BR:
        add_run(ps, "\n", 1, st);
        break;
    case MD_TEXT_NULLCHAR:
        add_run(ps, "\xef\xbf\xbd", 3, st);
        break;
    case MD_TEXT_ENTITY:
        add_entity(ps, text, size, st);
        break;
    default:
        add_run(ps, text, size, st);
    }
    return ps->oom ? -1 : 0;
}

mdr_doc *mdr_parse(const char *text, size_t len)
{
    mdr_doc *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    pstate ps = {.doc = d};
    MD_PARSER p = {
        .abi_version = 0,
        .flags = MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH,
        .enter_block = on_enter_block,
        .leave_block = on_leave_block,
        .enter_span = on_enter_span,
        .leave_span = on_leave_span,
        .text = on_text,
    };
    if (len > 0xffffffffu)
        len = 0xffffffffu;
    int rc = md_parse(text, (MD_SIZE)len, &p, &ps);
    if (rc != 0 || ps.oom) {
        mdr_doc_free(d);
        return NULL;
    }
    return d;
}

char *mdr_doc_title(const mdr_doc *d)
{
    for (size_t i = 0; d && i < d->n; i++) {
        const block *b = &d->blocks[i];
        if (b->kind != B_HEADING)
            continue;
        size_t n = 0;
        for (size_t k = 0; k < b->nruns; k++)
            n += b->runs[k].len;
        char *t = malloc(n + 1), *p = t;
        if (!t)
            return NULL;
        for (size_t k = 0; k < b->nruns; k++) {
            memcpy(p, b->runs[k].text, b->runs[k].len);
            p += b->runs[k].len;
        }
        *p = '\0';
        return t;
    }
    return NULL;
}

/* ------------------------------------------------------------------------
 * C syntax colouring
 * ---------------------------------------------------------------------- */

static const char *const c_keywords[] = {
    "auto",
    "break",
    "case",
    "const",
    "continue",
    "default",
    "do",
    "else",
    "enum",
    "extern",
    "for",
    "goto",
    "if",
    "inline",
    "register",
    "restrict",
    "return",
    "sizeof",
    "static",
    "struct",
    "switch",
    "typedef",
    "union",
    "volatile",
    "while",
    "_Alignas",
    "_Alignof",
    "_Atomic",
    "_Generic",
    "_Noreturn",
    "_Static_assert",
    "_Thread_local",
    "alignof",
    "static_assert",
    NULL,
};

static const char *const c_types[] = {
    "void",
    "char",
    "short",
    "int",
    "long",
    "float",
    "double",
    "signed",
    "unsigned",
    "bool",
    "_Bool",
    "FILE",
    "tg_error",
    "tg_result",
    "tg_group",
    "tg_task",
    "tg_options",
    "tg_match",
    "tg_error_type",
    "tg_timeout",
    "tg_event",
    "tg_stats",
    "tg_fn",
    "tg_process_spec",
    "tg_process_result",
    "va_list",
    NULL,
};

static const char *const c_constants[] = {"NULL", "true", "false", "EOF", NULL};

static bool in_list(const char *const *list, const char *s, size_t n)
{
    for (size_t i = 0; list[i]; i++)
        if (strlen(list[i]) == n && !memcmp(list[i], s, n))
            return true;
    return false;
}

static bool is_ident(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_';
}

typedef struct piece {
    size_t off, len;
    mdr_style style;
} piece;

typedef struct pieces {
    piece *v;
    size_t n, cap;
} pieces;

static int push_piece(pieces *p, size_t off, size_t len, mdr_style st)
{
    if (len == 0)
        return 0;
    if (p->n && p->v[p->n - 1].style == st &&
        p->v[p->n - 1].off + p->v[p->n - 1].len == off) {
        p->v[p->n - 1].len += len;
        return 0;
    }
    if (!grow((void **)&p->v, &p->cap, p->n + 1, sizeof(piece)))
        return -1;
    p->v[p->n++] = (piece){off, len, st};
    return 0;
}

/* Colours one line of C; *in_comment carries a block comment over lines,
 * *after_struct an aggregate keyword waiting for its tag. */
static int highlight_c(const char *s, size_t len, bool *in_comment, pieces *out)
{
    size_t i = 0;
    bool after_struct = false;
    size_t first = 0;
    while (first < len && (s[first] == ' ' || s[first] == '\t'))
        first++;
    bool directive = !*in_comment && first < len && s[first] == '#';
    while (i < len) {
        size_t start = i;
        if (*in_comment) {
            const char *end = NULL;
            for (size_t k = i; k + 1 < len; k++)
                if (s[k] == '*' && s[k + 1] == '/') {
                    end = s + k + 2;
                    break;
                }
            i = end ? (size_t)(end - s) : len;
            *in_comment = end == NULL;
            if (push_piece(out, start, i - start, MDR_COMMENT))
                return -1;
            continue;
        }
        char c = s[i];
        if (c == '/' && i + 1 < len && s[i + 1] == '/') {
            if (push_piece(out, i, len - i, MDR_COMMENT))
                return -1;
            break;
        }
        if (c == '/' && i + 1 < len && s[i + 1] == '*') {
            *in_comment = true;
            i += 2;
            const char *end = NULL;
            for (size_t k = i; k + 1 < len; k++)
                if (s[k] == '*' && s[k + 1] == '/') {
                    end = s + k + 2;
                    break;
                }
            if (end) {
                i = (size_t)(end - s);
                *in_comment = false;
            } else {
                i = len;
            }
            if (push_piece(out, start, i - start, MDR_COMMENT))
                return -1;
            continue;
        }
        if (c == '"' || c == '\'' ||
            (directive && c == '<' && i > first && start > first + 1)) {
            char close = c == '<' ? '>' : c;
            i++;
            while (i < len && s[i] != close) {
                if (s[i] == '\\' && i + 1 < len)
                    i++;
                i++;
            }
            if (i < len)
                i++;
            if (push_piece(out, start, i - start, MDR_STRING))
                return -1;
            continue;
        }
        if (c == '#' && i == first) {
            i++;
            while (i < len && (s[i] == ' ' || s[i] == '\t'))
                i++;
            while (i < len && is_ident((unsigned char)s[i]))
                i++;
            if (push_piece(out, start, i - start, MDR_PREPROC))
                return -1;
            continue;
        }
        if ((c >= '0' && c <= '9') ||
            (c == '.' && i + 1 < len && s[i + 1] >= '0' && s[i + 1] <= '9')) {
            while (i < len && (is_ident((unsigned char)s[i]) || s[i] == '.'))
                i++;
            if (push_piece(out, start, i - start, MDR_NUMBER))
                return -1;
            continue;
        }
        if (is_ident((unsigned char)c)) {
            while (i < len && is_ident((unsigned char)s[i]))
                i++;
            size_t n = i - start;
            const char *w = s + start;
            mdr_style st = MDR_FENCE;
            bool upper = n > 1;
            for (size_t k = 0; k < n && upper; k++)
                upper = (w[k] >= 'A' && w[k] <= 'Z') || w[k] == '_' ||
                        (w[k] >= '0' && w[k] <= '9');
            if (in_list(c_keywords, w, n)) {
                st = MDR_KEYWORD;
                after_struct = (n == 6 && !memcmp(w, "struct", 6)) ||
                               (n == 5 && !memcmp(w, "union", 5)) ||
                               (n == 4 && !memcmp(w, "enum", 4));
            } else if (after_struct || in_list(c_types, w, n) ||
                       (n > 2 && w[n - 2] == '_' && w[n - 1] == 't')) {
                st = MDR_TYPE;
                after_struct = false;
            } else if (in_list(c_constants, w, n) || upper) {
                st = MDR_NUMBER;
            }
            if (push_piece(out, start, n, st))
                return -1;
            continue;
        }
        i++;
        if (push_piece(out, start, 1, MDR_FENCE))
            return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * Layout
 * ---------------------------------------------------------------------- */

typedef struct layout {
    mdr_lines *out;
    const mdr_doc *doc;
    const mdr_layout_opts *o;
    unsigned flags;
    int bi;            /* the block being laid out */
    const block *prev; /* the block before it */
} layout;

static const char *bullet_for(int depth, bool ascii)
{
    static const char *const u[] = {"\u2022", "\u25e6", "\u25aa"};
    static const char *const a[] = {"*", "-", "+"};
    return ascii ? a[depth % 3] : u[depth % 3];
}

static int digits(unsigned v)
{
    int d = 1;
    while (v >= 10)
        v /= 10, d++;
    return d;
}

/* Width of an item's marker column ("• " or "12. "). */
static int marker_width(const list_info *li)
{
    if (!li->ordered)
        return 2;
    return digits(li->start + (li->count ? li->count - 1 : 0)) + 2;
}

static bool shares(const block *prev, const frame *f)
{
    for (size_t i = 0; prev && i < prev->nframes; i++)
        if (prev->frames[i].id == f->id)
            return true;
    return false;
}

/* Starts a line of block b: indent, then one prefix per container.  mode
 * 0: the block's first line (markers shown), 1: a continuation, 2: a gap
 * line before b (only containers shared with the previous block).
 * Containers nested so deep that fewer than 10 columns would be left for
 * the text add no more indentation: a line never exceeds its width. */
static mdr_line *begin_line(layout *L, const block *b, int mode, int *pw)
{
    mdr_line *l = mdr_lines_add(L->out);
    if (!l)
        return NULL;
    l->block = L->bi;
    bool ascii = L->flags & (MDR_ASCII | MDR_PLAIN);
    int w = L->o->indent;
    int maxpw =
        b->kind == B_CODE
            ? (L->o->code_width > 0 ? L->o->code_width : L->o->width) - 4 - 10
            : L->o->width - 10;
    if (add_spaces(l, L->o->indent, MDR_TEXT))
        return NULL;
    for (size_t i = 0; i < b->nframes; i++) {
        const frame *f = &b->frames[i];
        if (mode == 2 && !shares(L->prev, f))
            break;
        int fw = f->kind == F_QUOTE ? 2
                                    : L->doc->lists[f->list].lead +
                                          marker_width(&L->doc->lists[f->list]);
        if (w + fw > maxpw)
            break;
        if (f->kind == F_QUOTE) {
            if (mdr_line_puts(l, ascii ? "| " : "\u2502 ", MDR_RULE, 0))
                return NULL;
            w += 2;
            continue;
        }
        const list_info *li = &L->doc->lists[f->list];
        int mw = marker_width(li);
        if (add_spaces(l, li->lead, MDR_TEXT))
            return NULL;
        if (mode == 0 && f->first) {
            char mark[24];
            if (li->ordered)
                snprintf(mark, sizeof mark, "%*u.", mw - 2, f->number);
            else
                snprintf(mark, sizeof mark, "%s",
                         (L->flags & MDR_PLAIN) ? "-"
                                                : bullet_for(li->depth, ascii));
            if (mdr_line_puts(l, mark, MDR_MARK, 0))
                return NULL;
            if (add_spaces(l, mw - mdr_width(mark, strlen(mark)), MDR_TEXT))
                return NULL;
        } else if (add_spaces(l, mw, MDR_TEXT)) {
            return NULL;
        }
        w += li->lead + mw;
    }
    if (pw)
        *pw = w;
    return l;
}

static bool in_quote(const block *b)
{
    for (size_t i = 0; i < b->nframes; i++)
        if (b->frames[i].kind == F_QUOTE)
            return true;
    return false;
}

/* The style prose of b gets: headings and quotes recolour plain text. */
static mdr_style restyle(const block *b, mdr_style st)
{
    if (MDR_ROLE(st) != MDR_TEXT)
        return st;
    if (b->kind == B_HEADING) {
        unsigned role = b->level == 1   ? MDR_H1
                        : b->level == 2 ? MDR_H2
                                        : MDR_H3;
        return (mdr_style)((st & ~MDR_ROLE_MASK) | role | MDR_BOLD);
    }
    if (in_quote(b))
        return (mdr_style)((st & ~MDR_ROLE_MASK) | MDR_QUOTE | MDR_ITALIC);
    return st;
}

/* A word being collected: bytes and one style per byte. */
typedef struct word {
    char *s;
    mdr_style *st;
    size_t n, cap;
    int width;
} word;

static int word_push_raw(word *w, const char *s, size_t n, mdr_style st)
{
    if (!grow((void **)&w->s, &w->cap, w->n + n + 1, 1))
        return -1;
    size_t stcap = w->cap;
    mdr_style *p = realloc(w->st, stcap * sizeof(mdr_style));
    if (!p)
        return -1;
    w->st = p;
    memcpy(w->s + w->n, s, n);
    for (size_t k = 0; k < n; k++)
        w->st[w->n + k] = st;
    w->n += n;
    w->width += mdr_width(s, n);
    return 0;
}

/* Adds bytes to the word, transliterated first when ascii (so that
 * widths are measured on what will be shown). */
static int word_push(word *w, const char *s, size_t n, mdr_style st, bool ascii)
{
    if (!ascii)
        return word_push_raw(w, s, n, st);
    char *a = mdr_ascii(s, n);
    int rc = a ? word_push_raw(w, a, strlen(a), st) : -1;
    free(a);
    return rc;
}

/* Emits bytes [a, b) of w grouped by style. */
static int word_emit(mdr_line *l, const word *w, size_t a, size_t b)
{
    while (a < b) {
        size_t e = a;
        while (e < b && w->st[e] == w->st[a])
            e++;
        if (mdr_line_add(l, w->s + a, e - a, w->st[a], 0))
            return -1;
        a = e;
    }
    return 0;
}

typedef struct wrapper {
    layout *L;
    const block *b;
    mdr_line *line;
    int avail;    /* columns after the prefix */
    int used;     /* columns used after the prefix */
    bool pending; /* a space before the next word */
    mdr_style space_style;
} wrapper;

static int wrap_newline(wrapper *wr)
{
    wr->line = begin_line(wr->L, wr->b, 1, NULL);
    wr->used = 0;
    wr->pending = false;
    return wr->line ? 0 : -1;
}

static int wrap_word(wrapper *wr, word *w)
{
    if (w->n == 0)
        return 0;
    int need = w->width + (wr->used && wr->pending ? 1 : 0);
    if (wr->used && wr->used + need > wr->avail) {
        if (wrap_newline(wr))
            return -1;
        need = w->width;
    }
    if (wr->used && wr->pending) {
        if (mdr_line_add(wr->line, " ", 1, wr->space_style, 0))
            return -1;
        wr->used++;
    }
    if (wr->used + w->width <= wr->avail) {
        if (word_emit(wr->line, w, 0, w->n))
            return -1;
        wr->used += w->width;
    } else {
        /* Longer than a whole line: break it where it must. */
        size_t a = 0;
        while (a < w->n) {
            int room = wr->avail - wr->used;
            int got;
            size_t k = mdr_fit(w->s + a, w->n - a, room, &got);
            if (k == 0 && wr->used == 0) /* one wide char, no room */
                k = mdr_utf8_next(w->s, w->n, a, &(uint32_t){0}) - a;
            if (k == 0) {
                if (wrap_newline(wr))
                    return -1;
                continue;
            }
            if (word_emit(wr->line, w, a, a + k))
                return -1;
            wr->used += mdr_width(w->s + a, k);
            a += k;
            if (a < w->n && wrap_newline(wr))
                return -1;
        }
    }
    wr->pending = false;
    w->n = 0;
    w->width = 0;
    return 0;
}

/* Wraps the runs of a prose block into lines. */
static int layout_prose(layout *L, const block *b)
{
    int pw;
    wrapper wr = {.L = L, .b = b};
    wr.line = begin_line(L, b, 0, &pw);
    if (!wr.line)
        return -1;
    if (b->kind == B_HEADING)
        wr.line->heading = b->level;
    wr.avail = L->o->width - pw;
    if (wr.avail < 10)
        wr.avail = 10;
    word w = {0};
    int rc = 0;
    for (size_t r = 0; r < b->nruns && rc == 0; r++) {
        const run *ru = &b->runs[r];
        mdr_style st = restyle(b, ru->style);
        if (L->flags & MDR_PLAIN)
            st = MDR_TEXT;
        if (!strcmp(ru->text, "\n")) {
            rc = wrap_word(&wr, &w);
            if (!rc)
                rc = wrap_newline(&wr);
            continue;
        }
        size_t i = 0;
        while (i < ru->len && rc == 0) {
            size_t j = i;
            while (j < ru->len && ru->text[j] != ' ' && ru->text[j] != '\t' &&
                   ru->text[j] != '\n')
                j++;
            if (j > i)
                rc = word_push(&w, ru->text + i, j - i, st,
                               L->flags & MDR_ASCII);
            if (j < ru->len && rc == 0) {
                rc = wrap_word(&wr, &w);
                wr.pending = true;
                wr.space_style = st;
                j++;
            }
            i = j;
        }
    }
    if (rc == 0)
        rc = wrap_word(&wr, &w);
    free(w.s);
    free(w.st);
    if (rc)
        return -1;

    /* Rules under the title (and under H2 and header rows in plain). */
    int ulw = 0;
    const char *ul = NULL;
    mdr_style ust = MDR_RULE;
    if (b->kind == B_HEADING && b->level == 1) {
        ul = (L->flags & (MDR_ASCII | MDR_PLAIN)) ? "=" : "\u2550";
        ulw = (L->flags & MDR_PLAIN) ? wr.line->width - L->o->indent
                                     : L->o->width - pw;
    } else if (b->kind == B_HEADING && b->level == 2 &&
               (L->flags & MDR_PLAIN)) {
        ul = "-";
        ulw = wr.line->width - L->o->indent;
    } else if (b->kind == B_ROW && b->level == 1) {
        ul = (L->flags & (MDR_ASCII | MDR_PLAIN)) ? "-" : "\u2500";
        ulw = wr.line->width - pw;
    }
    if (ul && ulw > 0) {
        mdr_line *l = begin_line(L, b, 1, NULL);
        if (!l)
            return -1;
        for (int k = 0; k < ulw; k++)
            if (mdr_line_puts(l, ul, ust, 0))
                return -1;
    }
    return 0;
}

/* Lays out a code block: no reflow; a line too long continues after a
 * mark; tabs become spaces. */
static int layout_code(layout *L, const block *b)
{
    const char *text = b->nruns ? b->runs[0].text : "";
    size_t len = b->nruns ? b->runs[0].len : 0;
    while (len && text[len - 1] == '\n')
        len--;
    bool colour = !(L->flags & MDR_PLAIN) && b->lang &&
                  (!strcmp(b->lang, "c") || !strcmp(b->lang, "C") ||
                   !strcmp(b->lang, "h"));
    int indent = (L->flags & MDR_PLAIN) ? 4 : 2;
    bool ascii = L->flags & (MDR_ASCII | MDR_PLAIN);
    bool in_comment = false;
    bool first = true;
    int code_width = L->o->code_width > 0 ? L->o->code_width : L->o->width;
    pieces ps = {0};
    char *expanded = NULL;
    int rc = 0;
    for (size_t s = 0; s <= len && rc == 0;) {
        size_t e = s;
        while (e < len && text[e] != '\n')
            e++;
        /* Expand tabs to the next multiple of four. */
        size_t tabs = 0;
        for (size_t k = s; k < e; k++)
            tabs += text[k] == '\t';
        free(expanded);
        expanded = malloc(e - s + tabs * 4 + 1);
        if (!expanded) {
            rc = -1;
            break;
        }
        size_t n = 0;
        int col = 0;
        for (size_t k = s; k < e; k++) {
            if (text[k] == '\t') {
                do
                    expanded[n++] = ' ';
                while (++col % 4);
            } else {
                expanded[n++] = text[k];
                if (((unsigned char)text[k] & 0xc0) != 0x80)
                    col++;
            }
        }
        expanded[n] = '\0';
        if (L->flags & MDR_ASCII) { /* before measuring anything */
            char *a = mdr_ascii(expanded, n);
            free(expanded);
            if (!(expanded = a)) {
                rc = -1;
                break;
            }
            n = strlen(a);
        }
        ps.n = 0;
        if (colour)
            rc = highlight_c(expanded, n, &in_comment, &ps);
        else
            rc = push_piece(&ps, 0, n, MDR_FENCE);
        if (rc)
            break;
        int pw;
        mdr_line *l = begin_line(L, b, first ? 0 : 1, &pw);
        first = false;
        if (!l || add_spaces(l, indent, MDR_TEXT)) {
            rc = -1;
            break;
        }
        int avail = code_width - pw - indent;
        if (avail < 10)
            avail = 10;
        int used = 0, lead = 0;
        while (lead < (int)n && expanded[lead] == ' ')
            lead++;
        if (lead > avail / 2)
            lead = avail / 2;
        for (size_t p = 0; p < ps.n && rc == 0; p++) {
            const char *t = expanded + ps.v[p].off;
            size_t tl = ps.v[p].len;
            mdr_style st = (L->flags & MDR_PLAIN) ? MDR_TEXT : ps.v[p].style;
            while (tl > 0 && rc == 0) {
                int got;
                size_t k = mdr_fit(t, tl, avail - used, &got);
                if (k == 0 && used == 0) { /* wider than a line: force */
                    uint32_t cp;
                    k = mdr_utf8_next(t, tl, 0, &cp);
                    got = mdr_cp_width(cp);
                }
                if (k > 0) {
                    rc = mdr_line_add(l, t, k, st, 0);
                    used += got;
                    t += k;
                    tl -= k;
                }
                if (tl > 0 && rc == 0) { /* go on after a mark, at the
                                            line's own indentation */
                    l = begin_line(L, b, 1, NULL);
                    if (!l || add_spaces(l, indent - 2 + lead, MDR_TEXT) ||
                        mdr_line_puts(l, ascii ? "> " : "\u21aa ", MDR_RULE, 0))
                        rc = -1;
                    used = lead;
                }
            }
        }
        s = e + 1;
        if (e >= len)
            break;
    }
    free(expanded);
    free(ps.v);
    return rc;
}

static int layout_rule(layout *L, const block *b)
{
    int pw;
    mdr_line *l = begin_line(L, b, 0, &pw);
    if (!l)
        return -1;
    int n = L->o->width - pw;
    const char *r = (L->flags & (MDR_ASCII | MDR_PLAIN)) ? "-" : "\u2500";
    for (int k = 0; k < n; k++)
        if (mdr_line_puts(l, r, MDR_RULE, 0))
            return -1;
    return 0;
}

mdr_lines *mdr_layout(const mdr_doc *d, const mdr_layout_opts *o)
{
    mdr_lines *out = mdr_lines_new();
    if (!out)
        return NULL;
    layout L = {.out = out, .doc = d, .o = o, .flags = o->flags};
    for (size_t i = 0; d && i < d->n; i++) {
        const block *b = &d->blocks[i];
        L.bi = (int)i;
        for (int g = 0; g < b->gap; g++)
            if (!begin_line(&L, b, 2, NULL))
                goto oom;
        int rc;
        if (b->kind == B_CODE)
            rc = layout_code(&L, b);
        else if (b->kind == B_RULE)
            rc = layout_rule(&L, b);
        else
            rc = layout_prose(&L, b);
        if (rc)
            goto oom;
        L.prev = b;
    }
    return out;
oom:
    mdr_lines_free(out);
    return NULL;
}

mdr_lines *mdr_render(const char *text, size_t len, const mdr_layout_opts *o)
{
    mdr_doc *d = mdr_parse(text, len);
    if (!d)
        return NULL;
    mdr_lines *ls = mdr_layout(d, o);
    mdr_doc_free(d);
    return ls;
}

int mdr_lines_wrap(mdr_lines *ls, const char *text, mdr_style st, int width,
                   int indent, unsigned flags)
{
    /* A one-run paragraph through the same wrapper as prose. */
    block b = {.kind = B_PARA};
    run r = {(char *)text, strlen(text), st};
    mdr_layout_opts o = {
        .width = width + indent, .indent = indent, .flags = flags & MDR_ASCII};
    layout L = {.out = ls, .o = &o, .flags = o.flags, .bi = -1};
    size_t start = 0;
    /* Split at '\n' into paragraphs of their own, so that breaks stay. */
    for (size_t i = 0; i <= r.len; i++) {
        if (i < r.len && text[i] != '\n')
            continue;
        run para = {(char *)text + start, i - start, st};
        char *copy = malloc(para.len + 1);
        if (!copy)
            return -1;
        memcpy(copy, para.text, para.len);
        copy[para.len] = 0;
        para.text = copy;
        b.runs = &para;
        b.nruns = 1;
        int rc = layout_prose(&L, &b);
        free(copy);
        if (rc)
            return -1;
        start = i + 1;
    }
    return 0;
}

char *mdr_render_plain(const char *text, size_t len, int width, unsigned flags)
{
    mdr_layout_opts o = {.width = width > 0 ? width : 72,
                         .code_width = (width > 0 ? width : 72) + 8,
                         .flags = MDR_PLAIN | (flags & MDR_ASCII)};
    mdr_lines *ls = mdr_render(text, len, &o);
    if (!ls)
        return NULL;
    char *s = mdr_lines_text(ls);
    mdr_lines_free(ls);
    return s;
}
