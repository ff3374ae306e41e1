/*
 * 10-timeouts-and-cleanup/fetch_within -- put a time limit on a fetch.
 * (Lesson 10: timeouts, and cleaning up when cancelled.)
 *
 * As written, fetch_within races the fetch against a watchdog task in
 * the same group, and the watchdog cancels the fetch when time is up.
 * Run `lab check` to see what that costs: a fast page still takes the
 * whole limit, and a slow one comes back as a CancelledError instead of
 * a TimeoutError.  Replace the race with a timeout scope.
 *
 * The contract is in fetch_within.h; fetch_url is in world.h;
 * tg_timeout_enter and tg_timeout_exit are in tg.h.
 */
#include "fetch_within.h"
#include "world.h"

struct race {
    const char *url;
    uint64_t ms;
    tg_task *fetch; /* the task the watchdog cancels */
};

static tg_result fetch_task(void *arg)
{
    struct race *r = arg;
    tg_error *err = NULL;
    char *body = fetch_url(r->url, &err);
    if (err != NULL)
        return tg_raise(err);
    return tg_return(body);
}

/* TODO: the group waits for this task too, so fetch_within always takes
 * the full r->ms, however fast the page comes back. */
static tg_result watchdog(void *arg)
{
    struct race *r = arg;
    tg_error *err = tg_sleep(r->ms);
    if (err != NULL)
        return tg_raise(err);
    tg_task_cancel(r->fetch); /* too slow: stop it */
    return tg_return(NULL);
}

tg_error *fetch_within(const char *url, uint64_t ms, char **body)
{
    struct race r = {.url = url, .ms = ms};
    *body = NULL;
    tg_group *g = tg_group_new();
    if (g == NULL)
        return tg_error_new(&TG_MemoryError, "out of memory");
    r.fetch = tg_spawn(g, fetch_task, &r);
    tg_spawn(g, watchdog, &r);
    tg_error *eg = tg_group_wait(g);
    tg_error_unref(eg); /* the fetch's own error is in its result */

    /* TODO: when the watchdog stopped the fetch, its result is a
     * CancelledError -- which tells the caller "you were cancelled",
     * not "the page was too slow". */
    tg_result res = tg_task_result(r.fetch);
    tg_error *err = tg_error_ref(res.error);
    if (err == NULL)
        *body = res.value;
    tg_group_free(g);
    return err;
}
