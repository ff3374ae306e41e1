/*
 * mailer.h -- lesson 13's batch mailer: its configuration and the outcome
 * it records for each address.  Shared by the three capstone exercises
 * (mail_batch, batch_report, batch_deadline) and the lab's checks.  Do
 * not change it.
 */
#ifndef MAILER_H
#define MAILER_H

#include <stdint.h>

#include <tg.h>

struct mailer_config {
    unsigned limit;        /* sends in flight, at most (>= 1) */
    unsigned max_attempts; /* per address, the first one included (>= 1) */
    uint64_t attempt_ms;   /* timeout of one attempt */
    uint64_t base_ms;      /* backoff: base (> 0) and cap (>= base) */
    uint64_t cap_ms;
};

struct mail_outcome {
    enum { MAIL_SENT, MAIL_FAILED, MAIL_SKIPPED } status;
    char *receipt;     /* MAIL_SENT: owned, else NULL */
    tg_error *error;   /* MAIL_FAILED: the last error (a reference), else */
                       /* NULL */
    char *to;          /* always: our own copy of the address */
    unsigned attempts; /* sends tried for this address */
};

#endif /* MAILER_H */
