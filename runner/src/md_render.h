/*
 * md_render.h -- Markdown (parsed with md4c) turned into styled, wrapped
 * lines: an array of lines, each an array of spans {text, style}.  No
 * curses here: the TUI paints the lines (runner/src/ui/), `lab lesson
 * --plain` prints their text, and the tests compare them headless.
 *
 * A document is parsed once (mdr_parse) into blocks, then laid out at a
 * width as often as needed (mdr_layout): a terminal resize re-wraps
 * without re-reading the Markdown.  Widths are display columns of UTF-8
 * text (wcwidth, with a fallback when the locale is not UTF-8); MDR_ASCII
 * transliterates everything to ASCII for terminals that cannot show more.
 *
 * The style vocabulary (mdr_style: a role and attribute bits) is shared
 * with the TUI model, which adds its own roles from MDR_ROLE_USER on.
 */
#ifndef LAB_MD_RENDER_H
#define LAB_MD_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A style: a role in the low byte, attribute bits above it.  The view
 * decides what a role looks like (colour, or bold/dim on monochrome). */
typedef uint16_t mdr_style;

enum mdr_role {
    MDR_TEXT = 0, /* body text */
    MDR_H1,       /* a lesson's title */
    MDR_H2,       /* a section */
    MDR_H3,       /* a subsection (and H4-H6) */
    MDR_CODE,     /* inline code */
    MDR_LINK,     /* link text */
    MDR_QUOTE,    /* block quote text (its bar is MDR_RULE) */
    MDR_MARK,     /* list bullets and numbers */
    MDR_RULE,     /* thematic breaks, heading rules, continuation marks */
    MDR_FENCE,    /* code block text with no finer colour */
    MDR_KEYWORD,  /* C: if, return, struct, static ... */
    MDR_TYPE,     /* C: int, size_t, tg_error ... */
    MDR_STRING,   /* C: "..." and '.' */
    MDR_COMMENT,  /* C: comments */
    MDR_NUMBER,   /* C: numbers and constants (NULL, true, EOF) */
    MDR_PREPROC,  /* C: #include, #define ... */
    MDR_ROLE_USER /* first role free for users of this module */
};

#define MDR_ROLE_MASK 0x00ffu
#define MDR_BOLD 0x0100u
#define MDR_ITALIC 0x0200u
#define MDR_UNDERLINE 0x0400u
#define MDR_STRIKE 0x0800u
#define MDR_REVERSE 0x1000u
#define MDR_DIM 0x2000u
#define MDR_ROLE(s) ((unsigned)(s)&MDR_ROLE_MASK)

/* Layout flags. */
enum {
    MDR_ASCII = 1u << 0, /* transliterate to ASCII (-> for an arrow ...) */
    MDR_PLAIN = 1u << 1, /* text for a file or a pipe: headings underlined
                            with = and -, no bars that only colour explains */
};

typedef struct mdr_span {
    char *text; /* UTF-8, NUL-terminated, no control characters */
    mdr_style style;
    int width; /* display columns of text */
} mdr_span;

typedef struct mdr_line {
    mdr_span *spans;
    size_t nspans, cap;
    int width;   /* display columns of the whole line */
    int block;   /* the source block it comes from (-1: none); a re-wrap
                    keeps the reader on the same block */
    int heading; /* 1..6 on the first line of a heading, else 0 */
} mdr_line;

typedef struct mdr_lines {
    mdr_line *v;
    size_t n, cap;
} mdr_lines;

typedef struct mdr_doc mdr_doc; /* opaque: the parsed blocks */

/*
 * Parses len bytes of Markdown (CommonMark with tables and strikethrough;
 * raw HTML is dropped).  Returns a document the caller frees with
 * mdr_doc_free, or NULL when memory runs out.
 */
mdr_doc *mdr_parse(const char *text, size_t len);
void mdr_doc_free(mdr_doc *d);

/* Text of the document's first heading (or NULL when it has none); the
 * caller frees it. */
char *mdr_doc_title(const mdr_doc *d);

/* Number of blocks (paragraphs, headings, code blocks ...) in d. */
size_t mdr_doc_blocks(const mdr_doc *d);

typedef struct mdr_layout_opts {
    int width;      /* columns for prose, >= 10 */
    int code_width; /* columns for code blocks (may exceed width so that
                       80-column code fits beside a margin); 0: width */
    int indent;     /* spaces before every line */
    unsigned flags; /* MDR_ASCII, MDR_PLAIN */
} mdr_layout_opts;

/*
 * Lays d out at o's widths.  Long words are broken, code lines too long
 * for code_width continue on the next line after a mark; no line is wider
 * than its width when that is at least 16.  Returns lines the caller
 * frees with mdr_lines_free, or NULL when memory runs out.
 */
mdr_lines *mdr_layout(const mdr_doc *d, const mdr_layout_opts *o);

/* Parses and lays out in one step, for short texts (hints). */
mdr_lines *mdr_render(const char *text, size_t len, const mdr_layout_opts *o);

/*
 * Renders Markdown as readable plain text (for `lab lesson --plain`):
 * headings underlined, lists with - and 1., quotes with "| ", code
 * indented by four, emphasis and backticks gone, wrapped at width (72 if
 * 0).  flags: MDR_ASCII to transliterate.  Returns a malloc'd string, or
 * NULL when memory runs out.
 */
char *mdr_render_plain(const char *text, size_t len, int width, unsigned flags);

/* Building lines by hand (the TUI's own screens use these). */
mdr_lines *mdr_lines_new(void);
void mdr_lines_free(mdr_lines *ls);
/* Appends an empty line; NULL on OOM. */
mdr_line *mdr_lines_add(mdr_lines *ls);
/* Appends len bytes of text (control characters become spaces, MDR_ASCII
 * transliterates) in style st.  Returns 0, or -1 on OOM. */
int mdr_line_add(mdr_line *l, const char *text, size_t len, mdr_style st,
                 unsigned flags);
/* As mdr_line_add, for a NUL-terminated string. */
int mdr_line_puts(mdr_line *l, const char *text, mdr_style st, unsigned flags);
/* Wraps plain text (words split at spaces, '\n' forces a break) into new
 * lines of at most width columns after indent spaces.  Returns 0 or -1. */
int mdr_lines_wrap(mdr_lines *ls, const char *text, mdr_style st, int width,
                   int indent, unsigned flags);
/* Moves every line of src to the end of dst (src ends empty).  0 or -1. */
int mdr_lines_take(mdr_lines *dst, mdr_lines *src);
/* The text of ls, one '\n'-terminated line each, trailing blanks trimmed.
 * Caller frees; NULL on OOM. */
char *mdr_lines_text(const mdr_lines *ls);

/* Display columns of len bytes of UTF-8 (invalid bytes count 1). */
int mdr_width(const char *s, size_t len);
/* Display columns of one code point: 0, 1 or 2 (a control character
 * counts 1: it is shown as a space). */
int mdr_cp_width(uint32_t cp);
/* Decodes the code point at s[i] (U+FFFD for an invalid byte) and
 * returns the index after it. */
size_t mdr_utf8_next(const char *s, size_t len, size_t i, uint32_t *cp);
/* Bytes of the longest prefix of s that fits in cols columns; *used gets
 * its width when not NULL. */
size_t mdr_fit(const char *s, size_t len, int cols, int *used);
/* An ASCII rendering of len bytes of UTF-8 (arrows, dashes, quotes and
 * marks spelled out, anything else '?').  Caller frees; NULL on OOM. */
char *mdr_ascii(const char *s, size_t len);

#endif /* LAB_MD_RENDER_H */
