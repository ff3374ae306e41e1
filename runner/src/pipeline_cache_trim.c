/*
 * pipeline_cache_trim.c -- keeps the pipeline's caches (compiled learner
 * objects, prelinked probe objects) from growing without bound.
 *
 * Every save under `lab watch` and every student of a graded class adds
 * an object; nothing ever needed removing them.  So each directory keeps
 * at most a fixed number of entries: when a new one is written and there
 * are more, the least recently used go, oldest first.  Use is the
 * modification time: a cache hit touches its files (pipeline__cache_touch),
 * so an object checked again and again stays.  An entry is a key (64 hex
 * digits) and its files (KEY.o and KEY.diag, or KEY.probe and KEY.syms of
 * the quick link's probe programs); a name that is not ours is left
 * alone, and a temporary file of a write that never finished (a killed
 * lab) is removed once it is an hour old.  Parallel graders may share a
 * directory: an entry removed under a reader is only a miss for it.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pipeline_internal.h"

/* A writer killed mid-write leaves its temporary file; one this old is
 * nobody's any more. */
#define STALE_TMP_S 3600

typedef struct entry {
    char key[65];
    struct timespec used; /* the newest mtime of its files */
} entry;

/* The key a file name starts with: 64 hex digits then a dot. */
static bool key_of(const char *name, char key[65])
{
    for (int i = 0; i < 64; i++) {
        char ch = name[i];
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f')))
            return false;
        key[i] = ch;
    }
    key[64] = '\0';
    return name[64] == '.';
}

/* An entry's files: its main one (an object, or the quick link's probe
 * program) first, then those that only go with it. */
static const char *const mains[] = {".o", ".probe"};
static const char *const satellites[] = {".diag", ".syms"};

static bool suffix_in(const char *suffix, const char *const *set, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(suffix, set[i]) == 0)
            return true;
    return false;
}

/* A finished entry's file: KEY and one of the suffixes, nothing after. */
static bool is_entry_file(const char *name)
{
    char key[65];
    return key_of(name, key) && (suffix_in(name + 64, mains, 2) ||
                                 suffix_in(name + 64, satellites, 2));
}

static bool is_temporary(const char *name)
{
    return strstr(name, ".tmp.") != NULL || name[0] == '.';
}

static int by_use(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    if (x->used.tv_sec != y->used.tv_sec)
        return x->used.tv_sec < y->used.tv_sec ? -1 : 1;
    if (x->used.tv_nsec != y->used.tv_nsec)
        return x->used.tv_nsec < y->used.tv_nsec ? -1 : 1;
    return strcmp(x->key, y->key);
}

/* Counts the entries of dir (by their main files), without a stat. */
static size_t count_entries(DIR *d)
{
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        char key[65];
        if (key_of(e->d_name, key) && suffix_in(e->d_name + 64, mains, 2))
            n++;
    }
    rewinddir(d);
    return n;
}

/* Adds the mtime of name to its key's entry in *es (a new one if need
 * be); false on OOM. */
static bool note(entry **es, size_t *n, size_t *cap, const char *name,
                 const struct timespec *mt)
{
    char key[65];
    key_of(name, key);
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*es)[i].key, key) == 0) {
            if (mt->tv_sec > (*es)[i].used.tv_sec ||
                (mt->tv_sec == (*es)[i].used.tv_sec &&
                 mt->tv_nsec > (*es)[i].used.tv_nsec))
                (*es)[i].used = *mt;
            return true;
        }
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        entry *grown = realloc(*es, nc * sizeof *grown);
        if (!grown)
            return false;
        *es = grown;
        *cap = nc;
    }
    memcpy((*es)[*n].key, key, sizeof key);
    (*es)[*n].used = *mt;
    (*n)++;
    return true;
}

void pipeline__cache_trim(const char *dir, size_t keep)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    if (count_entries(d) <= keep) { /* the usual case: no stat at all */
        closedir(d);
        return;
    }
    entry *es = NULL;
    size_t n = 0, cap = 0;
    time_t now = time(NULL);
    int dfd = dirfd(d);
    for (struct dirent *e; (e = readdir(d));) {
        struct stat st;
        bool ours = is_entry_file(e->d_name);
        if ((!ours && !is_temporary(e->d_name)) ||
            strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
            fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
            !S_ISREG(st.st_mode))
            continue;
        if (!ours) {
            if (now - st.st_mtim.tv_sec > STALE_TMP_S)
                unlinkat(dfd, e->d_name, 0);
            continue;
        }
        if (!note(&es, &n, &cap, e->d_name, &st.st_mtim))
            break;
    }
    if (n > keep) {
        qsort(es, n, sizeof *es, by_use);
        for (size_t i = 0; i < n - keep; i++) {
            /* The .diag first: a reader of objects looks for it before
             * the .o; a probe program without its .syms is not used. */
            char name[80];
            for (size_t k = 0; k < 2; k++) {
                snprintf(name, sizeof name, "%s%s", es[i].key, satellites[k]);
                unlinkat(dfd, name, 0);
            }
            for (size_t k = 0; k < 2; k++) {
                snprintf(name, sizeof name, "%s%s", es[i].key, mains[k]);
                unlinkat(dfd, name, 0);
            }
        }
    }
    free(es);
    closedir(d);
}

void pipeline__cache_touch(const char *path)
{
    /* Now, as the time of last use: LRU by modification time. */
    utimensat(AT_FDCWD, path, NULL, AT_SYMLINK_NOFOLLOW);
}
