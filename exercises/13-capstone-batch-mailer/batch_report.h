/*
 * batch_report.h -- exercise 13-capstone-batch-mailer/batch_report: the
 * contract of format_report, shared by your file and the lab's checks.
 * The outcome record is in mailer.h.  Do not change either; write
 * format_report in batch_report.c.
 */
#ifndef BATCH_REPORT_H
#define BATCH_REPORT_H

#include <stddef.h>

#include "mailer.h"

/*
 * Formats the report of a finished batch, outs[0..n-1], as one malloc'd
 * string (the caller frees it).  Exactly, each line ending in '\n':
 *
 *   sent <S> of <N>, failed <F>, skipped <K>
 *
 * then, for each outcome in the order of outs (a sent address gets no
 * line of its own):
 *
 *   failed <to>: <Type>: <message> (<a> attempts)     MAIL_FAILED
 *   skipped <to>                                      MAIL_SKIPPED
 *
 * where <Type> is tg_error_type_name(error), <message> is
 * tg_error_message(error), word for word, and <a> is `attempts` ("1
 * attempt", "2 attempts").  outs is only read.  n may be 0, and outs
 * then NULL.  Returns NULL only when memory runs out.
 */
char *format_report(const struct mail_outcome *outs, size_t n);

#endif /* BATCH_REPORT_H */
