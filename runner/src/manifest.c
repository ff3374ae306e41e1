/*
 * manifest.c -- loads and validates exercises/manifest.json with jansson.
 * Validation is strict and its messages name the exercise and the field,
 * because the manifest is written by hand by exercise authors.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "manifest.h"

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static void free_strings(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

static void exercise_free(manifest_exercise *ex)
{
    free(ex->id);
    free(ex->topic);
    free(ex->name);
    free(ex->lesson);
    free(ex->title);
    free(ex->file);
    free_strings(ex->functions, ex->nfunctions);
    free_strings(ex->hints, ex->nhints);
    for (size_t i = 0; i < ex->nchecks; i++)
        free(ex->checks[i].name);
    free(ex->checks);
}

void manifest_free(manifest *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->nexercises; i++)
        exercise_free(&m->exercises[i]);
    free(m->exercises);
    free(m->root);
    free(m);
}

/* "NN-topic/name": two digits, a dash, [a-z0-9-]+, a slash, [a-z0-9_]+. */
static bool valid_id(const char *id)
{
    if (!isdigit((unsigned char)id[0]) || !isdigit((unsigned char)id[1]) ||
        id[2] != '-')
        return false;
    const char *slash = strchr(id, '/');
    if (!slash || slash == id + 3 || strchr(slash + 1, '/'))
        return false;
    for (const char *p = id + 3; p < slash; p++)
        if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) &&
            *p != '-')
            return false;
    if (!slash[1])
        return false;
    for (const char *p = slash + 1; *p; p++)
        if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) &&
            *p != '_')
            return false;
    return true;
}

/* Copies a required string field; on failure explains which. */
static char *get_string(json_t *obj, const char *key, const char *where,
                        char *why, size_t whylen)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_string(v) || json_string_length(v) == 0) {
        snprintf(why, whylen,
                 "lab: error: manifest: %s: \"%s\" must be a non-empty "
                 "string",
                 where, key);
        return NULL;
    }
    char *s = dup_str(json_string_value(v));
    if (!s)
        snprintf(why, whylen, "lab: error: out of memory");
    return s;
}

static bool get_string_array(json_t *obj, const char *key, const char *where,
                             char ***out, size_t *n, char *why,
                             size_t whylen)
{
    json_t *arr = json_object_get(obj, key);
    if (!json_is_array(arr)) {
        snprintf(why, whylen,
                 "lab: error: manifest: %s: \"%s\" must be an array of "
                 "strings",
                 where, key);
        return false;
    }
    size_t count = json_array_size(arr);
    *out = calloc(count ? count : 1, sizeof **out);
    if (!*out) {
        snprintf(why, whylen, "lab: error: out of memory");
        return false;
    }
    for (size_t i = 0; i < count; i++) {
        json_t *v = json_array_get(arr, i);
        if (!json_is_string(v) || json_string_length(v) == 0) {
            snprintf(why, whylen,
                     "lab: error: manifest: %s: \"%s\"[%zu] must be a "
                     "non-empty string",
                     where, key, i);
            return false;
        }
        if (!((*out)[i] = dup_str(json_string_value(v)))) {
            snprintf(why, whylen, "lab: error: out of memory");
            return false;
        }
        *n = i + 1;
    }
    return true;
}

static bool load_checks(json_t *obj, manifest_exercise *ex, char *why,
                        size_t whylen)
{
    json_t *arr = json_object_get(obj, "checks");
    if (!json_is_array(arr) || json_array_size(arr) == 0) {
        snprintf(why, whylen,
                 "lab: error: manifest: %s: \"checks\" must be a non-empty "
                 "array",
                 ex->id);
        return false;
    }
    size_t count = json_array_size(arr);
    ex->checks = calloc(count, sizeof *ex->checks);
    if (!ex->checks) {
        snprintf(why, whylen, "lab: error: out of memory");
        return false;
    }
    for (size_t i = 0; i < count; i++) {
        json_t *c = json_array_get(arr, i);
        char where[160];
        snprintf(where, sizeof where, "%s: checks[%zu]", ex->id, i);
        if (!json_is_object(c)) {
            snprintf(why, whylen, "lab: error: manifest: %s must be an "
                                  "object", where);
            return false;
        }
        manifest_check *mc = &ex->checks[i];
        mc->hint = -1;
        if (!(mc->name = get_string(c, "name", where, why, whylen)))
            return false;
        ex->nchecks = i + 1;
        json_t *pts = json_object_get(c, "points");
        mc->points = json_is_integer(pts) ? (int)json_integer_value(pts) : 0;
        if (mc->points <= 0) {
            snprintf(why, whylen,
                     "lab: error: manifest: %s (%s): \"points\" must be a "
                     "positive integer",
                     where, mc->name);
            return false;
        }
        json_t *hint = json_object_get(c, "hint");
        if (hint) {
            if (!json_is_integer(hint) || json_integer_value(hint) < 0 ||
                (size_t)json_integer_value(hint) >= ex->nhints) {
                snprintf(why, whylen,
                         "lab: error: manifest: %s (%s): \"hint\" must "
                         "index one of the %zu hints",
                         where, mc->name, ex->nhints);
                return false;
            }
            mc->hint = (int)json_integer_value(hint);
        }
        for (size_t k = 0; k < i; k++)
            if (strcmp(ex->checks[k].name, mc->name) == 0) {
                snprintf(why, whylen,
                         "lab: error: manifest: %s: check \"%s\" appears "
                         "twice",
                         ex->id, mc->name);
                return false;
            }
    }
    return true;
}

static bool load_exercise(json_t *obj, size_t index, manifest_exercise *ex,
                          char *why, size_t whylen)
{
    char where[64];
    snprintf(where, sizeof where, "exercises[%zu]", index);
    if (!json_is_object(obj)) {
        snprintf(why, whylen, "lab: error: manifest: %s must be an object",
                 where);
        return false;
    }
    ex->index = index;
    if (!(ex->id = get_string(obj, "id", where, why, whylen)))
        return false;
    if (!valid_id(ex->id)) {
        snprintf(why, whylen,
                 "lab: error: manifest: %s: id \"%s\" must look like "
                 "\"01-task-groups/send_all\"",
                 where, ex->id);
        return false;
    }
    const char *slash = strchr(ex->id, '/');
    ex->topic = strndup(ex->id, (size_t)(slash - ex->id));
    ex->name = dup_str(slash + 1);
    if (!ex->topic || !ex->name) {
        snprintf(why, whylen, "lab: error: out of memory");
        return false;
    }
    if (!(ex->lesson = get_string(obj, "lesson", ex->id, why, whylen)) ||
        !(ex->title = get_string(obj, "title", ex->id, why, whylen)) ||
        !(ex->file = get_string(obj, "file", ex->id, why, whylen)))
        return false;
    if (!get_string_array(obj, "functions", ex->id, &ex->functions,
                          &ex->nfunctions, why, whylen) ||
        !get_string_array(obj, "hints", ex->id, &ex->hints, &ex->nhints,
                          why, whylen))
        return false;
    if (ex->nfunctions == 0) {
        snprintf(why, whylen,
                 "lab: error: manifest: %s: \"functions\" must name at "
                 "least one function",
                 ex->id);
        return false;
    }
    if (ex->nhints < 2 || ex->nhints > 4) {
        snprintf(why, whylen,
                 "lab: error: manifest: %s: give two to four hints (there "
                 "are %zu)",
                 ex->id, ex->nhints);
        return false;
    }
    return load_checks(obj, ex, why, whylen);
}

manifest *manifest_load(const char *root, char *why, size_t whylen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/exercises/manifest.json", root);
    json_error_t jerr;
    json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc) {
        if (jerr.line < 0)
            snprintf(why, whylen,
                     "lab: error: cannot read %s: %s", path, jerr.text);
        else
            snprintf(why, whylen,
                     "lab: error: %s:%d:%d: not valid JSON: %s", path,
                     jerr.line, jerr.column, jerr.text);
        return NULL;
    }
    manifest *m = calloc(1, sizeof *m);
    json_t *arr = json_object_get(doc, "exercises");
    json_t *version = json_object_get(doc, "version");
    if (!m || !(m->root = dup_str(root))) {
        snprintf(why, whylen, "lab: error: out of memory");
        goto fail;
    }
    if (!json_is_integer(version) || json_integer_value(version) != 1) {
        snprintf(why, whylen,
                 "lab: error: %s: \"version\" must be 1 (this lab reads "
                 "manifest version 1)",
                 path);
        goto fail;
    }
    if (!json_is_array(arr) || json_array_size(arr) == 0) {
        snprintf(why, whylen,
                 "lab: error: %s: \"exercises\" must be a non-empty array",
                 path);
        goto fail;
    }
    size_t count = json_array_size(arr);
    m->exercises = calloc(count, sizeof *m->exercises);
    if (!m->exercises) {
        snprintf(why, whylen, "lab: error: out of memory");
        goto fail;
    }
    for (size_t i = 0; i < count; i++) {
        m->nexercises = i + 1;
        if (!load_exercise(json_array_get(arr, i), i, &m->exercises[i], why,
                           whylen))
            goto fail;
        for (size_t k = 0; k < i; k++)
            if (strcmp(m->exercises[k].id, m->exercises[i].id) == 0) {
                snprintf(why, whylen,
                         "lab: error: manifest: exercise \"%s\" appears "
                         "twice",
                         m->exercises[i].id);
                goto fail;
            }
    }
    json_decref(doc);
    return m;
fail:
    json_decref(doc);
    manifest_free(m);
    return NULL;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);
    return ls >= lx && strcmp(s + ls - lx, suffix) == 0 &&
           (ls == lx || s[ls - lx - 1] == '/');
}

const manifest_exercise *manifest_find(const manifest *m, const char *what)
{
    if (!what || !*what)
        return NULL;
    char *end;
    unsigned long n = strtoul(what, &end, 10);
    if (*end == '\0' && n >= 1 && n <= m->nexercises)
        return &m->exercises[n - 1];
    const manifest_exercise *found = NULL;
    for (size_t i = 0; i < m->nexercises; i++) {
        const manifest_exercise *ex = &m->exercises[i];
        if (strcmp(ex->id, what) == 0 || ends_with(what, ex->file))
            return ex;
        if (strcmp(ex->name, what) == 0) {
            if (found)
                return NULL; /* ambiguous: same name in two topics */
            found = ex;
        }
    }
    return found;
}

const manifest_check *manifest_check_find(const manifest_exercise *ex,
                                          const char *name)
{
    for (size_t i = 0; i < ex->nchecks; i++)
        if (strcmp(ex->checks[i].name, name) == 0)
            return &ex->checks[i];
    return NULL;
}

int manifest_points(const manifest_exercise *ex)
{
    int total = 0;
    for (size_t i = 0; i < ex->nchecks; i++)
        total += ex->checks[i].points;
    return total;
}
