/*
 * 13-capstone-batch-mailer/batch_report -- the partial-failure report.
 * (Lesson 13: the capstone.)
 *
 * A batch has run; now say what happened.  As written, format_report
 * gives the counts only -- and counts a skipped address as a failure,
 * which it is not: nobody knows whether it would have worked.  Run `lab
 * check` to see the expected text; then add one line per failed address
 * (why, and after how many attempts) and one per skipped address.
 *
 * The contract and the exact format are in batch_report.h, the outcome
 * record in mailer.h; tg_error_type_name and tg_error_message are in
 * tg.h, copy_str in world.h.
 */
#include <stdio.h>

#include "batch_report.h"
#include "world.h"

char *format_report(const struct mail_outcome *outs, size_t n)
{
    size_t sent = 0, failed = 0;
    for (size_t i = 0; i < n; i++) {
        if (outs[i].status == MAIL_SENT)
            sent++;
        else
            failed++; /* TODO: a skipped address has not failed */
    }

    /* TODO: after the counts, one line for each failed address and one
     * for each skipped address, in order.  Their length depends on the
     * addresses and the messages: a fixed buffer will not do. */
    char line[128];
    snprintf(line, sizeof line, "sent %zu of %zu, failed %zu, skipped %d\n",
             sent, n, failed, 0);
    return copy_str(line);
}
