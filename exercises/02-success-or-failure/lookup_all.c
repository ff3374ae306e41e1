/*
 * 02-success-or-failure/lookup_all -- look up many keys at once without
 * mistaking an empty value for a missing one.  (Lesson 02: telling
 * success from failure.)
 *
 * As written, a failed lookup stores the sentinel "" as its value, and
 * the tag is computed from the value: "" means failed.  Then a user whose
 * nickname really is "" is reported as missing, and a missing key or a
 * dropped connection leaves no trace of why (run `lab check` to see it).
 *
 * The slot and lookup_all's contract are in lookup_all.h; db_get and
 * copy_str are in world.h.
 */
#include "lookup_all.h"
#include "world.h"

/* The failures a lookup is expected to have. */
static bool is_expected(const tg_error *e)
{
    return tg_error_is(e, &TG_KeyError) ||
           tg_error_is(e, &TG_ConnectionError) ||
           tg_error_is(e, &TG_TimeoutError);
}

static tg_result lookup_task(void *arg)
{
    struct lookup_slot *s = arg;
    tg_error *err = NULL;
    char *v = db_get(s->key, &err);
    if (err != NULL && !is_expected(err))
        return tg_raise(err); /* a bug or a cancellation */

    /* TODO: a failed lookup gets the sentinel "" as its value ... */
    s->value = v != NULL ? v : copy_str("");
    /* TODO: ... and the tag is guessed from the value, so a real "" reads
     * as a failure. */
    s->ok = s->value[0] != '\0';
    /* TODO: why the lookup failed is thrown away. */
    tg_error_unref(err);
    return tg_return(NULL);
}

tg_error *lookup_all(struct lookup_slot *slots, size_t n)
{
    tg_group *g = tg_group_new();
    if (g == NULL)
        return tg_error_new(&TG_MemoryError, "out of memory");
    for (size_t i = 0; i < n; i++)
        tg_spawn(g, lookup_task, &slots[i]);
    tg_error *eg = tg_group_wait(g);
    tg_group_free(g);
    return eg;
}
