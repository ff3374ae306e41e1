/*
 * tui_model.c -- the screen grid, the pager, the chrome every view
 * shares (title bar, footer of keys, help box), the home screen and the
 * lesson reader.  No curses: views draw into a tui_screen that the UI
 * paints and the tests read.  The exercise view is in tui_exercise.c.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui_model.h"

/* ------------------------------------------------------------------------
 * Screen
 * ---------------------------------------------------------------------- */

tui_screen *tui_screen_new(int rows, int cols, bool ascii)
{
    if (rows < 1 || cols < 1 || rows > 4096 || cols > 4096)
        return NULL;
    tui_screen *s = malloc(sizeof *s);
    if (!s)
        return NULL;
    s->cells = malloc((size_t)rows * (size_t)cols * sizeof(tui_cell));
    if (!s->cells) {
        free(s);
        return NULL;
    }
    s->rows = rows;
    s->cols = cols;
    s->ascii = ascii;
    tui_screen_clear(s);
    return s;
}

void tui_screen_free(tui_screen *s)
{
    if (!s)
        return;
    free(s->cells);
    free(s);
}

void tui_screen_clear(tui_screen *s)
{
    for (int i = 0; i < s->rows * s->cols; i++) {
        memcpy(s->cells[i].ch, " ", 2);
        s->cells[i].style = MDR_TEXT;
    }
}

static tui_cell *cell(tui_screen *s, int r, int c)
{
    return &s->cells[r * s->cols + c];
}

/* Sets one cell, mending a wide character it cuts in half. */
static void set_cell(tui_screen *s, int r, int c, const char *ch, size_t n,
                     mdr_style st)
{
    tui_cell *x = cell(s, r, c);
    if (x->ch[0] == '\0' && c > 0) /* right half of a wide char */
        memcpy(cell(s, r, c - 1)->ch, " ", 2);
    if (c + 1 < s->cols && cell(s, r, c + 1)->ch[0] == '\0')
        memcpy(cell(s, r, c + 1)->ch, " ", 2);
    memcpy(x->ch, ch, n);
    x->ch[n] = '\0';
    x->style = st;
}

int tui_put(tui_screen *s, int row, int col, const char *text, mdr_style st,
            int end)
{
    if (end <= 0 || end > s->cols)
        end = s->cols;
    if (row < 0 || row >= s->rows || col >= end)
        return col;
    char *ascii = NULL;
    if (s->ascii) {
        ascii = mdr_ascii(text, strlen(text));
        if (ascii)
            text = ascii;
    }
    size_t len = strlen(text);
    for (size_t i = 0; i < len && col < end;) {
        uint32_t cp;
        size_t next = mdr_utf8_next(text, len, i, &cp);
        int w = mdr_cp_width(cp);
        const char *ch = text + i;
        size_t n = next - i;
        if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) ||
            (cp == 0xfffd && n == 1)) {
            ch = cp == 0xfffd ? "?" : " "; /* never a control character */
            n = 1;
            w = 1;
        }
        i = next;
        if (w == 0)
            continue; /* combining marks are dropped, not misplaced */
        if (col < 0) {
            col += w;
            continue;
        }
        if (w == 2 && col + 1 >= end) {
            set_cell(s, row, col, " ", 1, st);
            col++;
            break;
        }
        set_cell(s, row, col, ch, n, st);
        if (w == 2) { /* the right half: an empty cell */
            if (col + 2 < s->cols && cell(s, row, col + 2)->ch[0] == '\0')
                memcpy(cell(s, row, col + 2)->ch, " ", 2);
            cell(s, row, col + 1)->ch[0] = '\0';
            cell(s, row, col + 1)->style = st;
        }
        col += w;
    }
    free(ascii);
    return col;
}

void tui_put_line(tui_screen *s, int row, int col, const mdr_line *l, int end)
{
    for (size_t i = 0; i < l->nspans; i++)
        col = tui_put(s, row, col, l->spans[i].text, l->spans[i].style, end);
}

void tui_style_range(tui_screen *s, int row, int c0, int c1, mdr_style st,
                     bool add)
{
    if (row < 0 || row >= s->rows)
        return;
    if (c0 < 0)
        c0 = 0;
    if (c1 > s->cols)
        c1 = s->cols;
    for (int c = c0; c < c1; c++) {
        tui_cell *x = cell(s, row, c);
        x->style = add ? (mdr_style)(x->style | st) : st;
    }
}

char *tui_screen_row(const tui_screen *s, int row)
{
    size_t cap = (size_t)s->cols * 8 + 1, n = 0;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    for (int c = 0; c < s->cols; c++) {
        const char *ch = s->cells[row * s->cols + c].ch;
        size_t l = strlen(ch);
        memcpy(out + n, ch, l);
        n += l;
    }
    while (n && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
    return out;
}

char *tui_screen_text(const tui_screen *s)
{
    size_t cap = (size_t)s->rows * ((size_t)s->cols * 8 + 1) + 1, n = 0;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    for (int r = 0; r < s->rows; r++) {
        char *row = tui_screen_row(s, r);
        if (!row) {
            free(out);
            return NULL;
        }
        size_t l = strlen(row);
        memcpy(out + n, row, l);
        n += l;
        out[n++] = '\n';
        free(row);
    }
    out[n] = '\0';
    return out;
}

bool tui_screen_row_equal(const tui_screen *a, const tui_screen *b, int r)
{
    if (a->cols != b->cols || r >= a->rows || r >= b->rows)
        return false;
    for (int c = 0; c < a->cols; c++) {
        const tui_cell *x = &a->cells[r * a->cols + c];
        const tui_cell *y = &b->cells[r * b->cols + c];
        if (x->style != y->style || strcmp(x->ch, y->ch) != 0)
            return false;
    }
    return true;
}

/* ------------------------------------------------------------------------
 * Chrome
 * ---------------------------------------------------------------------- */

int tui__put_right(tui_screen *s, int row, int end, const char *text,
                   mdr_style st)
{
    int w = mdr_width(text, strlen(text));
    int col = end - w;
    if (col < 0)
        col = 0;
    tui_put(s, row, col, text, st, end);
    return col;
}

int tui__put_clip(tui_screen *s, int row, int col, const char *text,
                  mdr_style st, int end, tui_look look)
{
    size_t len = strlen(text);
    int w = mdr_width(text, len);
    if (col + w <= end)
        return tui_put(s, row, col, text, st, end);
    const char *ell = look.utf8 ? "\u2026" : "...";
    int ew = look.utf8 ? 1 : 3;
    if (end - col <= ew)
        return tui_put(s, row, col, text, st, end);
    size_t k = mdr_fit(text, len, end - col - ew, NULL);
    while (k > 0 && text[k - 1] == ' ')
        k--;
    char *cut = malloc(k + 1);
    if (!cut)
        return col;
    memcpy(cut, text, k);
    cut[k] = '\0';
    int c = tui_put(s, row, col, cut, st, end);
    free(cut);
    return tui_put(s, row, c, ell, st, end);
}

void tui__title_bar(tui_screen *s, const char *left, const char *right)
{
    tui_style_range(s, 0, 0, s->cols, TUI_BAR, false);
    int rc =
        right ? tui__put_right(s, 0, s->cols - 1, right, TUI_BAR_DIM) : s->cols;
    tui_look look = {.utf8 = !s->ascii};
    tui__put_clip(s, 0, 1, left, TUI_BAR | MDR_BOLD, rc - 2, look);
}

void tui__footer(tui_screen *s, const tui__keyhelp *keys, size_t n,
                 const char *right)
{
    int row = s->rows - 1;
    int end = s->cols - 1;
    if (right)
        end = tui__put_right(s, row, s->cols - 1, right, TUI_LABEL) - 2;
    int c = 1;
    for (size_t i = 0; i < n; i++) {
        int w = mdr_width(keys[i].key, strlen(keys[i].key)) + 1 +
                mdr_width(keys[i].label, strlen(keys[i].label));
        if (c + w > end)
            break; /* the help box (?) lists everything */
        c = tui_put(s, row, c, keys[i].key, TUI_KEY | MDR_BOLD, end);
        c = tui_put(s, row, c + 1, keys[i].label, TUI_LABEL, end) + 2;
    }
}

void tui__help_box(tui_screen *s, const char *title, const tui__keyhelp *keys,
                   size_t n, tui_look look)
{
    int kw = 0, lw = 0;
    for (size_t i = 0; i < n; i++) {
        int a = mdr_width(keys[i].key, strlen(keys[i].key));
        int b = mdr_width(keys[i].label, strlen(keys[i].label));
        kw = a > kw ? a : kw;
        lw = b > lw ? b : lw;
    }
    const char *close = "any key closes this";
    int inner = kw + 3 + lw;
    if (inner < (int)strlen(close))
        inner = (int)strlen(close);
    int w = inner + 6, h = (int)n + 6;
    if (w > s->cols)
        w = s->cols;
    if (h > s->rows)
        h = s->rows;
    int r0 = (s->rows - h) / 2, c0 = (s->cols - w) / 2;
    const char *hz = look.utf8 ? "\u2500" : "-";
    const char *vt = look.utf8 ? "\u2502" : "|";
    const char *tl = look.utf8 ? "\u256d" : "+";
    const char *tr = look.utf8 ? "\u256e" : "+";
    const char *bl = look.utf8 ? "\u2570" : "+";
    const char *br = look.utf8 ? "\u256f" : "+";
    for (int r = r0; r < r0 + h; r++) {
        tui_style_range(s, r, c0, c0 + w, MDR_TEXT, false);
        for (int c = c0; c < c0 + w; c++) {
            bool top = r == r0, bot = r == r0 + h - 1;
            bool left = c == c0, right = c == c0 + w - 1;
            const char *ch = " ";
            if ((top || bot) && (left || right))
                ch = top ? (left ? tl : tr) : (left ? bl : br);
            else if (top || bot)
                ch = hz;
            else if (left || right)
                ch = vt;
            tui_put(s, r, c, ch, TUI_BORDER, 0);
        }
    }
    char t[128];
    snprintf(t, sizeof t, " %s ", title);
    tui_put(s, r0, c0 + 2, t, TUI_BORDER | MDR_BOLD, c0 + w - 1);
    for (size_t i = 0; i < n && r0 + 2 + (int)i < r0 + h - 2; i++) {
        int r = r0 + 2 + (int)i;
        int kc = c0 + 3 + kw - mdr_width(keys[i].key, strlen(keys[i].key));
        tui_put(s, r, kc, keys[i].key, TUI_KEY | MDR_BOLD, c0 + w - 1);
        tui_put(s, r, c0 + 3 + kw + 3, keys[i].label, MDR_TEXT, c0 + w - 2);
    }
    tui_put(s, r0 + h - 2, c0 + 3, close, TUI_LABEL, c0 + w - 2);
}

const char *tui__status_mark(ex_status st, tui_look look, mdr_style *style)
{
    switch (st) {
    case EX_DONE:
        *style = TUI_OK | MDR_BOLD;
        return look.utf8 ? "\u2713" : "v";
    case EX_FAILING:
        *style = TUI_FAIL | MDR_BOLD;
        return look.utf8 ? "\u2717" : "x";
    case EX_STARTED:
        *style = TUI_WARN;
        return look.utf8 ? "\u2022" : "*";
    default:
        *style = TUI_LABEL;
        return look.utf8 ? "\u00b7" : ".";
    }
}

/* ------------------------------------------------------------------------
 * Pager
 * ---------------------------------------------------------------------- */

static int pager_max_top(const tui_pager *p)
{
    int n = p->lines ? (int)p->lines->n : 0;
    int h = p->height > 0 ? p->height : 1;
    return n > h ? n - h : 0;
}

static void pager_clamp(tui_pager *p)
{
    int max = pager_max_top(p);
    if (p->top > max)
        p->top = max;
    if (p->top < 0)
        p->top = 0;
    if (p->lines && p->top < (int)p->lines->n) {
        /* Remember the block on top and how far into it we are. */
        int b = p->lines->v[p->top].block, i = p->top;
        while (b >= 0 && i > 0 && p->lines->v[i - 1].block == b)
            i--;
        p->anchor = b;
        p->anchor_off = p->top - i;
    }
}

void tui_pager_set(tui_pager *p, mdr_lines *lines, bool keep)
{
    int anchor = p->anchor;
    int old_top = p->top;
    mdr_lines_free(p->lines);
    p->lines = lines;
    p->top = 0;
    if (keep && lines) {
        /* The first line of the block that was on top; lines without a
         * block (hand-built) keep their index instead. */
        p->top = old_top;
        if (anchor >= 0)
            for (size_t i = 0; i < lines->n; i++)
                if (lines->v[i].block >= anchor) {
                    /* The same line of the block when it still has it:
                     * back at the old width, the view is where it was. */
                    size_t k = 0;
                    while (lines->v[i].block == anchor &&
                           (int)k < p->anchor_off && i + k + 1 < lines->n &&
                           lines->v[i + k + 1].block == anchor)
                        k++;
                    p->top = (int)(i + k);
                    break;
                }
    }
    pager_clamp(p);
}

void tui_pager_free(tui_pager *p)
{
    mdr_lines_free(p->lines);
    p->lines = NULL;
}

bool tui_pager_key(tui_pager *p, int key)
{
    int h = p->height > 1 ? p->height : 2;
    switch (key) {
    case TUI_K_UP:
    case 'k':
        p->top--;
        break;
    case TUI_K_DOWN:
    case 'j':
        p->top++;
        break;
    case TUI_K_PGUP:
    case 'b':
        p->top -= h - 1;
        break;
    case TUI_K_PGDN:
    case ' ':
        p->top += h - 1;
        break;
    case TUI_K_HOME:
    case 'g':
        p->top = 0;
        break;
    case TUI_K_END:
    case 'G':
        p->top = pager_max_top(p);
        break;
    case 'n':
    case 'p': {
        /* Next or previous section heading (H1 or H2). */
        if (!p->lines)
            break;
        int step = key == 'n' ? 1 : -1;
        for (int i = p->top + step; i >= 0 && i < (int)p->lines->n; i += step)
            if (p->lines->v[i].heading && p->lines->v[i].heading <= 2) {
                p->top = i;
                break;
            }
        break;
    }
    default:
        return false;
    }
    pager_clamp(p);
    return true;
}

void tui_pager_draw(tui_pager *p, tui_screen *s, int row, int height, int col,
                    int end)
{
    p->height = height;
    pager_clamp(p);
    if (!p->lines)
        return;
    for (int r = 0; r < height; r++) {
        int i = p->top + r;
        if (i >= (int)p->lines->n)
            break;
        tui_put_line(s, row + r, col, &p->lines->v[i], end);
    }
}

int tui_pager_percent(const tui_pager *p)
{
    int n = p->lines ? (int)p->lines->n : 0;
    if (n == 0)
        return 100;
    int bottom = p->top + p->height;
    if (bottom >= n)
        return 100;
    return bottom * 100 / n;
}

void tui_text_geometry(int cols, int *width, int *code_width, int *margin)
{
    /* A readable measure: at most 84 columns of prose, centred on wide
     * terminals; code may use 6 more so that 80-column code fits. */
    int w = cols - 4;
    if (w > 84)
        w = 84;
    if (w < 10)
        w = 10;
    int m = (cols - w) / 2;
    if (m > 2 && cols < 100)
        m = 2;
    int cw = cols - m - 1;
    if (cw > w + 6)
        cw = w + 6;
    *width = w;
    *code_width = cw;
    *margin = m;
}

/* ------------------------------------------------------------------------
 * Home
 * ---------------------------------------------------------------------- */

static char *dup_str(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* Case-insensitive substring test (ASCII folding; UTF-8 bytes compare
 * as they are). */
static bool contains_ci(const char *hay, const char *needle)
{
    if (!hay)
        return false;
    size_t n = strlen(needle);
    if (n == 0)
        return true;
    for (const char *p = hay; *p; p++) {
        size_t k = 0;
        while (k < n && p[k] &&
               tolower((unsigned char)p[k]) ==
                   tolower((unsigned char)needle[k]))
            k++;
        if (k == n)
            return true;
    }
    return false;
}

static bool home_matches(const tui_home_model *h, size_t i)
{
    const manifest_exercise *ex = &h->m->exercises[i];
    return contains_ci(ex->id, h->query) || contains_ci(ex->title, h->query) ||
           contains_ci(h->lesson_titles[i], h->query);
}

static int home_rebuild(tui_home_model *h)
{
    size_t keep_ex =
        h->nrows && h->sel < h->nrows ? h->rows[h->sel].ex : h->current;
    free(h->rows);
    h->rows = NULL;
    h->nrows = 0;
    h->sel = 0;
    size_t n = h->m ? h->m->nexercises : 0;
    h->rows = malloc((2 * n + 1) * sizeof(tui_home_row));
    if (!h->rows)
        return -1;
    const char *topic = NULL;
    bool have_sel = false;
    for (size_t i = 0; i < n; i++) {
        if (!home_matches(h, i))
            continue;
        const manifest_exercise *ex = &h->m->exercises[i];
        if (!topic || strcmp(topic, ex->topic) != 0) {
            topic = ex->topic;
            h->rows[h->nrows++] = (tui_home_row){true, i};
        }
        if (i == keep_ex || (!have_sel && keep_ex == SIZE_MAX)) {
            h->sel = h->nrows;
            have_sel = true;
        }
        h->rows[h->nrows++] = (tui_home_row){false, i};
    }
    if (!have_sel) /* the first exercise row */
        for (size_t r = 0; r < h->nrows; r++)
            if (!h->rows[r].header) {
                h->sel = r;
                break;
            }
    h->top = 0;
    return 0;
}

int tui_home_init(tui_home_model *h, const manifest *m, const ex_status *status,
                  const char *const *titles, const char *current, tui_look look)
{
    memset(h, 0, sizeof *h);
    h->m = m;
    h->look = look;
    h->current = SIZE_MAX;
    size_t n = m ? m->nexercises : 0;
    h->status = calloc(n ? n : 1, sizeof(ex_status));
    h->lesson_titles = calloc(n ? n : 1, sizeof(char *));
    if (!h->status || !h->lesson_titles)
        return -1;
    for (size_t i = 0; i < n; i++) {
        h->status[i] = status ? status[i] : EX_NOT_STARTED;
        const char *t = titles && titles[i] ? titles[i] : m->exercises[i].topic;
        if (!(h->lesson_titles[i] = dup_str(t)))
            return -1;
        if (current && !strcmp(current, m->exercises[i].id))
            h->current = i;
    }
    return home_rebuild(h);
}

void tui_home_free(tui_home_model *h)
{
    size_t n = h->m ? h->m->nexercises : 0;
    for (size_t i = 0; h->lesson_titles && i < n; i++)
        free(h->lesson_titles[i]);
    free(h->lesson_titles);
    free(h->status);
    free(h->rows);
    memset(h, 0, sizeof *h);
}

void tui_home_note(tui_home_model *h, const char *fmt, ...)
{
    h->note[0] = '\0';
    if (!fmt)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(h->note, sizeof h->note, fmt, ap);
    va_end(ap);
}

void tui_home_set_status(tui_home_model *h, size_t i, ex_status st)
{
    if (h->m && i < h->m->nexercises)
        h->status[i] = st;
}

/* Moves the selection by delta exercise rows (skipping headers). */
static void home_move(tui_home_model *h, int delta)
{
    if (!h->nrows)
        return;
    int step = delta > 0 ? 1 : -1;
    int left = delta > 0 ? delta : -delta;
    size_t r = h->sel;
    while (left > 0) {
        size_t k = r;
        bool moved = false;
        while ((step > 0 && k + 1 < h->nrows) || (step < 0 && k > 0)) {
            k += (size_t)step;
            if (!h->rows[k].header) {
                r = k;
                moved = true;
                break;
            }
        }
        if (!moved)
            break;
        left--;
    }
    h->sel = r;
}

static const tui__keyhelp home_keys[] = {
    {"\u2191\u2193", "move"}, {"enter", "open"}, {"l", "lesson"},
    {"/", "search"},          {"?", "help"},     {"q", "quit"},
};
static const tui__keyhelp home_keys_ascii[] = {
    {"j/k", "move"}, {"enter", "open"}, {"l", "lesson"},
    {"/", "search"}, {"?", "help"},     {"q", "quit"},
};
static const tui__keyhelp home_help[] = {
    {"\u2191 \u2193  k j", "move between exercises"},
    {"PgUp PgDn", "move a page"},
    {"Home End  g G", "first, last exercise"},
    {"enter", "open the exercise (checks run as you save)"},
    {"l", "read the exercise's lesson"},
    {"/", "search exercises and lessons; esc clears"},
    {"?", "this help"},
    {"q", "quit"},
};

static int home_list_height(const tui_screen *s)
{
    return s->rows - 6;
}

tui_action tui_home_key(tui_home_model *h, int key, size_t *ex)
{
    if (key == TUI_K_CTRL_C)
        return TUI_ACT_QUIT;
    if (key == TUI_K_RESIZE)
        return TUI_ACT_NONE;
    if (key == TUI_K_CTRL_L)
        return TUI_ACT_REDRAW;
    h->note[0] = '\0';
    if (h->help) {
        h->help = false;
        return TUI_ACT_NONE;
    }
    if (h->searching) {
        size_t n = strlen(h->query);
        if (key == TUI_K_ENTER) {
            h->searching = false;
        } else if (key == TUI_K_ESC) {
            h->searching = false;
            h->query[0] = '\0';
            home_rebuild(h);
        } else if (key == TUI_K_BACKSPACE) {
            while (n > 0 && ((unsigned char)h->query[n - 1] & 0xc0) == 0x80)
                n--; /* a whole UTF-8 character */
            if (n > 0)
                n--;
            h->query[n] = '\0';
            home_rebuild(h);
        } else if (key == TUI_K_UP || key == TUI_K_DOWN) {
            home_move(h, key == TUI_K_UP ? -1 : 1);
        } else if (key >= 0x20 && key < 0x110000 && key != 0x7f) {
            char buf[5];
            size_t k = 0;
            uint32_t cp = (uint32_t)key;
            if (cp < 0x80) {
                buf[k++] = (char)cp;
            } else if (cp < 0x800) {
                buf[k++] = (char)(0xc0 | (cp >> 6));
                buf[k++] = (char)(0x80 | (cp & 0x3f));
            } else if (cp < 0x10000) {
                buf[k++] = (char)(0xe0 | (cp >> 12));
                buf[k++] = (char)(0x80 | ((cp >> 6) & 0x3f));
                buf[k++] = (char)(0x80 | (cp & 0x3f));
            } else {
                buf[k++] = (char)(0xf0 | (cp >> 18));
                buf[k++] = (char)(0x80 | ((cp >> 12) & 0x3f));
                buf[k++] = (char)(0x80 | ((cp >> 6) & 0x3f));
                buf[k++] = (char)(0x80 | (cp & 0x3f));
            }
            if (n + k < sizeof h->query) {
                memcpy(h->query + n, buf, k);
                h->query[n + k] = '\0';
                home_rebuild(h);
            }
        }
        return TUI_ACT_NONE;
    }
    bool have = h->nrows > 0 && !h->rows[h->sel].header;
    switch (key) {
    case 'q':
        return TUI_ACT_QUIT;
    case TUI_K_ESC:
        if (h->query[0]) {
            h->query[0] = '\0';
            home_rebuild(h);
        }
        return TUI_ACT_NONE;
    case '?':
        h->help = true;
        return TUI_ACT_NONE;
    case '/':
        h->searching = true;
        return TUI_ACT_NONE;
    case TUI_K_UP:
    case 'k':
        home_move(h, -1);
        return TUI_ACT_NONE;
    case TUI_K_DOWN:
    case 'j':
        home_move(h, 1);
        return TUI_ACT_NONE;
    case TUI_K_PGUP:
        home_move(h, -10);
        return TUI_ACT_NONE;
    case TUI_K_PGDN:
        home_move(h, 10);
        return TUI_ACT_NONE;
    case TUI_K_HOME:
    case 'g':
        home_move(h, -(int)h->nrows);
        return TUI_ACT_NONE;
    case TUI_K_END:
    case 'G':
        home_move(h, (int)h->nrows);
        return TUI_ACT_NONE;
    case TUI_K_ENTER:
    case TUI_K_RIGHT:
        if (!have)
            return TUI_ACT_NONE;
        *ex = h->rows[h->sel].ex;
        return TUI_ACT_OPEN_EXERCISE;
    case 'l':
        if (!have)
            return TUI_ACT_NONE;
        *ex = h->rows[h->sel].ex;
        return TUI_ACT_OPEN_LESSON;
    default:
        return TUI_ACT_NONE;
    }
}

static void draw_progress(tui_home_model *h, tui_screen *s, int row)
{
    size_t n = h->m ? h->m->nexercises : 0, done = 0;
    for (size_t i = 0; i < n; i++)
        done += h->status[i] == EX_DONE;
    char right[64];
    snprintf(right, sizeof right, "%zu of %zu done \u00b7 %zu%%", done, n,
             n ? done * 100 / n : 0);
    int c = tui_put(s, row, 2, "Progress", MDR_BOLD, 0) + 2;
    int rw = mdr_width(right, strlen(right));
    int bw = s->cols - c - rw - 4;
    if (bw > 48)
        bw = 48;
    if (bw < 10)
        bw = 10;
    int filled = n ? (int)(done * (size_t)bw / n) : 0;
    for (int k = 0; k < bw; k++)
        tui_put(s, row, c + k,
                k < filled ? (h->look.utf8 ? "\u2588" : "#")
                           : (h->look.utf8 ? "\u2591" : "."),
                k < filled ? TUI_PROGRESS : TUI_TRACK, 0);
    tui_put(s, row, c + bw + 2, right, done == n && n ? TUI_OK : TUI_LABEL, 0);
}

void tui_home_draw(tui_home_model *h, tui_screen *s)
{
    tui_screen_clear(s);
    tui_look look = h->look;
    size_t n = h->m ? h->m->nexercises : 0;
    tui__title_bar(s, "tglab \u00b7 error handling in structured concurrency",
                   NULL);
    draw_progress(h, s, 2);

    int list_top = 4, height = home_list_height(s);
    if (h->sel < (size_t)h->top)
        h->top = (int)h->sel;
    if (h->sel > 0 && h->rows && h->rows[h->sel - 1].header &&
        h->sel - 1 < (size_t)h->top)
        h->top = (int)h->sel - 1; /* show the lesson's title too */
    if ((int)h->sel >= h->top + height)
        h->top = (int)h->sel - height + 1;
    if (h->top < 0)
        h->top = 0;

    if (n == 0) {
        tui_put(s, list_top, 4,
                "No exercises yet: exercises/manifest.json "
                "lists none.",
                TUI_LABEL, 0);
    } else if (h->nrows == 0) {
        char msg[128];
        snprintf(msg, sizeof msg, "Nothing matches \u201c%s\u201d.", h->query);
        tui_put(s, list_top, 4, msg, TUI_LABEL, 0);
        tui_put(s, list_top + 1, 4, "esc clears the search.", TUI_LABEL, 0);
    }
    int name_w = 20;
    for (int r = 0; r < height && h->top + r < (int)h->nrows; r++) {
        const tui_home_row *row = &h->rows[h->top + r];
        int y = list_top + r;
        const manifest_exercise *ex = &h->m->exercises[row->ex];
        if (row->header) {
            tui__put_clip(s, y, 2, h->lesson_titles[row->ex],
                          TUI_HEADER | MDR_BOLD, s->cols - 2, look);
            continue;
        }
        mdr_style ms;
        const char *mark = tui__status_mark(h->status[row->ex], look, &ms);
        bool cur = row->ex == h->current;
        bool sel = (size_t)(h->top + r) == h->sel;
        tui_put(s, y, 2, sel ? (look.utf8 ? "\u25b8" : ">") : " ",
                TUI_INFO | MDR_BOLD, 0);
        tui_put(s, y, 4, mark, ms, 0);
        char num[16];
        snprintf(num, sizeof num, "%2zu", row->ex + 1);
        tui_put(s, y, 7, num, TUI_LABEL, 0);
        tui__put_clip(s, y, 11, ex->name, cur ? MDR_BOLD : MDR_TEXT,
                      11 + name_w, look);
        int end = s->cols - 2;
        if (cur)
            end = tui__put_right(s, y, s->cols - 2, "current",
                                 TUI_WARN | MDR_BOLD) -
                  2;
        tui__put_clip(s, y, 11 + name_w + 2, ex->title, TUI_LABEL, end, look);
        if (sel)
            tui_style_range(s, y, 1, s->cols - 1, MDR_REVERSE, true);
    }
    /* Scroll hints when rows are hidden above or below. */
    if (h->top > 0)
        tui__put_right(s, list_top - 1, s->cols - 2,
                       look.utf8 ? "\u2191 more" : "^ more", TUI_LABEL);
    if (h->top + height < (int)h->nrows)
        tui__put_right(s, list_top + height, s->cols - 2,
                       look.utf8 ? "\u2193 more" : "v more", TUI_LABEL);

    int srow = s->rows - 2;
    if (h->note[0] && !h->searching)
        tui__put_clip(s, srow, 2, h->note, TUI_WARN, s->cols - 2, look);
    else if (h->searching || h->query[0]) {
        int c = tui_put(s, srow, 2, "/", TUI_SEARCH | MDR_BOLD, 0);
        c = tui_put(s, srow, c + 1, h->query, TUI_SEARCH, s->cols - 30);
        if (h->searching)
            tui_put(s, srow, c, " ", TUI_SEARCH | MDR_REVERSE, 0);
        size_t matches = 0;
        for (size_t r = 0; r < h->nrows; r++)
            matches += !h->rows[r].header;
        char cnt[48];
        snprintf(cnt, sizeof cnt, "%zu match%s", matches,
                 matches == 1 ? "" : "es");
        tui__put_right(s, srow, s->cols - 2, cnt, TUI_LABEL);
    }
    if (h->searching) {
        static const tui__keyhelp sk[] = {
            {"type", "to filter"}, {"enter", "keep"}, {"esc", "clear"}};
        tui__footer(s, sk, 3, NULL);
    } else if (h->query[0]) {
        static const tui__keyhelp fk[] = {{"enter", "open"},
                                          {"/", "edit search"},
                                          {"esc", "clear search"},
                                          {"?", "help"},
                                          {"q", "quit"}};
        tui__footer(s, fk, 5, NULL);
    } else {
        tui__footer(s, look.utf8 ? home_keys : home_keys_ascii,
                    sizeof home_keys / sizeof home_keys[0], NULL);
    }
    if (h->help)
        tui__help_box(s, "Keys: home", home_help,
                      sizeof home_help / sizeof home_help[0], look);
}

/* ------------------------------------------------------------------------
 * Lesson reader
 * ---------------------------------------------------------------------- */

static const tui__keyhelp lesson_keys[] = {
    {"\u2191\u2193", "scroll"}, {"PgUp/PgDn", "page"}, {"n/p", "section"},
    {"g/G", "top/end"},         {"?", "help"},         {"q", "back"},
};
static const tui__keyhelp lesson_keys_ascii[] = {
    {"j/k", "scroll"},  {"PgUp/PgDn", "page"}, {"n/p", "section"},
    {"g/G", "top/end"}, {"?", "help"},         {"q", "back"},
};
static const tui__keyhelp lesson_help[] = {
    {"\u2191 \u2193  k j", "scroll a line"},
    {"PgUp PgDn  b space", "scroll a page"},
    {"Home End  g G", "top, end"},
    {"n p", "next, previous section"},
    {"?", "this help"},
    {"q esc", "back"},
};

int tui_lesson_init(tui_lesson_model *l, const char *text, size_t len,
                    const char *path, tui_look look)
{
    memset(l, 0, sizeof *l);
    l->look = look;
    l->pager.anchor = -1;
    l->doc = mdr_parse(text, len);
    l->path = dup_str(path ? path : "");
    if (!l->doc || !l->path)
        return -1;
    l->title = mdr_doc_title(l->doc);
    if (!l->title) {
        const char *slash = path ? strrchr(path, '/') : NULL;
        l->title = dup_str(slash ? slash + 1 : path ? path : "lesson");
    }
    return l->title ? 0 : -1;
}

void tui_lesson_free(tui_lesson_model *l)
{
    mdr_doc_free(l->doc);
    free(l->title);
    free(l->path);
    tui_pager_free(&l->pager);
    memset(l, 0, sizeof *l);
}

tui_action tui_lesson_key(tui_lesson_model *l, int key)
{
    if (key == TUI_K_CTRL_C)
        return TUI_ACT_QUIT;
    if (key == TUI_K_CTRL_L)
        return TUI_ACT_REDRAW;
    if (key == TUI_K_RESIZE)
        return TUI_ACT_NONE;
    if (l->help) {
        l->help = false;
        return TUI_ACT_NONE;
    }
    if (key == 'q' || key == TUI_K_ESC || key == TUI_K_LEFT)
        return TUI_ACT_BACK;
    if (key == '?') {
        l->help = true;
        return TUI_ACT_NONE;
    }
    tui_pager_key(&l->pager, key);
    return TUI_ACT_NONE;
}

/* Lays the lesson out again when the width changed. */
static void lesson_relayout(tui_lesson_model *l, int cols)
{
    if (l->pager.lines && l->laid_width == cols)
        return;
    int w, cw, m;
    tui_text_geometry(cols, &w, &cw, &m);
    mdr_layout_opts o = {
        .width = w, .code_width = cw, .flags = l->look.utf8 ? 0 : MDR_ASCII};
    mdr_lines *ls = mdr_layout(l->doc, &o);
    if (!ls)
        return; /* out of memory: keep the old lines */
    tui_pager_set(&l->pager, ls, l->pager.lines != NULL);
    l->laid_width = cols;
}

void tui_lesson_draw(tui_lesson_model *l, tui_screen *s)
{
    tui_screen_clear(s);
    lesson_relayout(l, s->cols);
    int w, cw, m;
    tui_text_geometry(s->cols, &w, &cw, &m);
    tui__title_bar(s, l->title, l->path);
    tui_pager_draw(&l->pager, s, 2, s->rows - 3, m, s->cols);
    char pct[32];
    snprintf(pct, sizeof pct, "%3d%%", tui_pager_percent(&l->pager));
    tui__footer(s, l->look.utf8 ? lesson_keys : lesson_keys_ascii,
                sizeof lesson_keys / sizeof lesson_keys[0], pct);
    if (l->help)
        tui__help_box(s, "Keys: lesson", lesson_help,
                      sizeof lesson_help / sizeof lesson_help[0], l->look);
}

void tui_draw_too_small(tui_screen *s, tui_look look)
{
    tui_screen_clear(s);
    char a[96], b[96];
    snprintf(a, sizeof a, "tglab needs at least %dx%d;", TUI_MIN_COLS,
             TUI_MIN_ROWS);
    snprintf(b, sizeof b, "this terminal is %dx%d.", s->cols, s->rows);
    const char *c = "Make it larger, or run with --plain.";
    const char *lines[] = {a, b, c};
    int r0 = s->rows / 2 - 1;
    for (int i = 0; i < 3; i++) {
        int w = mdr_width(lines[i], strlen(lines[i]));
        int col = (s->cols - w) / 2;
        tui_put(s, r0 + i, col < 0 ? 0 : col, lines[i],
                i == 0 ? (mdr_style)(TUI_WARN | MDR_BOLD) : MDR_TEXT, 0);
    }
    (void)look;
}
