/*
 * batch_deadline.h -- exercise 13-capstone-batch-mailer/batch_deadline:
 * the contract of mail_batch_by, shared by your file and the lab's
 * checks.  The configuration and the outcome record are in mailer.h.  Do
 * not change either; write mail_batch_by in batch_deadline.c.
 */
#ifndef BATCH_DEADLINE_H
#define BATCH_DEADLINE_H

#include <stddef.h>
#include <stdint.h>

#include "mailer.h"

/*
 * Sends a batch like mail_batch (the same rules: cfg->limit sends in
 * flight at most, a timeout per attempt, retries of transient failures
 * with backoff, one outcome per address), but the whole batch stops
 * deadline_ms after the call began.
 *
 * At the deadline, every send still running, every address waiting for
 * a slot and every address waiting to retry is stopped, and
 * mail_batch_by returns NULL right then -- or as soon as the batch is
 * done, if that comes first.  The outcomes finished before the deadline
 * are kept; the others are MAIL_SKIPPED, with no receipt and no error.
 *
 * A bug, or a cancellation from the caller before the deadline, still
 * propagates: the returned error (the caller owns it) is not NULL.
 * Nothing is left running or pending when it returns.  outs is zeroed by
 * the caller, who frees every outcome's receipt, error and to.
 */
tg_error *mail_batch_by(const char *const *to, size_t n,
                        const struct mailer_config *cfg, uint64_t deadline_ms,
                        struct mail_outcome *outs);

#endif /* BATCH_DEADLINE_H */
