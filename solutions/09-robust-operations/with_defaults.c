/*
 * 09-robust-operations/with_defaults -- solution.
 *
 * Why it works: tg_except sorts the group's errors by kind.  Recoverable
 * ones (the data exists, it just could not be reached) are logged and
 * handled, and a flag remembers it; corrupt data is logged and re-raised;
 * anything else matches no clause and propagates by itself.  The decision
 * is taken once, after every clause has run: the defaults are applied
 * only when nothing is left to propagate, so a timeout at the same
 * instant as an IntegrityError cannot hide the corruption.  Logging the
 * recoverable errors too means a silent default never hides an outage.
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

static void log_leaf(tg_error *leaf, void *ud)
{
    (void)ud;
    log_error(leaf);
}

static tg_error *note_recovered(tg_error *matched, void *ud)
{
    tg_error_foreach_leaf(matched, log_leaf, NULL);
    *(bool *)ud = true; /* decide after all the clauses */
    return NULL;
}

static tg_error *log_and_reraise(tg_error *matched, void *ud)
{
    (void)ud;
    tg_error_foreach_leaf(matched, log_leaf, NULL);
    return matched;
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
    if (eg == NULL)
        return NULL;
    bool recovered = false;
    const tg_except_clause clauses[] = {
        {TG_MATCH_TYPES(&TG_ConnectionError, &TG_TimeoutError), note_recovered,
         &recovered},
        {TG_MATCH_TYPE(IntegrityError), log_and_reraise, NULL},
    };
    tg_error *rest = tg_except(eg, clauses, 2);
    if (rest != NULL)
        return rest; /* corruption, a bug or a cancellation */
    if (recovered)
        use_defaults(s);
    return NULL;
}
