/*
 * diag.h -- compiler diagnostics (GCC's and Clang's text format) as data,
 * and a friendly explanation of the common ones for C learners.
 *
 * The pipeline compiles with -fno-diagnostics-show-caret and
 * -fmessage-length=0 under LC_ALL=C, so every diagnostic is one line:
 *
 *   FILE:LINE:COL: error: MESSAGE [-Wflag]
 *
 * plus context lines ("FILE: In function 'f':", "In file included from
 * ...") that are folded into the diagnostics that follow them.
 */
#ifndef LAB_DIAG_H
#define LAB_DIAG_H

#include <stdbool.h>
#include <stddef.h>

typedef enum diag_kind {
    DIAG_ERROR, /* error: and fatal error: */
    DIAG_WARNING,
    DIAG_NOTE,
} diag_kind;

typedef struct diag_item {
    diag_kind kind;
    bool fatal;     /* "fatal error": the compiler stopped there */
    char *file;     /* as the compiler printed it; NULL for "cc1: ..." */
    unsigned line;  /* 0 when absent */
    unsigned col;   /* 0 when absent */
    char *message;  /* without the trailing [-Wflag] */
    char *option;   /* "-Wunused-variable", "-Werror=implicit-..." or NULL */
    char *function; /* from "In function 'f':", or NULL */
} diag_item;

typedef struct diag_list {
    diag_item *items;
    size_t n;
    size_t other_lines; /* lines that were not diagnostics nor context */
} diag_list;

/*
 * Parses len bytes of compiler output.  Returns 0 and fills *out (free it
 * with diag_list_free), or -1 when memory runs out (*out is then empty).
 * Text that is not a diagnostic is counted in other_lines and skipped.
 */
int diag_parse(const char *text, size_t len, diag_list *out);
void diag_list_free(diag_list *l);

/*
 * A friendly explanation of d for someone learning C: what the message
 * means and where to look.  Returns a malloc'd string, or NULL when there
 * is nothing to add to the compiler's words (or on OOM).
 */
char *diag_explain(const diag_item *d);

/*
 * The identifier quoted first in a message ("'x' undeclared" gives x), in
 * a malloc'd string, or NULL.
 */
char *diag_quoted(const char *message, int nth);

#endif /* LAB_DIAG_H */
