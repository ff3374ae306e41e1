/*
 * bundle_errors.scenario.h -- the outcomes bundle_failures's scenarios
 * pass in, shared by its probe (which builds them) and its checks.  Only
 * inputs live here.
 *
 * three_of_ten: 10 outcomes; cy's send bounced, fay's failed with a plain
 *   EmailError (with a note), joe's bounced; the others were sent.
 * one_of_five:  the first 5 of them, with only cy's failed.
 * none_failed:  the first 2, both sent; and then an empty batch (n = 0).
 */
#ifndef BUNDLE_ERRORS_SCENARIO_H
#define BUNDLE_ERRORS_SCENARIO_H

#define BE_N 10

static const char *const BE_TO[BE_N] = {
    "ann@example.com", "bob@example.com", "cy@example.com",  "dan@example.com",
    "eve@example.com", "fay@example.com", "gus@example.com", "hal@example.com",
    "ida@example.com", "joe@example.com",
};

/* Which outcomes failed, with what (in three_of_ten). */
#define BE_FAILED_N 3
static const int BE_FAILED[BE_FAILED_N] = {2, 5, 9};
static const char *const BE_FAILED_TYPE[BE_FAILED_N] = {
    "BounceError", "EmailError", "BounceError"};
static const char *const BE_FAILED_MESSAGE[BE_FAILED_N] = {
    "no such mailbox: cy@example.com",
    "could not send to fay@example.com",
    "no such mailbox: joe@example.com",
};
#define BE_FAY_NOTE "mailbox full"

#define BE_ONE_N 5  /* one_of_five: outs[0..4]; only cy failed */
#define BE_NONE_N 2 /* none_failed: outs[0..1], both sent */

#endif /* BUNDLE_ERRORS_SCENARIO_H */
