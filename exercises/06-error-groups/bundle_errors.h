/*
 * bundle_errors.h -- exercise 06-error-groups/bundle_errors: the outcome
 * record of lesson 05 and the contract of bundle_failures, shared by your
 * file and the lab's checks.  Do not change it; write bundle_failures in
 * bundle_errors.c.
 */
#ifndef BUNDLE_ERRORS_H
#define BUNDLE_ERRORS_H

#include <stddef.h>

#include <tg.h>

/* How one send went (lesson 05).  The status says which fields mean
 * something; the others are NULL. */
struct send_outcome {
    enum { SEND_OK, SEND_FAILED } status;
    char *receipt;   /* SEND_OK: the receipt (owned), else NULL */
    tg_error *error; /* SEND_FAILED: the error (a reference), else NULL */
    char *input;     /* always: the outcome's own copy of the address */
};

/*
 * Returns every failure of a batch of n sends as one error: NULL when no
 * outcome failed; otherwise an ExceptionGroup whose message is "<k> of
 * <n> sends failed" (k failed outcomes out of n) and whose members are
 * the errors of the SEND_FAILED outcomes, in the order of outs, even
 * when there is only one.
 *
 * The members are the outcomes' own error objects, not copies.  The
 * outcomes are only read: they keep their errors, and stay the caller's
 * to clear.  The group is a new reference, which the caller releases.
 */
tg_error *bundle_failures(const struct send_outcome *outs, size_t n);

#endif /* BUNDLE_ERRORS_H */
