/*
 * 02-success-or-failure/lookup_all -- solution.
 *
 * Why it works: no value is set aside to mean "failed", because every
 * value can really occur -- "" included.  The tag says whether the lookup
 * found something, taken from the call itself (did db_get set an error?),
 * and the other fields follow it: the value, possibly "", when it did;
 * the error that says why, when it did not.
 */
#include "lookup_all.h"
#include "world.h"

/* The failures a lookup is expected to have (lesson 03). */
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
    s->ok = err == NULL; /* the tag, never guessed from the value */
    s->value = v;        /* may be "": still a value; NULL when it failed */
    s->error = err;      /* why it failed; NULL when it worked */
    return tg_return(NULL);
}

tg_error *lookup_all(struct lookup_slot *slots, size_t n)
{
    tg_group *g = tg_group_new();
    if (g == NULL)
        return tg_error_new(&TG_MemoryError, "out of memory");
    for (size_t i = 0; i < n; i++)
        tg_spawn(g, lookup_task, &slots[i]);
    tg_error *eg = tg_group_wait(g); /* NULL unless a bug or a cancel */
    tg_group_free(g);
    return eg;
}
