/*
 * pipeline_verdict.c -- the verdict stage: ask the trusted checker which
 * checks exist (and which scenario each one looks at), hand it the
 * validated frames, and merge its verdicts with the manifest.
 *
 * The checker is the exercise's own trusted program (cmocka + jansson, no
 * learner code), so it runs outside the sandbox, as a suspension point,
 * with a timeout and capped output; its frames arrive on stdin.  Its
 * answer is still parsed defensively (size caps, types, names it was
 * asked about) because a broken checker must give "lab: error", never a
 * pass.
 *
 * Flaky passes (docs/grading.md, section 4, step 6): a check passes only
 * when it passes under every seed.  One that passes under some seeds and
 * fails under others is marked flaky: the code depends on the schedule or
 * the injected faults, which the seed decides, and the first failing seed
 * is given with the command that reproduces it.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline_internal.h"

#define LIST_CAP (1u << 20)
#define VERDICT_CAP (16u << 20)
#define CHECKER_TIMEOUT_MS 30000
#define MAX_CHECKS 256
#define MESSAGE_CAP 4000

static bool valid_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              (*s >= 'A' && *s <= 'Z') || *s == '_' || *s == '-'))
            return false;
    return true;
}

/* The first line of s, at most 300 bytes, for an error message. */
static void first_line(const char *s, char *out, size_t outlen)
{
    size_t n = s ? strcspn(s, "\n") : 0;
    if (n >= outlen)
        n = outlen - 1;
    if (n)
        memcpy(out, s, n);
    out[n] = '\0';
}

tg_error *pipeline__list_checks(pipeline__ctx *c)
{
    const char *const argv[] = {c->checker, "--list", NULL};
    tg_process_result pr;
    tg_error *e = pipeline__trusted(argv, CHECKER_TIMEOUT_MS, LIST_CAP, &pr);
    if (e)
        return e;
    char line[300];
    first_line(pr.err, line, sizeof line);
    json_t *doc = NULL;
    if (pr.exit_status == 0 && !pr.term_signal && !pr.timed_out &&
        !pr.out_truncated && pipeline__json_depth_ok(pr.out, pr.out_len, 8))
        doc = json_loadb(pr.out, pr.out_len, 0, NULL);
    tg_process_result_free(&pr);
    json_t *checks = json_object_get(doc, "checks");
    size_t n = json_array_size(checks);
    if (!json_is_array(checks) || n == 0 || n > MAX_CHECKS) {
        json_decref(doc);
        return pipeline__fail("the checker of %s did not list its checks%s%s",
                              c->ex->id, line[0] ? ": " : "", line);
    }
    c->listed = calloc(n, sizeof *c->listed);
    if (!c->listed) {
        json_decref(doc);
        return pipeline__fail("out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        json_t *item = json_array_get(checks, i);
        const char *name = json_string_value(json_object_get(item, "name"));
        const char *sc = json_string_value(json_object_get(item, "scenario"));
        bool dup = false;
        for (size_t j = 0; name && j < c->nlisted; j++)
            if (strcmp(c->listed[j].name, name) == 0)
                dup = true;
        if (!name || !sc || !valid_name(name) || !valid_name(sc) || dup) {
            json_decref(doc);
            return pipeline__fail("the checker of %s lists a bad check (#%zu)",
                                  c->ex->id, i + 1);
        }
        c->listed[c->nlisted].name = strdup(name);
        c->listed[c->nlisted].scenario = strdup(sc);
        if (!c->listed[c->nlisted].name || !c->listed[c->nlisted].scenario) {
            free(c->listed[c->nlisted].name);
            free(c->listed[c->nlisted].scenario);
            json_decref(doc);
            return pipeline__fail("out of memory");
        }
        c->nlisted++;
    }
    json_decref(doc);
    return NULL;
}

/* ---- words for how a run ended ---------------------------------------- */

static const char *signal_words(int sig)
{
    switch (sig) {
    case 11:
        return "an invalid memory access (a NULL, freed or "
               "out-of-bounds pointer)";
    case 6:
        return "abort() (a failed assert, or memory corruption the C "
               "library noticed)";
    case 8:
        return "an arithmetic error (division by zero?)";
    case 7:
        return "a misaligned or invalid memory access";
    case 4:
        return "an illegal instruction (a corrupted stack?)";
    case 9:
        return "a kill (it went over a memory or time limit)";
    case 24:
        return "its CPU time limit";
    case 31:
        return "a system call the sandbox forbids";
    case 13:
        return "a write to a closed pipe";
    default:
        return NULL;
    }
}

static char *crash_words(const pipeline__ctx *c, const pipeline__run *run)
{
    const char *name = pipeline__signal_name(run->signal);
    switch (run->status) {
    case PIPELINE_RUN_OK:
        return NULL;
    case PIPELINE_RUN_CRASHED:
        if (run->signal > 0) {
            const char *w = signal_words(run->signal);
            return pipeline__printf("crashed with %s%s%s%s",
                                    name ? name : "a signal", w ? " (" : "",
                                    w ? w : "", w ? ")" : "");
        }
        if ((c->opts->sanitizers && run->exit_code == 1) ||
            (run->stderr_tail &&
             (strstr(run->stderr_tail, "AddressSanitizer") ||
              strstr(run->stderr_tail, "runtime error:") ||
              strstr(run->stderr_tail, "LeakSanitizer"))))
            return pipeline__printf("stopped by a sanitizer (exit status "
                                    "%d): it found a memory error or "
                                    "undefined behaviour, see the output",
                                    run->exit_code);
        return pipeline__printf("stopped with exit status %d before it "
                                "could report (did your code call exit()?)",
                                run->exit_code);
    case PIPELINE_RUN_TIMEOUT: {
        uint64_t t = c->opts->run_timeout_ms ? c->opts->run_timeout_ms
                                             : PIPELINE_RUN_TIMEOUT_MS;
        if (c->opts->sanitizers && !c->opts->run_timeout_ms)
            t *= 3;
        return pipeline__printf("did not finish within %llu ms (a loop "
                                "that never ends, or a wait for something "
                                "that never comes)",
                                (unsigned long long)t);
    }
    case PIPELINE_RUN_BAD_REPORT:
        if (run->note)
            return strdup(run->note);
        return strdup("ended without a report (did your code call exit(), "
                      "or write over memory it does not own?)");
    }
    return NULL;
}

/* Everything the run printed, as the probe captured it (its head and its
 * tail), or NULL. */
static const char *full_output(const pipeline__run *run)
{
    json_t *f = run->frame;
    return f ? json_string_value(json_object_get(f, "stderr")) : NULL;
}

/*
 * With sanitizers, the first place in the learner's file that a report
 * names, from the top (where the faulting access is): "#0 0x... in
 * send_all /work/send_all.c:12" or a UBSan "/work/send_all.c:12:5:
 * runtime error: ...".  Returns "FILE:LINE".
 */
static char *where_of(const pipeline__ctx *c, const char *out)
{
    if (!out || !c->res->file)
        return NULL;
    size_t n = strlen(c->srcname);
    for (const char *p = strstr(out, c->srcname); p;
         p = strstr(p + 1, c->srcname)) {
        if (p > out && p[-1] != '/' && p[-1] != ' ')
            continue;
        if (p[n] != ':' || p[n + 1] < '0' || p[n + 1] > '9')
            continue;
        unsigned long line = strtoul(p + n + 1, NULL, 10);
        return pipeline__printf("%s:%lu", c->res->file, line);
    }
    return NULL;
}

/* ---- merging ---------------------------------------------------------- */

static const manifest_check *manifest_check_of(const manifest_exercise *ex,
                                               const char *name)
{
    for (size_t i = 0; i < ex->nchecks; i++)
        if (strcmp(ex->checks[i].name, name) == 0)
            return &ex->checks[i];
    return NULL;
}

static const pipeline__run *run_of(const pipeline__ctx *c, const char *sc,
                                   uint64_t seed)
{
    for (size_t i = 0; i < c->nruns; i++)
        if (c->runs[i].seed == seed && strcmp(c->runs[i].scenario, sc) == 0)
            return &c->runs[i];
    return NULL;
}

static json_t *verdict_of(json_t *arr, const char *check, uint64_t seed)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        const char *name = json_string_value(json_object_get(v, "check"));
        json_t *s = json_object_get(v, "seed");
        if (name && strcmp(name, check) == 0 && json_is_integer(s) &&
            (uint64_t)json_integer_value(s) == seed)
            return v;
    }
    return NULL;
}

/* Fills one check's result from the verdicts; false on OOM. */
static bool merge_one(pipeline__ctx *c, json_t *arr, pipeline_check_result *cr,
                      const char *name, const char *scenario,
                      const manifest_check *mc)
{
    const manifest_exercise *ex = c->ex;
    cr->name = strdup(name);
    cr->scenario = scenario ? strdup(scenario) : NULL;
    cr->points = mc ? mc->points : 1;
    cr->hint = mc ? mc->hint : -1;
    if (mc && mc->hint >= 0 && (size_t)mc->hint < ex->nhints)
        cr->hint_text = pipeline__clean_str(ex->hints[mc->hint], 4000);
    cr->nseeds = c->res->nseeds;
    cr->seeds = calloc(cr->nseeds ? cr->nseeds : 1, sizeof *cr->seeds);
    if (!cr->name || !cr->seeds)
        return false;
    size_t npassed = 0;
    const pipeline__run *failing = NULL;
    for (size_t s = 0; s < cr->nseeds; s++) {
        pipeline_seed_verdict *sv = &cr->seeds[s];
        sv->seed = c->res->seeds[s];
        const pipeline__run *run =
            scenario ? run_of(c, scenario, sv->seed) : NULL;
        sv->run = run ? run->status : PIPELINE_RUN_BAD_REPORT;
        sv->signal = run ? run->signal : 0;
        json_t *v = scenario ? verdict_of(arr, name, sv->seed) : NULL;
        json_t *passed = json_object_get(v, "passed");
        const char *sc = json_string_value(json_object_get(v, "scenario"));
        if (v && json_is_boolean(passed) && sc && strcmp(sc, scenario) == 0) {
            sv->passed = json_is_true(passed);
            const char *m = json_string_value(json_object_get(v, "message"));
            if (!sv->passed)
                sv->message = pipeline__clean_str(
                    m ? m
                      : "this check failed (the checker gave no "
                        "message)",
                    MESSAGE_CAP);
        } else {
            sv->passed = false;
            sv->message = strdup(
                scenario ? "the checker gave no verdict for this check "
                           "under this seed (a problem with the lab: run "
                           "'lab dev check')"
                         : "the checker does not know this check (a "
                           "problem with the lab: run 'lab dev check')");
        }
        if (sv->passed) {
            npassed++;
        } else if (!cr->message) {
            cr->failing_seed = sv->seed;
            cr->message = sv->message ? strdup(sv->message) : NULL;
            failing = run;
        }
    }
    cr->passed = cr->nseeds > 0 && npassed == cr->nseeds;
    cr->flaky = npassed > 0 && npassed < cr->nseeds;
    if (!cr->passed) {
        if (failing) {
            cr->crash = crash_words(c, failing);
            /* A sanitizer's report is best read from its top. */
            const char *all = full_output(failing);
            const char *err = all ? strstr(all, "==ERROR: ") : NULL;
            if (!err && all)
                err = strstr(all, "runtime error: ");
            if (err) {
                while (err > all && err[-1] != '\n')
                    err--;
                cr->output = pipeline__clean(err, strlen(err), 1500, true);
            } else if (failing->stderr_tail) {
                cr->output = strdup(failing->stderr_tail);
            }
            if (c->opts->sanitizers)
                cr->where = where_of(c, all);
            if (failing->trace && !(cr->trace_json = strdup(failing->trace)))
                return false;
        }
        if (c->opts->repro_prefix)
            cr->reproduce =
                pipeline__printf("%s --seed %llu", c->opts->repro_prefix,
                                 (unsigned long long)cr->failing_seed);
        else
            cr->reproduce =
                pipeline__printf("lab check %s --seed %llu", ex->id,
                                 (unsigned long long)cr->failing_seed);
    }
    return true;
}

tg_error *pipeline__verdict_merge(pipeline__ctx *c, const char *json,
                                  size_t len)
{
    json_t *arr = NULL;
    if (pipeline__json_depth_ok(json, len, 16))
        arr = json_loadb(json, len, 0, NULL);
    if (!json_is_array(arr) ||
        json_array_size(arr) > (c->nlisted + 1) * (c->res->nseeds + 1) * 2) {
        json_decref(arr);
        return pipeline__fail("the checker of %s answered with something "
                              "that is not a list of verdicts",
                              c->ex->id);
    }
    const manifest_exercise *ex = c->ex;
    size_t max = ex->nchecks + c->nlisted;
    pipeline_result *r = c->res;
    r->checks = calloc(max ? max : 1, sizeof *r->checks);
    if (!r->checks) {
        json_decref(arr);
        return pipeline__fail("out of memory");
    }
    bool ok = true;
    /* The manifest's checks, in its order... */
    for (size_t i = 0; i < ex->nchecks && ok; i++) {
        const char *scenario = NULL;
        for (size_t j = 0; j < c->nlisted; j++)
            if (strcmp(c->listed[j].name, ex->checks[i].name) == 0)
                scenario = c->listed[j].scenario;
        ok = merge_one(c, arr, &r->checks[r->nchecks++], ex->checks[i].name,
                       scenario, &ex->checks[i]);
    }
    /* ...then any the checker has and the manifest does not (an
     * instructor's extra checks, lab grade --checks). */
    for (size_t j = 0; j < c->nlisted && ok; j++)
        if (!manifest_check_of(ex, c->listed[j].name))
            ok = merge_one(c, arr, &r->checks[r->nchecks++], c->listed[j].name,
                           c->listed[j].scenario, NULL);
    json_decref(arr);
    if (!ok)
        return pipeline__fail("out of memory");
    r->passed = r->nchecks > 0;
    for (size_t i = 0; i < r->nchecks; i++) {
        r->max_points += r->checks[i].points;
        if (r->checks[i].passed)
            r->points += r->checks[i].points;
        else
            r->passed = false;
    }
    return NULL;
}

tg_error *pipeline__verdict(pipeline__ctx *c)
{
    pipeline__buf b = {0};
    for (size_t i = 0; i < c->nruns; i++) {
        char *text = json_dumps(c->runs[i].frame, JSON_COMPACT);
        if (!text) {
            pipeline__buf_free(&b);
            return pipeline__fail("out of memory");
        }
        pipeline__buf_printf(&b, "@@tglab-frame-begin %s:%llu@@\n",
                             c->runs[i].scenario,
                             (unsigned long long)c->runs[i].seed);
        pipeline__buf_puts(&b, text);
        pipeline__buf_puts(&b, "\n@@tglab-frame-end@@\n");
        free(text);
    }
    if (b.oom)
        return pipeline__fail("out of memory");
    const char *const argv[] = {c->checker, "--reports", "-", NULL};
    static const char *const env[] = {"PATH=/usr/bin:/bin", "LC_ALL=C.UTF-8",
                                      NULL};
    tg_process_result pr;
    memset(&pr, 0, sizeof pr);
    tg_process_spec ps = {.argv = argv,
                          .env = env,
                          .stdin_data = b.s ? b.s : "",
                          .stdin_len = b.len,
                          .output_cap = VERDICT_CAP,
                          .timeout_ms = CHECKER_TIMEOUT_MS};
    tg_error *e = tg_process_run(&ps, &pr);
    pipeline__buf_free(&b);
    if (e) {
        if (tg_error_is(e, &TG_CancelledError))
            return e;
        tg_error *f = pipeline__fail("cannot run the checker %s: %s",
                                     c->checker, tg_error_message(e));
        tg_error_unref(e);
        return f;
    }
    /* 0: every check passed, 1: some failed; anything else is the
     * checker's own failure. */
    if (pr.timed_out || pr.term_signal || pr.out_truncated ||
        (pr.exit_status != 0 && pr.exit_status != 1)) {
        char line[300];
        first_line(pr.err, line, sizeof line);
        e = pipeline__fail("the checker of %s failed (%s%d)%s%s", c->ex->id,
                           pr.timed_out ? "timed out, " : "",
                           pr.term_signal ? pr.term_signal : pr.exit_status,
                           line[0] ? ": " : "", line);
        tg_process_result_free(&pr);
        return e;
    }
    e = pipeline__verdict_merge(c, pr.out, pr.out_len);
    tg_process_result_free(&pr);
    return e;
}
