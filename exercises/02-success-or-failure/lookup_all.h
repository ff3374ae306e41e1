/*
 * lookup_all.h -- exercise 02-success-or-failure/lookup_all: the slot
 * that lookup_all fills, shared by your file and the lab's checks.  Do
 * not change it; write lookup_all in lookup_all.c.
 */
#ifndef LOOKUP_ALL_H
#define LOOKUP_ALL_H

#include <stdbool.h>
#include <stddef.h>

#include <tg.h>

/* One key and what its lookup found. */
struct lookup_slot {
    const char *key; /* input, borrowed from the caller */
    bool ok;         /* the tag: true when the lookup found a value */
    char *value;     /* when ok: the value, which may be "" (the caller
                        frees it); else NULL */
    tg_error *error; /* when !ok: why the lookup failed (the caller unrefs
                        it); else NULL */
};

/*
 * Looks up every slot's key in the database (db_get), all at once, and
 * waits for every lookup to end.  An empty value ("") is a value like any
 * other.  The failures a lookup is expected to have -- TG_KeyError (no
 * such key), TG_ConnectionError and TG_TimeoutError -- are recorded in
 * their slot; anything else (a bug, a cancellation) is returned, and the
 * caller owns it.  Returns NULL when there is nothing to propagate.
 *
 * The caller sets each slot's key, and its value and error to NULL; ok may
 * hold anything (slots get reused), so lookup_all sets it in every slot
 * whose lookup found a value or failed.
 */
tg_error *lookup_all(struct lookup_slot *slots, size_t n);

#endif /* LOOKUP_ALL_H */
