/*
 * 09-robust-operations/with_defaults -- load settings concurrently, fall
 * back to the defaults on recoverable errors, re-raise corruption.
 * (Lesson 09: robust operations.)
 *
 * The three loads run in one group and simply raise: the first failure
 * stops the others, and the owner decides what the failures mean.  As
 * written, it decides that anything at all means "use the defaults":
 * corrupt data, a bug and even a cancellation all end as a light theme,
 * and nobody hears of them.
 *
 * The record and the contract are in with_defaults.h; db_get, log_error
 * and IntegrityError are in world.h; tg_except is in tg.h.
 */
#include <stdlib.h>

#include "with_defaults.h"
#include "world.h"

struct load_job {
    const char *key;
    char **slot;
};

static tg_result load_task(void *arg)
{
    struct load_job *job = arg;
    tg_error *err = NULL;
    *job->slot = db_get(job->key, &err);
    return err != NULL ? tg_raise(err) : tg_return(NULL);
}

static void use_defaults(struct settings *s)
{
    free(s->theme);
    free(s->lang);
    free(s->tz);
    s->theme = copy_str("light");
    s->lang = copy_str("en");
    s->tz = copy_str("UTC");
}

tg_error *load_settings(struct settings *s)
{
    struct load_job jobs[] = {
        {"theme", &s->theme}, {"lang", &s->lang}, {"tz", &s->tz}};
    tg_group *g = tg_group_new();
    if (g == NULL)
        return tg_error_new(&TG_MemoryError, "out of memory");
    for (size_t i = 0; i < 3; i++)
        tg_spawn(g, load_task, &jobs[i]);
    tg_error *eg = tg_group_wait(g);
    tg_group_free(g);
    if (eg != NULL) {
        /* TODO: whatever went wrong -- corrupt data, a bug, a
         * cancellation -- ends here, silently, as the defaults. */
        tg_error_unref(eg);
        use_defaults(s);
    }
    return NULL;
}
