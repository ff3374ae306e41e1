/*
 * send_all.h -- exercise 01-task-groups/send_all: the job record that
 * send_all fills, shared by your file and the lab's checks.  Do not change
 * it; write send_all in send_all.c.
 */
#ifndef SEND_ALL_H
#define SEND_ALL_H

#include <stddef.h>

#include <tg.h>

struct send_job {
    const char *to;  /* input, borrowed from the caller */
    char *receipt;   /* set on success; the caller frees it */
    tg_error *error; /* set on a failed send; the caller unrefs it */
};

/*
 * Sends one email per job, all at once, and waits for every send to end.
 * Each job gets its receipt, or the EmailError its send failed with.
 * Returns NULL, or the error to propagate (anything that is not a failed
 * send: a bug, a cancellation), which the caller owns.  The caller sets
 * every job's receipt and error to NULL before the call.
 */
tg_error *send_all(struct send_job *jobs, size_t n);

#endif /* SEND_ALL_H */
