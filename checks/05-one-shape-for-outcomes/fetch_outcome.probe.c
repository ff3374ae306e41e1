/*
 * fetch_outcome.probe.c -- the scenarios of 05-one-shape-for-outcomes/
 * fetch_outcome.  Each fills an outcome with 0xA5 bytes, calls the
 * learner's safe_fetch on a URL the probe owns (and scribbles over once
 * the call has returned), records the outcome and frees it with the
 * learner's fetch_outcome_clear.  The clear scenario hands the learner's
 * fetch_outcome_clear two outcomes the probe built itself.
 *
 * A field is only read for what it is: one still holding the 0xA5
 * pattern is recorded as stale, and the world's call log tells a body it
 * delivered from an error it raised, so nothing is dereferenced as the
 * wrong type.  An outcome with such a field is freed by the probe (what
 * can be freed), not by fetch_outcome_clear, which could not cope.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetch_outcome.h"
#include "fetch_outcome.scenario.h"
#include "probe.h"
#include "world_probe.h"

static struct fetch_outcome stale_outcome(void)
{
    struct fetch_outcome o;
    memset(&o, FO_STALE_BYTE, sizeof o);
    return o;
}

static bool is_stale(const void *field, size_t size)
{
    const unsigned char *b = field;
    for (size_t i = 0; i < size; i++)
        if (b[i] != FO_STALE_BYTE)
            return false;
    return true;
}

#define STALE(o, f) is_stale(&(o)->f, sizeof(o)->f)

static bool delivered(const void *ptr)
{
    for (size_t i = 0; ptr && i < world_call_count(); i++)
        if (world_call_at(i)->value_obj == ptr)
            return true;
    return false;
}

static bool raised(const void *ptr)
{
    for (size_t i = 0; ptr && i < world_call_count(); i++)
        if (world_call_at(i)->error_obj == ptr)
            return true;
    return false;
}

/* True when ptr is the error fetch_url raised for url. */
static bool raised_for(const void *ptr, const char *url)
{
    for (size_t i = 0; ptr && i < world_call_count(); i++) {
        const world_call *c = world_call_at(i);
        if (c->error_obj == ptr && c->input && strcmp(c->input, url) == 0)
            return true;
    }
    return false;
}

/* Records *o under key; returns true when fetch_outcome_clear may be
 * given it (no stale field, every pointer what its field says, url not
 * the probe's). */
static bool record_outcome(probe_ctx *p, const char *key_in,
                           const struct fetch_outcome *o, const char *url_buf,
                           const char *url)
{
    char key[64]; /* key_in may be one of probe_key's rotating buffers */
    snprintf(key, sizeof key, "%s", key_in);
    bool status_stale = STALE(o, status);
    bool body_stale = STALE(o, body), error_stale = STALE(o, error);
    bool url_stale = STALE(o, url);
    bool body_is_error = !body_stale && raised(o->body);
    bool error_is_body = !error_stale && delivered(o->error);
    bool borrowed = !url_stale && o->url != NULL && o->url == url_buf;
    probe_obs_int(p, probe_key(p, "%s.status", key),
                  status_stale ? -1 : (long long)o->status);
    probe_obs_bool(p, probe_key(p, "%s.status_stale", key), status_stale);
    probe_obs_str(p, probe_key(p, "%s.body", key),
                  body_stale || body_is_error ? NULL : o->body);
    probe_obs_bool(p, probe_key(p, "%s.body_stale", key), body_stale);
    probe_obs_bool(p, probe_key(p, "%s.body_is_error", key), body_is_error);
    probe_obs_error(p, probe_key(p, "%s.error", key),
                    error_stale || error_is_body ? NULL : o->error);
    probe_obs_bool(p, probe_key(p, "%s.error_stale", key), error_stale);
    probe_obs_bool(p, probe_key(p, "%s.error_is_body", key), error_is_body);
    probe_obs_bool(p, probe_key(p, "%s.error_from_service", key),
                   !error_stale && raised_for(o->error, url));
    probe_obs_str(p, probe_key(p, "%s.url", key), url_stale ? NULL : o->url);
    probe_obs_bool(p, probe_key(p, "%s.url_stale", key), url_stale);
    probe_obs_bool(p, probe_key(p, "%s.url_borrowed", key), borrowed);
    return !status_stale && !body_stale && !error_stale && !url_stale &&
           !body_is_error && !error_is_body && !borrowed;
}

/* Frees what can be freed of an outcome the learner's clear cannot be
 * trusted with. */
static void free_what_can_be(struct fetch_outcome *o, const char *url_buf)
{
    if (!STALE(o, body)) {
        if (raised(o->body))
            tg_error_unref((tg_error *)(void *)o->body);
        else
            free(o->body);
    }
    if (!STALE(o, error)) {
        if (delivered(o->error))
            free(o->error);
        else
            tg_error_unref(o->error);
    }
    if (!STALE(o, url) && o->url != url_buf)
        free(o->url);
}

/* One call of safe_fetch on a fresh stale outcome; records it under key
 * and releases what the contract gives the caller. */
static void fetch_one(probe_ctx *p, const char *key_in, const char *url)
{
    char key[64]; /* key_in may be one of probe_key's rotating buffers */
    snprintf(key, sizeof key, "%s", key_in);
    char *url_buf = copy_str(url);
    struct fetch_outcome out = stale_outcome();
    tg_error *ret = safe_fetch(url_buf, &out);
    memset(url_buf, '#', strlen(url_buf)); /* the caller's string changes */
    probe_obs_error(p, probe_key(p, "%s.returned", key), ret);
    probe_obs_bool(p, probe_key(p, "%s.returned_from_service", key),
                   raised_for(ret, url));
    probe_obs_now(p, probe_key(p, "%s.returned_at", key));
    struct fetch_outcome pristine = stale_outcome();
    bool untouched = memcmp(&out, &pristine, sizeof out) == 0;
    probe_obs_bool(p, probe_key(p, "%s.untouched", key), untouched);
    if (ret == NULL || !untouched) {
        bool safe =
            record_outcome(p, probe_key(p, "%s.out", key), &out, url_buf, url);
        /* On a returned error the caller does not clear *out: whatever
         * safe_fetch left there is its own leak. */
        if (ret == NULL) {
            if (safe)
                fetch_outcome_clear(&out);
            else
                free_what_can_be(&out, url_buf);
        }
    }
    tg_error_unref(ret);
    free(url_buf);
}

static void call_fetch(probe_ctx *p, void *arg)
{
    const char *which = arg;
    if (strcmp(which, "failures") == 0) {
        for (size_t i = 0; i < FO_FAIL_N; i++)
            fetch_one(p, probe_key(p, "fetch.%zu", i), FO_FAIL_URL[i]);
    } else {
        const char *url = strcmp(which, "ok") == 0    ? FO_OK_URL
                          : strcmp(which, "bug") == 0 ? FO_BUG_URL
                                                      : FO_CANCEL_URL;
        fetch_one(p, "fetch.0", url);
    }
    probe_obs_calls(p, "calls");
}

static void scenario_ok(probe_ctx *p)
{
    world_plan1(WORLD_FETCH_URL, FO_OK_URL, WORLD_STEP_OK(30));
    probe_run(p, call_fetch, "ok", 0);
}

static void scenario_failures(probe_ctx *p)
{
    world_plan1(WORLD_FETCH_URL, FO_FAIL_URL[0],
                WORLD_STEP_FAIL(20, HTTPError));
    world_plan1(WORLD_FETCH_URL, FO_FAIL_URL[1],
                WORLD_STEP_FAIL(20, TG_ConnectionError));
    world_plan1(WORLD_FETCH_URL, FO_FAIL_URL[2],
                WORLD_STEP_FAIL(20, TG_TimeoutError));
    probe_run(p, call_fetch, "failures", 0);
}

static void scenario_bug(probe_ctx *p)
{
    world_plan1(WORLD_FETCH_URL, FO_BUG_URL, WORLD_STEP_BUG(20));
    probe_run(p, call_fetch, "bug", 0);
}

static void scenario_cancel(probe_ctx *p)
{
    world_plan1(WORLD_FETCH_URL, FO_CANCEL_URL, WORLD_STEP_OK(50));
    probe_run(p, call_fetch, "cancel", FO_CANCEL_MS);
}

/* ---- clear: two outcomes built by the probe ----------------------------- */

static void record_cleared(probe_ctx *p, const char *which,
                           const struct fetch_outcome *o)
{
    probe_obs_int(p, probe_key(p, "cleared.%s.status", which),
                  (long long)o->status);
    probe_obs_bool(p, probe_key(p, "cleared.%s.body_null", which),
                   o->body == NULL);
    probe_obs_bool(p, probe_key(p, "cleared.%s.error_null", which),
                   o->error == NULL);
    probe_obs_bool(p, probe_key(p, "cleared.%s.url_null", which),
                   o->url == NULL);
}

static void call_clear(probe_ctx *p, void *arg)
{
    (void)arg;
    struct fetch_outcome ok = {
        .status = FETCH_OK,
        .body = copy_str("body of " FO_CLEAR_OK_URL),
        .url = copy_str(FO_CLEAR_OK_URL),
    };
    struct fetch_outcome failed = {
        .status = FETCH_FAILED,
        .error = tg_error_new(&HTTPError, "404 Not Found"),
        .url = copy_str(FO_CLEAR_FAILED_URL),
    };
    struct fetch_outcome zero = {0};
    fetch_outcome_clear(&ok);
    record_cleared(p, "ok", &ok);
    fetch_outcome_clear(&failed);
    record_cleared(p, "failed", &failed);
    fetch_outcome_clear(&zero);
    record_cleared(p, "zero", &zero);
    /* Nothing else to free: whatever the clear left behind is a leak. */
}

static void scenario_clear(probe_ctx *p)
{
    probe_run(p, call_clear, NULL, 0);
}

const probe_scenario PROBE_SCENARIOS[] = {
    {"ok", scenario_ok},       {"failures", scenario_failures},
    {"bug", scenario_bug},     {"cancel", scenario_cancel},
    {"clear", scenario_clear}, {NULL, NULL},
};
