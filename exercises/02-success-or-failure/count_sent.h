/*
 * count_sent.h -- exercise 02-success-or-failure/count_sent: the slot
 * that send_tagged fills, shared by your file and the lab's checks.  Do
 * not change it; write send_tagged in count_sent.c.
 */
#ifndef COUNT_SENT_H
#define COUNT_SENT_H

#include <stdbool.h>
#include <stddef.h>

#include <tg.h>

/* One address and what became of its email. */
struct send_slot {
    const char *to;  /* input, borrowed from the caller */
    bool ok;         /* the tag: true when the email was sent */
    char *receipt;   /* when ok: the receipt (the caller frees it); else NULL */
    tg_error *error; /* when !ok: the EmailError the send failed with (the
                        caller unrefs it); else NULL */
};

/*
 * Sends one email per slot, all at once, and waits for every send to end.
 * Each slot gets its outcome: ok with its receipt, or !ok with the
 * EmailError it failed with.  *sent is set to the number of emails that
 * were sent.  Returns NULL, or the error to propagate (anything that is
 * not a failed send: a bug, a cancellation), which the caller owns.
 *
 * The caller sets each slot's to, and its receipt and error to NULL; ok
 * may hold anything (slots get reused), so send_tagged sets it in every
 * slot whose email was sent or failed.  When send_tagged returns an
 * error, the slots of sends that were cancelled are left as they were.
 */
tg_error *send_tagged(struct send_slot *slots, size_t n, size_t *sent);

#endif /* COUNT_SENT_H */
