/*
 * gather.c -- tg_gather, like asyncio.gather(..., return_exceptions=True):
 * run calls concurrently, never cancel one because another failed, and
 * hand back every outcome.  Built on a group in "gather" mode, which counts
 * its children but neither aborts nor collects errors.
 */
#include "runtime.h"

static void gather_wait_cancel(tg_task *t)
{
    tg_group *g = t->wait_data;
    g->owner_waiting = false;
}

tg_error *tg_gather(size_t n, const tg_fn *fns, void *const *args,
                    tg_result *results)
{
    tg__run *run = tg__current_run;
    tg_task *self = run ? run->current : NULL;
    if (!self)
        return tg__no_task_error("tg_gather");
    tg_group *g = tg__group_new(TG__GROUP_GATHER);
    if (!g)
        return tg__error_oom();

    tg_task **tasks = tg__calloc(n ? n : 1, sizeof *tasks);
    if (!tasks) {
        tg_group_free(g);
        return tg__error_oom();
    }
    for (size_t i = 0; i < n; i++)
        tasks[i] = tg_spawn(g, fns[i], args ? args[i] : NULL);

    tg_error *cancelled = NULL;
    while (g->active > 0) {
        g->owner_waiting = true;
        tg_error *e = tg__task_suspend(self, gather_wait_cancel, g, "gather");
        if (e && !cancelled) {
            /* Cancelling the gather cancels every child. */
            cancelled = e;
            for (size_t i = 0; i < n; i++)
                tg_task_cancel(tasks[i]);
        } else {
            tg_error_unref(e);
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (!tasks[i]) {
            results[i] = tg_raise(tg__error_oom());
            continue;
        }
        results[i] = tg_task_result(tasks[i]);
        tg_error_ref(results[i].error);
    }
    tg__free(tasks);
    tg_group_free(g);
    tg__task_note_outcome(self, cancelled);
    return cancelled;
}
