/*
 * term.c -- the one file that talks to curses (ncursesw): taking and
 * giving back the terminal, colour pairs for the model's roles (or plain
 * attributes on monochrome terminals and under NO_COLOR), reading keys
 * together with other file descriptors, and painting a tui_screen by
 * rewriting only the rows that changed, in a single doupdate().
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curses.h>

#include "ui_internal.h"

/* ------------------------------------------------------------------------
 * Signals: SIGTERM and SIGHUP end the UI cleanly (the terminal must be
 * given back); their handler only writes to a pipe.
 * ---------------------------------------------------------------------- */

static int sig_fd = -1;
static struct sigaction old_term, old_hup;

static void on_signal(int signo)
{
    int saved = errno;
    char b = (char)signo;
    if (sig_fd >= 0) {
        ssize_t r = write(sig_fd, &b, 1);
        (void)r;
    }
    errno = saved;
}

/* ------------------------------------------------------------------------
 * Looks
 * ---------------------------------------------------------------------- */

typedef struct look {
    short fg, bg; /* -1: the terminal's default */
    attr_t attr;  /* with colours */
    attr_t mono;  /* without */
} look;

/* Index: the role.  Dim text uses colour 8 (bright black) when the
 * terminal has 16 colours or more, A_DIM otherwise. */
#define DIM -2
static const struct {
    unsigned role;
    look l;
} looks[] = {
    {MDR_TEXT, {-1, -1, 0, 0}},
    {MDR_H1, {COLOR_CYAN, -1, A_BOLD, A_BOLD | A_UNDERLINE}},
    {MDR_H2, {COLOR_CYAN, -1, A_BOLD, A_BOLD}},
    {MDR_H3, {-1, -1, A_BOLD, A_BOLD}},
    {MDR_CODE, {COLOR_YELLOW, -1, 0, A_BOLD}},
    {MDR_LINK, {COLOR_CYAN, -1, A_UNDERLINE, A_UNDERLINE}},
    {MDR_QUOTE, {-1, -1, 0, 0}}, /* italic where the terminal has it */
    {MDR_MARK, {COLOR_CYAN, -1, 0, A_BOLD}},
    {MDR_RULE, {DIM, -1, 0, A_DIM}},
    {MDR_FENCE, {-1, -1, 0, 0}},
    {MDR_KEYWORD, {COLOR_MAGENTA, -1, 0, A_BOLD}},
    {MDR_TYPE, {COLOR_CYAN, -1, 0, 0}},
    {MDR_STRING, {COLOR_GREEN, -1, 0, 0}},
    {MDR_COMMENT, {DIM, -1, 0, A_DIM}},
    {MDR_NUMBER, {COLOR_YELLOW, -1, 0, 0}},
    {MDR_PREPROC, {COLOR_RED, -1, 0, A_BOLD}},
    {TUI_BAR, {COLOR_WHITE, COLOR_BLUE, 0, A_REVERSE}},
    {TUI_BAR_DIM, {COLOR_WHITE, COLOR_BLUE, 0, A_REVERSE}},
    {TUI_KEY, {COLOR_CYAN, -1, A_BOLD, A_BOLD}},
    {TUI_LABEL, {DIM, -1, 0, A_DIM}},
    {TUI_SELECT, {-1, -1, A_REVERSE, A_REVERSE}},
    {TUI_OK, {COLOR_GREEN, -1, 0, 0}},
    {TUI_FAIL, {COLOR_RED, -1, 0, A_BOLD}},
    {TUI_WARN, {COLOR_YELLOW, -1, 0, A_BOLD}},
    {TUI_INFO, {COLOR_CYAN, -1, 0, 0}},
    {TUI_PROGRESS, {COLOR_GREEN, -1, 0, 0}},
    {TUI_TRACK, {DIM, -1, 0, A_DIM}},
    {TUI_HEADER, {-1, -1, A_BOLD, A_BOLD}},
    {TUI_TAB, {DIM, -1, 0, A_DIM}},
    {TUI_TAB_ON, {COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE}},
    {TUI_SEARCH, {COLOR_YELLOW, -1, 0, A_BOLD}},
    {TUI_BORDER, {COLOR_CYAN, -1, 0, 0}},
    {TUI_TL_SPAWN, {COLOR_BLUE, -1, 0, 0}},
    {TUI_TL_FAIL, {COLOR_RED, -1, 0, A_BOLD}},
    {TUI_TL_CANCEL, {COLOR_YELLOW, -1, 0, 0}},
    {TUI_TL_PROP, {COLOR_MAGENTA, -1, 0, A_BOLD}},
};

#define NROLES 256
static attr_t role_attr[NROLES]; /* pair and attributes, per role */
static bool have_italic;

static void setup_looks(bool color)
{
    bool dim8 = color && COLORS >= 16;
    for (size_t i = 0; i < sizeof looks / sizeof looks[0]; i++) {
        unsigned r = looks[i].role;
        look l = looks[i].l;
        if (!color) {
            role_attr[r] = l.mono;
            continue;
        }
        attr_t extra = 0;
        if (l.fg == DIM) {
            if (dim8)
                l.fg = 8;
            else {
                l.fg = -1;
                extra = A_DIM;
            }
        }
        short pair = (short)(i + 1);
        init_pair(pair, l.fg, l.bg);
        role_attr[r] = COLOR_PAIR(pair) | l.attr | extra;
    }
    have_italic = (termattrs() & A_ITALIC) != 0;
}

static attr_t attr_of(mdr_style st)
{
    attr_t a = role_attr[MDR_ROLE(st)];
    if (st & MDR_BOLD)
        a |= A_BOLD;
    if (st & MDR_UNDERLINE)
        a |= A_UNDERLINE;
    if (st & MDR_REVERSE)
        a |= A_REVERSE;
    if (st & MDR_DIM)
        a |= A_DIM;
    if (st & MDR_ITALIC)
        a |= have_italic ? A_ITALIC : 0;
    return a;
}

/* ------------------------------------------------------------------------
 * Open and close
 * ---------------------------------------------------------------------- */

int term_open(tui_term *t, const lab_ctx *ctx)
{
    memset(t, 0, sizeof *t);
    t->saved_stderr = -1;
    t->sig_pipe[0] = t->sig_pipe[1] = -1;
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        lab_error("Run it in a terminal, or use --plain.",
                  "the full-screen view needs a terminal");
        return -1;
    }
    const char *term = getenv("TERM");
    SCREEN *scr = newterm(term && *term ? term : "vt100", stdout, stdin);
    if (!scr) {
        lab_error("Set TERM to your terminal's type, or use --plain.",
                  "this terminal (TERM=%s) is not one curses knows",
                  term ? term : "");
        return -1;
    }
    set_term(scr);
    t->scr = scr;
    t->utf8 = ctx->utf8;
    raw(); /* Ctrl-C and Ctrl-Z arrive as keys: the UI handles them */
    noecho();
    nonl();
    intrflush(stdscr, FALSE);
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    t->color = ctx->color && has_colors();
    if (t->color) {
        start_color();
        use_default_colors();
    }
    setup_looks(t->color);

    if (pipe2(t->sig_pipe, O_NONBLOCK | O_CLOEXEC) == 0) {
        sig_fd = t->sig_pipe[1];
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGTERM, &sa, &old_term);
        sigaction(SIGHUP, &sa, &old_hup);
    }
    /* stderr would scribble over the screen: hold it in a file. */
    fflush(stderr);
    t->errlog = tmpfile();
    if (t->errlog) {
        t->saved_stderr = dup(STDERR_FILENO);
        if (t->saved_stderr < 0 || dup2(fileno(t->errlog), STDERR_FILENO) < 0) {
            if (t->saved_stderr >= 0)
                close(t->saved_stderr);
            t->saved_stderr = -1;
            fclose(t->errlog);
            t->errlog = NULL;
        }
    }
    t->force = true;
    return 0;
}

void term_close(tui_term *t)
{
    if (!t->scr)
        return;
    curs_set(1);
    endwin();
    delscreen(t->scr);
    t->scr = NULL;
    if (t->sig_pipe[0] >= 0) {
        sigaction(SIGTERM, &old_term, NULL);
        sigaction(SIGHUP, &old_hup, NULL);
        sig_fd = -1;
        close(t->sig_pipe[0]);
        close(t->sig_pipe[1]);
    }
    if (t->errlog) {
        /* Give stderr back, then replay what it said meanwhile. */
        fflush(stderr);
        dup2(t->saved_stderr, STDERR_FILENO);
        close(t->saved_stderr);
        rewind(t->errlog);
        char buf[4096];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, t->errlog)) > 0)
            fwrite(buf, 1, n, stderr);
        fclose(t->errlog);
        t->errlog = NULL;
    }
    tui_screen_free(t->shown);
    tui_screen_free(t->next);
    t->shown = t->next = NULL;
}

char *term_take_stderr(tui_term *t)
{
    if (!t->errlog)
        return NULL;
    fflush(stderr);
    long end = lseek(fileno(t->errlog), 0, SEEK_END);
    if (end <= t->err_shown)
        return NULL;
    size_t n = (size_t)(end - t->err_shown);
    if (n > 8192) { /* the end says the most */
        t->err_shown = end - 8192;
        n = 8192;
    }
    char *buf = malloc(n + 1);
    if (!buf)
        return NULL;
    ssize_t r = pread(fileno(t->errlog), buf, n, t->err_shown);
    if (r <= 0) {
        free(buf);
        return NULL;
    }
    buf[r] = '\0';
    t->err_shown += r;
    while (r > 0 && (buf[r - 1] == '\n' || buf[r - 1] == ' '))
        buf[--r] = '\0';
    return buf;
}

/* ------------------------------------------------------------------------
 * Painting
 * ---------------------------------------------------------------------- */

tui_screen *term_screen(tui_term *t)
{
    int rows = LINES, cols = COLS;
    if (!t->next || t->next->rows != rows || t->next->cols != cols) {
        tui_screen_free(t->next);
        t->next = tui_screen_new(rows, cols, !t->utf8);
    }
    if (t->next)
        tui_screen_clear(t->next);
    return t->next;
}

/* Writes one row, grouping cells of the same style. */
static void paint_row(const tui_screen *s, int r)
{
    char buf[4096];
    int c = 0;
    move(r, 0);
    while (c < s->cols) {
        mdr_style st = s->cells[r * s->cols + c].style;
        size_t n = 0;
        while (c < s->cols && s->cells[r * s->cols + c].style == st &&
               n + 8 < sizeof buf) {
            const char *ch = s->cells[r * s->cols + c].ch;
            size_t l = strlen(ch); /* "" for the right half of a wide one */
            memcpy(buf + n, ch, l);
            n += l;
            c++;
        }
        buf[n] = '\0';
        attrset(attr_of(st));
        addstr(buf); /* the last cell of the last row may report ERR */
    }
}

void term_paint(tui_term *t)
{
    tui_screen *s = t->next;
    if (!s)
        return;
    bool resized =
        !t->shown || t->shown->rows != s->rows || t->shown->cols != s->cols;
    if (resized || t->force) {
        clearok(curscr, TRUE); /* after a resize, trust nothing shown */
        tui_screen_free(t->shown);
        t->shown = tui_screen_new(s->rows, s->cols, s->ascii);
        if (!t->shown)
            return;
    }
    for (int r = 0; r < s->rows; r++) {
        if (!resized && !t->force && tui_screen_row_equal(t->shown, s, r))
            continue;
        paint_row(s, r);
        memcpy(&t->shown->cells[r * s->cols], &s->cells[r * s->cols],
               (size_t)s->cols * sizeof(tui_cell));
    }
    t->force = false;
    wnoutrefresh(stdscr);
    doupdate();
}

/* ------------------------------------------------------------------------
 * Keys
 * ---------------------------------------------------------------------- */

static int map_key(int rc, wint_t ch)
{
    if (rc == KEY_CODE_YES) {
        switch (ch) {
        case KEY_UP:
            return TUI_K_UP;
        case KEY_DOWN:
            return TUI_K_DOWN;
        case KEY_LEFT:
            return TUI_K_LEFT;
        case KEY_RIGHT:
            return TUI_K_RIGHT;
        case KEY_PPAGE:
            return TUI_K_PGUP;
        case KEY_NPAGE:
            return TUI_K_PGDN;
        case KEY_HOME:
        case KEY_A1:
            return TUI_K_HOME;
        case KEY_END:
        case KEY_C1:
            return TUI_K_END;
        case KEY_ENTER:
            return TUI_K_ENTER;
        case KEY_BACKSPACE:
            return TUI_K_BACKSPACE;
        case KEY_BTAB:
            return TUI_K_BTAB;
        case KEY_RESIZE:
            return TUI_K_RESIZE;
        default:
            return TUI_K_NONE;
        }
    }
    switch (ch) {
    case '\r':
    case '\n':
        return TUI_K_ENTER;
    case 27:
        return TUI_K_ESC;
    case 127:
    case 8:
        return TUI_K_BACKSPACE;
    case '\t':
        return TUI_K_TAB;
    case 3:
        return TUI_K_CTRL_C;
    case 12:
        return TUI_K_CTRL_L;
    default:
        return ch < 0x20 ? TUI_K_NONE : (int)ch;
    }
}

/* Ctrl-Z: give the terminal back, stop, and take it again on return. */
static void suspend(tui_term *t)
{
    def_prog_mode();
    endwin();
    raise(SIGTSTP);
    reset_prog_mode();
    t->force = true;
}

int term_key(tui_term *t, int timeout_ms, int extra_fd)
{
    for (;;) {
        wint_t ch;
        int rc = get_wch(&ch);
        if (rc != ERR) {
            if (rc == OK && ch == 26) { /* Ctrl-Z */
                suspend(t);
                return TUI_K_RESIZE; /* repaint, maybe at a new size */
            }
            int k = map_key(rc, ch);
            if (k == TUI_K_RESIZE)
                t->force = true;
            if (k != TUI_K_NONE)
                return k;
            continue;
        }
        struct pollfd pf[3] = {{STDIN_FILENO, POLLIN, 0},
                               {t->sig_pipe[0], POLLIN, 0},
                               {extra_fd, POLLIN, 0}};
        int n = poll(pf, 3, timeout_ms);
        if (n == 0)
            return TUI_K_NONE;
        if (n < 0) {
            if (errno == EINTR)
                continue; /* SIGWINCH: get_wch reports KEY_RESIZE */
            return TUI_K_NONE;
        }
        if (pf[1].revents & POLLIN) {
            char b;
            while (read(t->sig_pipe[0], &b, 1) > 0)
                ;
            return TUI_K_CTRL_C;
        }
        if (extra_fd >= 0 && (pf[2].revents & POLLIN))
            return TUI_K_WAKE;
        if (pf[0].revents & (POLLHUP | POLLERR))
            return TUI_K_CTRL_C; /* the terminal went away */
    }
}
