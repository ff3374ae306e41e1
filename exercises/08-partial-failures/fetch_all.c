/*
 * 08-partial-failures/fetch_all -- keep every page that arrives, even the
 * slow ones, when a fast fetch fails.  (Lesson 08: partial failures.)
 *
 * This is a common recipe translated to C: run each fetch as a plain
 * task, "collect the errors and go on" after the group, then read the
 * pages of the tasks that completed.  It works when nothing fails, and
 * when the slowest fetch fails.  Run `lab check` to see what happens
 * when a fast one fails first.
 *
 * The record and the contract are in fetch_all.h; fetch_url, HTTPError
 * and copy_str are in world.h.
 */
#include <stdlib.h>

#include "fetch_all.h"
#include "world.h"

static tg_result fetch_task(void *arg)
{
    tg_error *err = NULL;
    char *body = fetch_url(arg, &err);
    /* TODO: a failed fetch fails its task, and its group then cancels
     * every fetch still running. */
    return err != NULL ? tg_raise(err) : tg_return(body);
}

tg_error *fetch_all(const char *const *urls, size_t n,
                    struct fetch_outcome *outs)
{
    tg_group *g = tg_group_new();
    tg_task **tasks = calloc(n ? n : 1, sizeof *tasks);
    if (g == NULL || tasks == NULL) {
        tg_group_free(g);
        free(tasks);
        return tg_error_new(&TG_MemoryError, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        tasks[i] = tg_spawn(g, fetch_task, (void *)urls[i]);
    tg_error *eg = tg_group_wait(g);

    /* "except* Exception: collect the errors and go on" */
    if (eg != NULL && tg_error_is(eg, &TG_Exception)) {
        tg_error_unref(eg); /* TODO: every error in it is dropped here */
        eg = NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (tg_task_cancelled(tasks[i]))
            continue; /* TODO: its page was never fetched */
        tg_result r = tg_task_result(tasks[i]);
        if (r.error == NULL)
            outs[i] = (struct fetch_outcome){FETCH_OK, r.value, NULL,
                                             copy_str(urls[i])};
        else
            outs[i] = (struct fetch_outcome){
                FETCH_FAILED, NULL, tg_error_ref(r.error), copy_str(urls[i])};
    }
    free(tasks);
    tg_group_free(g);
    return eg;
}
