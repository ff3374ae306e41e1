/*
 * mail_batch.h -- exercise 13-capstone-batch-mailer/mail_batch: the
 * contract of mail_batch, shared by your file and the lab's checks.  The
 * configuration and the outcome record are in mailer.h.  Do not change
 * either; write mail_batch in mail_batch.c.
 */
#ifndef MAIL_BATCH_H
#define MAIL_BATCH_H

#include <stddef.h>

#include "mailer.h"

/*
 * Sends one email to each of to[0..n-1] and records, in outs[i], what
 * became of to[i].  outs is zeroed by the caller; mail_batch fills every
 * outcome, with its own copy of the address in `to`.  The rules:
 *
 *   - never more than cfg->limit sends in flight; a slot is not held
 *     while an address waits to retry;
 *   - each attempt gives up after cfg->attempt_ms, as a TG_TimeoutError;
 *   - TG_ConnectionError and TG_TimeoutError are transient: after failed
 *     attempt k (from 0) wait min(cap_ms, base_ms * 2^k) +
 *     tg_random_below(base_ms) ms and try again, up to cfg->max_attempts
 *     attempts for that address;
 *   - an EmailError (BounceError included) fails the address at once;
 *   - MAIL_SENT keeps the receipt, MAIL_FAILED the last error;
 *     `attempts` counts the sends tried; one address failing never stops
 *     the others.
 *
 * Returns NULL, or the error to propagate -- a bug, a cancellation --
 * which the caller owns; then the addresses that had not finished are
 * MAIL_SKIPPED, with no receipt and no error.  Nothing is left running
 * when it returns.  The caller frees every outcome's receipt, error and
 * to.
 */
tg_error *mail_batch(const char *const *to, size_t n,
                     const struct mailer_config *cfg,
                     struct mail_outcome *outs);

#endif /* MAIL_BATCH_H */
