/*
 * batch_report.scenario.h -- the outcomes batch_report's scenarios pass
 * to format_report, shared by its probe (which builds them, with real
 * errors) and its checks (which know what the report should say).  Only
 * inputs live here.
 */
#ifndef BATCH_REPORT_SCENARIO_H
#define BATCH_REPORT_SCENARIO_H

#include <stddef.h>
#include <stdio.h>

enum { BR_SENT, BR_FAILED, BR_SKIPPED }; /* as MAIL_SENT, ... */

typedef struct br_row {
    const char *to;
    int status;
    const char *type;    /* failed: the error's type name */
    const char *message; /* failed: its message */
    unsigned attempts;
} br_row;

/* fixed: 7 sent, 2 failed (after 1 and 4 attempts), 1 skipped. */
#define BR_FIXED_N 10
static const br_row BR_FIXED[BR_FIXED_N] = {
    {"ann@example.com", BR_SENT, NULL, NULL, 1},
    {"bob@example.com", BR_SENT, NULL, NULL, 2},
    {"cy@example.com", BR_SENT, NULL, NULL, 1},
    {"dan@example.com", BR_FAILED, "BounceError",
     "no such mailbox: dan@example.com", 1},
    {"eve@example.com", BR_SENT, NULL, NULL, 1},
    {"fay@example.com", BR_SENT, NULL, NULL, 1},
    {"gus@example.com", BR_FAILED, "ConnectionError", "connection reset", 4},
    {"hal@example.com", BR_SENT, NULL, NULL, 3},
    {"ida@example.com", BR_SKIPPED, NULL, NULL, 1},
    {"joe@example.com", BR_SENT, NULL, NULL, 1},
};

/* odd_text: messages that are not what a printf format expects. */
#define BR_ODD_N 4
static const br_row BR_ODD[BR_ODD_N] = {
    {"kim@example.com", BR_FAILED, "EmailError",
     "mailbox 100% full (quota %s, %d messages)", 1},
    {"lou@example.com", BR_SENT, NULL, NULL, 1},
    {"mo@example.com", BR_FAILED, "TimeoutError", "timed out after 200 ms", 2},
    {"ned@example.com", BR_SKIPPED, NULL, NULL, 2},
};

/* long_batch: 300 addresses; see br_long_row. */
#define BR_LONG_N 300

/* The long batch's row i; to is written into buf. */
static inline br_row br_long_row(size_t i, char *buf, size_t cap)
{
    snprintf(buf, cap, "subscriber-%04zu@newsletter.example.com", i);
    br_row r = {buf, BR_SENT, NULL, NULL, 1};
    if (i % 11 == 10) {
        r.status = BR_SKIPPED;
    } else if (i % 7 == 3) {
        r.status = BR_FAILED;
        r.type = "ConnectionError";
        r.message = "connection reset";
        r.attempts = 3;
    }
    return r;
}

#endif /* BATCH_REPORT_SCENARIO_H */
