/*
 * state.c -- .lab/state.json: loading with recovery, atomic saving.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "fsutil.h"
#include "state.h"

#define STATE_FORMAT "tglab-state"
#define STATE_VERSION 1

static const char *status_names[] = {"not-started", "started", "failing",
                                     "done"};

const char *state_status_name(ex_status s)
{
    return status_names[s];
}

static ex_status status_from_name(const char *name)
{
    for (int i = 0; i < 4; i++)
        if (name && strcmp(name, status_names[i]) == 0)
            return (ex_status)i;
    return EX_NOT_STARTED;
}

void state_free(lab_state *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < st->nex; i++)
        free(st->ex[i].id);
    free(st->ex);
    free(st->current);
    free(st->dir);
    free(st->path);
    free(st);
}

ex_state *state_ex(lab_state *st, const char *id)
{
    for (size_t i = 0; i < st->nex; i++)
        if (strcmp(st->ex[i].id, id) == 0)
            return &st->ex[i];
    if (st->nex == st->cap) {
        size_t cap = st->cap ? st->cap * 2 : 16;
        ex_state *ex = realloc(st->ex, cap * sizeof *ex);
        if (!ex)
            return NULL;
        st->ex = ex;
        st->cap = cap;
    }
    ex_state *e = &st->ex[st->nex];
    memset(e, 0, sizeof *e);
    if (!(e->id = strdup(id)))
        return NULL;
    st->nex++;
    return e;
}

int state_set_current(lab_state *st, const char *id)
{
    char *copy = strdup(id);
    if (!copy)
        return -1;
    free(st->current);
    st->current = copy;
    return 0;
}

/* Moves a bad state file aside so nothing is lost, and says so. */
static void quarantine(lab_state *st, const char *reason)
{
    /* A name no earlier bad file has taken: two in the same second must
     * not overwrite each other. */
    char aside[4200];
    long now = (long)time(NULL);
    for (int k = 0; k < 1000; k++) {
        if (k == 0)
            snprintf(aside, sizeof aside, "%s.corrupt-%ld", st->path, now);
        else
            snprintf(aside, sizeof aside, "%s.corrupt-%ld-%d", st->path, now,
                     k);
        if (access(aside, F_OK) != 0)
            break;
    }
    if (rename(st->path, aside) == 0)
        fprintf(stderr,
                "lab: warning: %s %s; it was moved to %s and your progress "
                "starts afresh. Your exercise files are untouched.\n",
                st->path, reason, aside);
    else
        fprintf(stderr,
                "lab: warning: %s %s, and it could not be moved aside (%s); "
                "progress will not be saved until it is fixed or removed.\n",
                st->path, reason, strerror(errno));
}

static bool parse(lab_state *st, json_t *doc)
{
    json_t *fmt = json_object_get(doc, "format");
    json_t *ver = json_object_get(doc, "version");
    json_t *exs = json_object_get(doc, "exercises");
    if (!json_is_string(fmt) || strcmp(json_string_value(fmt), STATE_FORMAT) ||
        !json_is_integer(ver) || json_integer_value(ver) != STATE_VERSION ||
        (exs && !json_is_object(exs)))
        return false;
    json_t *cur = json_object_get(doc, "current");
    if (json_is_string(cur) && !(st->current = strdup(json_string_value(cur))))
        return false;
    st->welcomed = json_is_true(json_object_get(doc, "welcomed"));
    const char *id;
    json_t *v;
    json_object_foreach(exs, id, v)
    {
        if (!json_is_object(v))
            return false;
        ex_state *e = state_ex(st, id);
        if (!e)
            return false;
        e->status = status_from_name(
            json_string_value(json_object_get(v, "status")));
        e->hints_shown = (int)json_integer_value(json_object_get(v, "hints"));
        e->attempts = (int)json_integer_value(json_object_get(v, "attempts"));
        e->best_points =
            (int)json_integer_value(json_object_get(v, "best_points"));
        if (e->hints_shown < 0 || e->attempts < 0 || e->best_points < 0)
            return false;
    }
    return true;
}

lab_state *state_load(const char *root, char *why, size_t whylen)
{
    lab_state *st = calloc(1, sizeof *st);
    if (!st || asprintf(&st->dir, "%s/.lab", root) < 0 ||
        asprintf(&st->path, "%s/.lab/state.json", root) < 0) {
        snprintf(why, whylen, "lab: error: out of memory");
        state_free(st);
        return NULL;
    }
    if (mkdir(st->dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr,
                "lab: warning: cannot create %s (%s); your progress will "
                "not be saved.\n",
                st->dir, strerror(errno));
        st->read_only = true;
        return st;
    }
    struct stat sb;
    if (stat(st->dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        fprintf(stderr,
                "lab: warning: %s exists but is not a directory; your "
                "progress will not be saved until it is moved away.\n",
                st->dir);
        st->read_only = true;
        return st;
    }
    if (access(st->dir, W_OK) != 0) {
        fprintf(stderr,
                "lab: warning: %s is not writable (%s); your progress will "
                "not be saved.\n",
                st->dir, strerror(errno));
        st->read_only = true;
    }
    json_error_t jerr;
    json_t *doc = json_load_file(st->path, 0, &jerr);
    if (!doc) {
        if (access(st->path, F_OK) == 0) /* there, but unreadable */
            quarantine(st, "could not be read as JSON");
        return st;
    }
    if (!json_is_object(doc) || !parse(st, doc)) {
        json_decref(doc);
        /* Start clean: drop whatever was parsed before the problem. */
        char *dir = st->dir, *path = st->path;
        bool ro = st->read_only;
        st->dir = st->path = NULL;
        state_free(st);
        st = calloc(1, sizeof *st);
        if (!st) {
            free(dir);
            free(path);
            snprintf(why, whylen, "lab: error: out of memory");
            return NULL;
        }
        st->dir = dir;
        st->path = path;
        st->read_only = ro;
        quarantine(st, "is not a tglab state file this version understands");
        return st;
    }
    json_decref(doc);
    return st;
}

int state_write_atomic(const char *path, const void *data, size_t len)
{
    return write_file_atomic(path, data, len, true);
}

int state_save(lab_state *st, char *why, size_t whylen)
{
    if (st->read_only) {
        snprintf(why, whylen,
                 "lab: error: %s is not writable: progress not saved",
                 st->dir);
        return -1;
    }
    json_t *doc = json_object();
    json_t *exs = json_object();
    if (!doc || !exs)
        goto oom;
    json_object_set_new(doc, "format", json_string(STATE_FORMAT));
    json_object_set_new(doc, "version", json_integer(STATE_VERSION));
    json_object_set_new(doc, "welcomed", json_boolean(st->welcomed));
    if (st->current)
        json_object_set_new(doc, "current", json_string(st->current));
    for (size_t i = 0; i < st->nex; i++) {
        const ex_state *e = &st->ex[i];
        json_t *o = json_pack("{s:s, s:i, s:i, s:i}", "status",
                              state_status_name(e->status), "hints",
                              e->hints_shown, "attempts", e->attempts,
                              "best_points", e->best_points);
        if (!o)
            goto oom;
        json_object_set_new(exs, e->id, o);
    }
    json_object_set_new(doc, "exercises", exs);
    exs = NULL;
    char *text = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS);
    json_decref(doc);
    if (!text)
        goto oom_nodoc;
    size_t len = strlen(text);
    int rc = state_write_atomic(st->path, text, len);
    free(text);
    if (rc != 0) {
        snprintf(why, whylen, "lab: error: cannot save %s: %s", st->path,
                 strerror(errno));
        return -1;
    }
    return 0;
oom:
    json_decref(exs);
    json_decref(doc);
oom_nodoc:
    snprintf(why, whylen, "lab: error: out of memory");
    return -1;
}
