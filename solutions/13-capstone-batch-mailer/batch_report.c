/*
 * 13-capstone-batch-mailer/batch_report -- solution.
 *
 * Why it works: every address has exactly one status, so the three counts
 * add up to n and each failed or skipped address gets exactly one line,
 * in input order.  A failed line says why (the error's own type name and
 * message, passed as %s arguments -- never as a format, since a message
 * may hold a '%') and after how many attempts.  The text is written twice
 * by one function: once to measure it (snprintf with no buffer counts),
 * once into a buffer of exactly that size, so no report is ever cut
 * short, whatever the addresses and messages.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "batch_report.h"

/* Appends a printf'd piece at buf + *len (when buf is not NULL) and adds
 * its length to *len: with buf NULL it only measures. */
static void put(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(buf ? buf + *len : NULL, buf ? cap - *len : 0, fmt, ap);
    va_end(ap);
    if (k > 0)
        *len += (size_t)k;
}

/* Writes the report into buf (cap bytes), or only measures it when buf is
 * NULL; returns its length. */
static size_t write_report(char *buf, size_t cap,
                           const struct mail_outcome *outs, size_t n)
{
    size_t count[3] = {0}, len = 0;
    for (size_t i = 0; i < n; i++)
        count[outs[i].status]++;
    put(buf, cap, &len, "sent %zu of %zu, failed %zu, skipped %zu\n",
        count[MAIL_SENT], n, count[MAIL_FAILED], count[MAIL_SKIPPED]);
    for (size_t i = 0; i < n; i++) {
        const struct mail_outcome *o = &outs[i];
        if (o->status == MAIL_FAILED)
            put(buf, cap, &len, "failed %s: %s: %s (%u attempt%s)\n", o->to,
                tg_error_type_name(o->error), tg_error_message(o->error),
                o->attempts, o->attempts == 1 ? "" : "s");
        else if (o->status == MAIL_SKIPPED)
            put(buf, cap, &len, "skipped %s\n", o->to);
    }
    return len;
}

char *format_report(const struct mail_outcome *outs, size_t n)
{
    size_t len = write_report(NULL, 0, outs, n);
    char *text = malloc(len + 1);
    if (text == NULL)
        return NULL;
    write_report(text, len + 1, outs, n);
    return text;
}
